#!/bin/bash
# fail: db:migrate
# bash: aborts
# `(cd dir && task)` under errexit: the task is the last of the `&&` list.
set -e
(cd . && bin/rails db:migrate)
echo MARK-after >> "$HOME/trace"
