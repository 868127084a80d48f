#!/bin/bash
# fail: db:migrate
# bash: continues
# message: yes
# With `set -E` the exiting ERR trap runs inside `$( )`: it prints and ends the substitution;
# `local` masks that status and the script goes on, after the trap's message.
set -E
trap 'echo "failed on line $LINENO" >&2; exit 1' ERR
migrate() {
  local out=$(bin/rails db:migrate)
  : "$out"
}
migrate
echo MARK-after >> "$HOME/trace"
