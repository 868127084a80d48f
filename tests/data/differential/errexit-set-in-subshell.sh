#!/bin/bash
# fail: db:migrate
# bash: continues
# `set -e` inside a subshell does not reach the parent shell.
( set -e )
bin/rails db:migrate
echo MARK-after >> "$HOME/trace"
