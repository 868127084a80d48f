#!/bin/bash
# fail: db:migrate
# bash: continues
# `readonly x=$(task)` has the status of `readonly`, 0.
set -e
readonly out=$(bin/rails db:migrate)
echo MARK-after >> "$HOME/trace"
