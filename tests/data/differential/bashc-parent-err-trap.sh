#!/bin/bash
# fail: db:migrate
# bash: continues
# message: no
# A child shell does not inherit the ERR trap; its failure, in an `&&` list, raises none here.
trap 'echo "failed on line $LINENO" >&2; exit 1' ERR
bash -ec 'bin/rails db:migrate' && echo MARK-migrated >> "$HOME/trace"
echo MARK-after >> "$HOME/trace"
