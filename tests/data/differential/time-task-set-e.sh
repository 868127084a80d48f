#!/bin/bash
# fail: db:migrate
# bash: aborts
# `time task` has the task's status: set -e stops the script.
set -e
time bin/rails db:migrate
echo MARK-after >> "$HOME/trace"
