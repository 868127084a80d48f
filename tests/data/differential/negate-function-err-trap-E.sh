#!/bin/bash
# fail: db:migrate
# bash: aborts
# Without errexit, `!` does not keep an inherited (`set -E`) ERR trap from the negated function's
# failures: the trap runs for the failing task and exits.
set -E
trap 'echo "failed on line $LINENO" >&2; exit 1' ERR
migrate() {
  bin/rails db:migrate
  echo MARK-in-function >> "$HOME/trace"
}
! migrate
echo MARK-after >> "$HOME/trace"
