#!/bin/bash
# fail: db:migrate
# bash: aborts
# In posix mode, `$( … )` inherits errexit.
set -e
set -o posix
output=$(bin/rails db:migrate; echo MARK-in-substitution >> "$HOME/trace")
echo MARK-after >> "$HOME/trace"
