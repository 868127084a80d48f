#!/bin/bash
# fail: db:migrate
# bash: continues
# `declare x=$(task)` has the status of `declare`, 0.
set -e
declare out=$(bin/rails db:migrate)
echo MARK-after >> "$HOME/trace"
