#!/bin/bash
# fail: db:migrate
# bash: continues
# `set -e` only acts from where it runs: the task before it is not under errexit.
bin/rails db:migrate
set -e
echo MARK-after >> "$HOME/trace"
