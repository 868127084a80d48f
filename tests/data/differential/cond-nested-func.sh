#!/bin/bash
# fail: db:migrate
# bash: continues
# errexit stays ignored through nested calls from an `if` condition.
set -e
migrate() {
  bin/rails db:migrate
  echo MARK-in-migrate >> "$HOME/trace"
}
deploy() {
  migrate
  echo MARK-in-deploy >> "$HOME/trace"
}
if deploy; then
  echo "deployed" >&2
fi
