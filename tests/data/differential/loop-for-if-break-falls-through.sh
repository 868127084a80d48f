#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: continues
# Three attempts, then the list ends and the script goes on as if the task had worked.
set -e
for i in 1 2 3; do
  if bin/rails db:migrate; then break; fi
  sleep 0
done
bin/rails db:seed
