#!/bin/bash
# fail: db:migrate
# bash: continues
# A retry loop: the first attempt fails, the second succeeds, the script goes on.
set -e
for attempt in 1 2 3; do
  bin/rails db:migrate && break
  echo "retrying ($attempt)" >&2
done
echo MARK-after >> "$HOME/trace"
