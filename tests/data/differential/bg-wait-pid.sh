#!/bin/bash
# fail: db:migrate
# bash: aborts
# `wait $pid` returns the job's status, under errexit.
set -e
bin/rails db:migrate &
pid=$!
wait "$pid"
echo MARK-after >> "$HOME/trace"
