#!/bin/bash
# fail: db:migrate
# bash: continues
# message: no
# No ERR trap for a negated command.
trap 'echo "failed on line $LINENO" >&2' ERR
! bin/rails db:migrate
echo MARK-after >> "$HOME/trace"
