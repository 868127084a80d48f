#!/bin/bash
# fail: db:migrate
# bash: aborts
# The inner script's status is the task's, under the outer errexit.
set -e
bash -c 'echo "migrating" >&2; bin/rails db:migrate'
echo MARK-after >> "$HOME/trace"
