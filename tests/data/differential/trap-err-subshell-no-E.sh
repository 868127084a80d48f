#!/bin/bash
# fail: db:migrate
# bash: continues
# Without `set -E` a subshell does not inherit the ERR trap: it goes on after the failure
# and succeeds.
trap 'echo "error" >&2; exit 1' ERR
(
  bin/rails db:migrate
  echo MARK-in-subshell >> "$HOME/trace"
)
echo MARK-after >> "$HOME/trace"
