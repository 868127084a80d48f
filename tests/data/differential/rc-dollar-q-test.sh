#!/bin/bash
# fail: db:migrate
# bash: aborts
# `[ $? -ne 0 ]` right after the task.
bin/rails db:migrate
if [ $? -ne 0 ]; then
  exit 1
fi
echo MARK-after >> "$HOME/trace"
