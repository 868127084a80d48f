#!/bin/bash
# fail: db:migrate
# bash: aborts
# `set -e` inside `bash -c` is a separate process: the outer `||` does not turn it off.
bash -c 'set -e; bin/rails db:migrate; echo MARK-in-inner >> "$HOME/trace"' || exit 1
echo MARK-after >> "$HOME/trace"
