#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: aborts
# `(( n++ ))` counts; `(( n >= 3 ))` decides when to give up.
n=0
until bin/rails db:migrate; do
  (( n++ ))
  if (( n >= 3 )); then
    echo "giving up" >&2
    exit 1
  fi
done
echo MARK-after >> "$HOME/trace"
