#!/bin/bash
# fail: db:migrate
# bash: aborts
# No errexit, but the task is the script's last command: the script stops there and exits
# with the task's status, which its caller sees.
echo MARK-before >> "$HOME/trace"
bin/rails db:migrate
