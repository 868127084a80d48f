#!/bin/bash
# fail: db:migrate
# fail-call: all
# timeout: 1.5
# bash: aborts
# `until task; do sleep; done` without a counter only ends on success.
set -e
until bin/rails db:migrate; do
  echo "waiting for the database" >&2
  sleep 0.1
done
echo MARK-after >> "$HOME/trace"
