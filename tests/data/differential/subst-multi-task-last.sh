#!/bin/bash
# fail: db:migrate
# bash: aborts
# Several commands in `$( … )`, the task last: its status is the substitution's.
set -e
output=$(echo "migrating" >&2; bin/rails db:migrate)
echo MARK-after >> "$HOME/trace"
