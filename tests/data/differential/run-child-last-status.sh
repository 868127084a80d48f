#!/bin/bash
# fail: db:migrate
# at: child-last.sh:4
# bash: aborts
# The child's status is its last command's, the task's; the parent's errexit stops it.
set -e
bash "$(dirname "$0")/child-last.sh"
echo MARK-after >> "$HOME/trace"
