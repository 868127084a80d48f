#!/bin/bash
# fail: db:migrate
# bash: continues
# `exec` in a subshell replaces only the subshell.
( exec bin/rails db:migrate ) || echo "warning: migration failed" >&2
echo MARK-after >> "$HOME/trace"
