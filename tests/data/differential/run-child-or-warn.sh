#!/bin/bash
# fail: db:migrate
# at: child-strict.sh:4
# bash: continues
# The parent only warns when the child fails.
set -e
bash "$(dirname "$0")/child-strict.sh" || echo "warning: child failed" >&2
echo MARK-after >> "$HOME/trace"
