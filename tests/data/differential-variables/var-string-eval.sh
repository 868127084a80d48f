#!/bin/bash
# fail: db:migrate
# bash: aborts
# `eval` runs the variable's text in this shell, under its `set -e`.
set -e
STEPS="bin/rails db:migrate; echo MARK-in-eval >> \"\$HOME/trace\""
eval "$STEPS"
echo MARK-after >> "$HOME/trace"
