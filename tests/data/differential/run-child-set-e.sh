#!/bin/bash
# fail: db:migrate
# at: child-strict.sh:4
# bash: aborts
# A strict child stops at the failure and exits 1; the parent's errexit stops it too.
set -e
bash "$(dirname "$0")/child-strict.sh"
echo MARK-after >> "$HOME/trace"
