#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: continues
# Every attempt fails, and nothing checks after the loop.
set -e
for attempt in 1 2 3; do
  bin/rails db:migrate && break
  echo "retrying ($attempt)" >&2
done
echo MARK-after >> "$HOME/trace"
