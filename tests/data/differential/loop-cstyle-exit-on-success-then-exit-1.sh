#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: aborts
# A C-style loop with a bound from the environment, then `exit 1`.
MAX=${MAX:-3}
for ((i=1;i<=MAX;i++)); do
  if bin/rails db:migrate; then
    exit 0
  fi
  sleep 0
done
exit 1
