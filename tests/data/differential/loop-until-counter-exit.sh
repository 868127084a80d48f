#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: aborts
# A counted retry: after the third failed attempt the body exits.
n=0
until bin/rails db:migrate; do
  n=$((n + 1))
  [ "$n" -ge 3 ] && exit 1
  sleep 0
done
echo MARK-after >> "$HOME/trace"
