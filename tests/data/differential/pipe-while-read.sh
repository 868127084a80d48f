#!/bin/bash
# fail: db:migrate
# bash: aborts
# A `while` loop at the end of a pipeline runs in a subshell that inherits errexit: the task
# stops it, and the pipeline's status is the loop's.
set -e
printf 'primary\n' | while read -r name; do
  bin/rails db:migrate
  echo MARK-in-loop >> "$HOME/trace"
done
echo MARK-after >> "$HOME/trace"
