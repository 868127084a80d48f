#!/bin/bash
# fail: db:migrate
# bash: continues
# Without `set -E` the ERR trap is not inherited by functions: the failure inside the
# function does not trigger it, and the function's last command succeeds.
trap 'echo "error" >&2; exit 1' ERR
migrate() {
  bin/rails db:migrate
  echo MARK-in-function >> "$HOME/trace"
}
migrate
echo MARK-after >> "$HOME/trace"
