#!/bin/bash
# fail: db:migrate
# bash: continues
# `bash -c` does not inherit the caller's `set -e`: the inner script goes on and succeeds.
set -e
bash -c 'bin/rails db:migrate; echo MARK-in-inner >> "$HOME/trace"'
echo MARK-after >> "$HOME/trace"
