#!/bin/bash
# fail: db:migrate
# bash: continues
# message: yes
# A bare `exit` after the echo ends only the subshell, with the echo's status 0.
set -e
( bin/rails db:migrate || { echo "migration failed" >&2; exit; } )
echo MARK-after >> "$HOME/trace"
