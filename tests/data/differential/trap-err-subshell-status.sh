#!/bin/bash
# fail: db:migrate
# bash: aborts
# The subshell's status is the task's: the parent's ERR trap fires on the subshell.
trap 'echo "error" >&2; exit 1' ERR
( cd . && echo "migrating" >&2 && bin/rails db:migrate )
echo MARK-after >> "$HOME/trace"
