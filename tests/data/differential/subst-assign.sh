#!/bin/bash
# fail: db:migrate
# bash: aborts
# `x=$(task)`: the assignment's status is the substitution's, under errexit.
set -e
output=$(bin/rails db:migrate)
echo MARK-after >> "$HOME/trace"
echo "$output" >&2
