#!/bin/bash
# fail: db:migrate
# bash: continues
# A substitution in a command's argument: the command's status counts, not the task's.
set -e
echo "migration output: $(bin/rails db:migrate)" >&2
echo MARK-after >> "$HOME/trace"
