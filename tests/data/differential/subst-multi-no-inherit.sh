#!/bin/bash
# fail: db:migrate
# bash: continues
# errexit is off inside `$( … )` (no inherit_errexit): the next command in it runs and its
# status is the substitution's.
set -e
output=$(bin/rails db:migrate; echo MARK-in-substitution >> "$HOME/trace")
echo MARK-after >> "$HOME/trace"
