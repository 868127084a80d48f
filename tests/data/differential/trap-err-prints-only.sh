#!/bin/bash
# fail: db:migrate
# bash: continues
# message: yes
# An ERR trap that only prints: a warning, and the script goes on.
trap 'echo "error on line $LINENO" >&2' ERR
bin/rails db:migrate
echo MARK-after >> "$HOME/trace"
