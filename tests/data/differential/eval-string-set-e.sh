#!/bin/bash
# fail: db:migrate
# bash: aborts
# `eval "bin/rails db:migrate"` fails with the task; set -e stops the script.
set -e
eval "bin/rails db:migrate"
echo MARK-after >> "$HOME/trace"
