#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: aborts
# Each attempt leaves the script on success; when the last one fails, `exit 1` after the loop stops it.
for i in 1 2 3; do
  if bin/rails db:migrate; then
    exit 0
  else
    sleep 0
  fi
done
exit 1
