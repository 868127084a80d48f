#!/bin/bash
# fail: db:migrate
# bash: aborts
# `exec` replaces the shell: the script's status is the task's, and nothing after it runs.
echo MARK-before >> "$HOME/trace"
exec bin/rails db:migrate
echo MARK-after >> "$HOME/trace"
