#!/bin/bash
# fail: db:migrate
# bash: continues
# An `echo` between the task and the check: `$?` is the echo's status.
bin/rails db:migrate
echo "migration finished" >&2
if [ $? -ne 0 ]; then
  exit 1
fi
echo MARK-after >> "$HOME/trace"
