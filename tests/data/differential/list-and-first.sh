#!/bin/bash
# fail: db:migrate
# bash: continues
# errexit is ignored for a command followed by `&&`.
set -e
bin/rails db:migrate && echo "migrated" >&2
echo MARK-after >> "$HOME/trace"
