#!/bin/bash
# fail: db:migrate
# bash: continues
# In `a && task && b` the task is not the last command: errexit is ignored.
set -e
[ -d bin ] && bin/rails db:migrate && echo "migrated" >&2
echo MARK-after >> "$HOME/trace"
