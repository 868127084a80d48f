#!/bin/bash
# fail: db:migrate
# bash: aborts
# `local x; x=$(task)`: the assignment keeps the task's status.
set -e
migrate() {
  local output
  output=$(bin/rails db:migrate)
  echo MARK-in-function >> "$HOME/trace"
}
migrate
echo MARK-after >> "$HOME/trace"
