#!/bin/bash
# fail: db:migrate
# bash: aborts
# `set -o errexit` is `set -e`.
set -o errexit
bin/rails db:migrate
echo MARK-after >> "$HOME/trace"
