#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: continues
# The counter in the condition ends the loop after three failures; the script goes on.
n=0
while [ "$n" -lt 3 ]; do
  n=$((n + 1))
  if bin/rails db:migrate; then break; fi
done
echo MARK-after >> "$HOME/trace"
