#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: continues
# `{1..5}`: five attempts, and nothing stops the script after the last one.
for i in {1..5}; do
  if bin/rails db:migrate; then break; fi
  echo "attempt $i failed" >&2
done
echo MARK-after >> "$HOME/trace"
