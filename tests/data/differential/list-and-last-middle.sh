#!/bin/bash
# fail: db:migrate
# bash: aborts
# The last command of an `&&` list, in the middle of the script, is under errexit.
set -e
[ -d bin ] && bin/rails db:migrate
echo MARK-after >> "$HOME/trace"
