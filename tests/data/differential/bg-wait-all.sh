#!/bin/bash
# fail: db:migrate:queue
# bash: continues
# `task &` then `wait` with no operand: `wait` returns 0 whatever the job did.
set -e
bin/rails db:migrate:queue &
wait
echo MARK-after >> "$HOME/trace"
