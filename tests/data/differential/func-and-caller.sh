#!/bin/bash
# fail: db:migrate
# bash: continues
# A function called before `&&`: errexit is ignored in its whole body.
set -e
migrate() {
  bin/rails db:migrate
  echo MARK-in-function >> "$HOME/trace"
}
migrate && echo "migrated" >&2
echo MARK-after >> "$HOME/trace"
