#!/bin/bash
# fail: db:migrate
# bash: aborts
# `(( $? == 0 )) || exit 1` right after the task.
bin/rails db:migrate
(( $? == 0 )) || exit 1
echo MARK-after >> "$HOME/trace"
