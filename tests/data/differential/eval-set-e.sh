#!/bin/bash
# fail: db:migrate
# bash: aborts
# `eval` runs in the current shell, under errexit.
set -e
eval 'bin/rails db:migrate; echo MARK-in-eval >> "$HOME/trace"'
echo MARK-after >> "$HOME/trace"
