#!/bin/bash
# fail: db:migrate
# bash: aborts
# No errexit: the group's status is its last command's, the task's.
{ echo "migrating" >&2; bin/rails db:migrate; } || exit 1
echo MARK-after >> "$HOME/trace"
