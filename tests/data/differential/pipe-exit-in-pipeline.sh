#!/bin/bash
# fail: db:migrate
# bash: continues
# Every part of a pipeline runs in a subshell: the `exit 1` leaves only that part, and tee's
# status is the pipeline's.
{ bin/rails db:migrate || exit 1; } 2>&1 | tee migrate.log
echo MARK-after >> "$HOME/trace"
