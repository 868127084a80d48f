#!/bin/bash
# fail: db:migrate
# bash: continues
# `exit 1` inside `( … )` leaves the subshell only; without errexit the parent goes on.
( bin/rails db:migrate || exit 1 )
echo MARK-after >> "$HOME/trace"
