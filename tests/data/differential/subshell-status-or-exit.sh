#!/bin/bash
# fail: db:migrate
# bash: aborts
# No errexit: the subshell's status is the task's, and the caller exits on it.
( cd . && bin/rails db:migrate ) || exit 1
echo MARK-after >> "$HOME/trace"
