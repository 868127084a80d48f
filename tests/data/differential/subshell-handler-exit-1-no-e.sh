#!/bin/bash
# fail: db:migrate
# bash: continues
# message: yes
# The subshell prints and fails; without errexit the script goes on, after that message.
( bin/rails db:migrate || { echo "migration failed" >&2; exit 1; } )
echo MARK-after >> "$HOME/trace"
