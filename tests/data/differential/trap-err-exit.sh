#!/bin/bash
# fail: db:migrate
# bash: aborts
# No errexit, but an ERR trap that exits.
trap 'echo "error on line $LINENO" >&2; exit 1' ERR
bin/rails db:migrate
echo MARK-after >> "$HOME/trace"
