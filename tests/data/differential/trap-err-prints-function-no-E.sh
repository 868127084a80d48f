#!/bin/bash
# fail: db:migrate
# bash: continues
# message: no
# Without `set -E` a function does not inherit the ERR trap: the failure inside it is unseen,
# and the function's own status (the last command's, 0) raises nothing.
trap 'echo "failed on line $LINENO" >&2' ERR
migrate() {
  bin/rails db:migrate
  echo MARK-in-function >> "$HOME/trace"
}
migrate
echo MARK-after >> "$HOME/trace"
