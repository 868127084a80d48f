#!/bin/bash
# fail: db:migrate
# bash: continues
# `die` inside `$( )` ends only the subshell; the assignment's status is not checked.
die() { echo "$*" >&2; exit 1; }
out=$(bin/rails db:migrate || die "migration failed")
echo MARK-after >> "$HOME/trace"
