#!/bin/bash
# fail: db:migrate
# fail-call: 1
# via: func-called-twice-first.sh:12
# bash: continues
# The same function called twice: the first call (which fails) is guarded by `|| true`.
set -e
migrate() {
  bin/rails db:migrate
}
echo MARK-before >> "$HOME/trace"
migrate || true
migrate
echo MARK-after >> "$HOME/trace"
