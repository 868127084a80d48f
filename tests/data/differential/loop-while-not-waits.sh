#!/bin/bash
# fail: db:migrate
# fail-call: all
# timeout: 1.5
# bash: aborts
# Waits for ever while the task fails: nothing after the loop runs after a failure.
while ! bin/rails db:migrate; do
  sleep 0.1
done
echo MARK-after >> "$HOME/trace"
