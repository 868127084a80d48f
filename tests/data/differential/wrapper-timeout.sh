#!/bin/bash
# fail: db:migrate
# bash: aborts
# `timeout` passes the task's status through, under errexit.
set -e
timeout 600 bin/rails db:migrate
echo MARK-after >> "$HOME/trace"
