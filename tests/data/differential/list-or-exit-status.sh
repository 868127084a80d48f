#!/bin/bash
# fail: db:migrate
# bash: aborts
# `|| exit $?` stops the script with the task's status.
bin/rails db:migrate || exit $?
echo MARK-after >> "$HOME/trace"
