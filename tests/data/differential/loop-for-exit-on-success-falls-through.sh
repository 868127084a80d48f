#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: continues
# Success leaves the script, but after the last failure the script goes on to the seed.
for i in 1 2 3; do
  if bin/rails db:migrate; then
    exit 0
  fi
  sleep 0
done
bin/rails db:seed
