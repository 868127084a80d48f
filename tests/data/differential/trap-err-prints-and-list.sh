#!/bin/bash
# fail: db:migrate
# bash: continues
# message: no
# An ERR trap runs where errexit would act: not for a failure in an `&&` list before its last command.
trap 'echo "failed on line $LINENO" >&2' ERR
bin/rails db:migrate && echo MARK-migrated >> "$HOME/trace"
echo MARK-after >> "$HOME/trace"
