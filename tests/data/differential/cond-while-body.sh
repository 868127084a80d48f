#!/bin/bash
# fail: db:migrate
# bash: aborts
# Only the loop's condition ignores errexit, not its body.
set -e
n=0
while [ "$n" -lt 2 ]; do
  n=$((n + 1))
  bin/rails db:migrate
  echo MARK-in-loop >> "$HOME/trace"
done
echo MARK-after >> "$HOME/trace"
