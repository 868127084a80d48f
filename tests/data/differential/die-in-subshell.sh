#!/bin/bash
# fail: db:migrate
# bash: continues
# `|| ( echo; exit 1 )`: the exit leaves only the subshell.
bin/rails db:migrate || ( echo "error: db:migrate failed" >&2; exit 1 )
echo MARK-after >> "$HOME/trace"
