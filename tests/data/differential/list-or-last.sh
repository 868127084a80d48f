#!/bin/bash
# fail: db:migrate
# bash: aborts
# The command after the final `||` is under errexit.
set -e
[ -n "${SKIP_MIGRATIONS:-}" ] || bin/rails db:migrate
echo MARK-after >> "$HOME/trace"
