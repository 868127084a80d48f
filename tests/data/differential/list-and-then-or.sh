#!/bin/bash
# fail: db:migrate
# bash: aborts
# `task && echo ok || exit 1`: the `|| exit 1` handles the task's failure.
bin/rails db:migrate && echo "migrated" >&2 || exit 1
echo MARK-after >> "$HOME/trace"
