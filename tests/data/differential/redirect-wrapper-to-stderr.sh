#!/bin/bash
# fail: db:migrate
# bash: continues
# A wrapper whose output goes to stderr runs the task; without `set -e` the script goes on.
run() { "$@"; }
run bin/rails db:migrate 1>&2
echo MARK-after >> "$HOME/trace"
