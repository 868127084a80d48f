#!/bin/bash
# fail: db:migrate
# bash: continues
# message: no
# The first attempt in `$( )` fails, the second succeeds and breaks: the script goes on, the failure retried.
for attempt in 1 2 3; do out=$(bin/rails db:migrate) && break; sleep 0; done
echo MARK-after >> "$HOME/trace"
