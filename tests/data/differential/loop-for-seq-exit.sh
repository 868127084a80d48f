#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: aborts
# `$(seq 1 5)` gives five attempts; the fifth failure exits.
for i in $(seq 1 5); do
  bin/rails db:migrate && break
  [ "$i" -eq 5 ] && exit 1
  sleep 0
done
echo MARK-after >> "$HOME/trace"
