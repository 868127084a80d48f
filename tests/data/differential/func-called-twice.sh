#!/bin/bash
# fail: db:migrate
# fail-call: 2
# via: func-called-twice.sh:12
# bash: aborts
# The same function called twice: the first call is guarded, the second (which fails) is not.
set -e
migrate() {
  bin/rails db:migrate
}
migrate || true
migrate
echo MARK-after >> "$HOME/trace"
