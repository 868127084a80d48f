#!/bin/bash
# fail: db:migrate
# bash: aborts
# With `shopt -s inherit_errexit`, the substitution stops at the failure and the assignment
# fails.
set -e
shopt -s inherit_errexit
output=$(bin/rails db:migrate; echo MARK-in-substitution >> "$HOME/trace")
echo MARK-after >> "$HOME/trace"
