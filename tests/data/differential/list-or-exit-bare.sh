#!/bin/bash
# fail: db:migrate
# bash: aborts
# A bare `exit` exits with the status of the last command, the task's.
bin/rails db:migrate || exit
echo MARK-after >> "$HOME/trace"
