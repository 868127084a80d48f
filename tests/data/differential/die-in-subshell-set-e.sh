#!/bin/bash
# fail: db:migrate
# bash: aborts
# Same with errexit: the subshell's failure is the last command of the `||` list.
set -e
bin/rails db:migrate || ( echo "error: db:migrate failed" >&2; exit 1 )
echo MARK-after >> "$HOME/trace"
