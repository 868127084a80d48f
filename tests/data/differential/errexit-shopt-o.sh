#!/bin/bash
# fail: db:migrate
# bash: aborts
# `shopt -so errexit` is `set -o errexit`.
shopt -so errexit
bin/rails db:migrate
echo MARK-after >> "$HOME/trace"
