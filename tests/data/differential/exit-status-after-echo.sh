#!/bin/bash
# fail: db:migrate
# bash: continues
# `exit $?` after an `echo`: the echo's status, 0.
set -e
bin/rails db:migrate || { echo "migration failed" >&2; exit $?; }
echo MARK-after >> "$HOME/trace"
