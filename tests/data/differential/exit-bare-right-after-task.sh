#!/bin/bash
# fail: db:migrate
# bash: aborts
# `|| exit` right after the task: the task's status.
bin/rails db:migrate || exit
echo MARK-after >> "$HOME/trace"
