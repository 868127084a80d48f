#!/bin/bash
# fail: db:migrate
# bash: continues
# A function called as an `if` condition runs with errexit ignored: the task's failure does
# not stop the function, and its last command succeeds.
set -e
migrate() {
  bin/rails db:migrate
  echo MARK-in-function >> "$HOME/trace"
}
if migrate; then
  echo "done" >&2
else
  exit 1
fi
