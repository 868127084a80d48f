#!/bin/bash
# fail: db:migrate
# bash: aborts
# `wait -n` returns the status of the job that ended.
set -e
bin/rails db:migrate &
wait -n
echo MARK-after >> "$HOME/trace"
