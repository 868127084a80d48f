#!/bin/bash
# fail: db:migrate
# bash: continues
# `local x=$(task)`: the status is `local`'s, 0.
set -e
migrate() {
  local output=$(bin/rails db:migrate)
  echo MARK-in-function >> "$HOME/trace"
}
migrate
echo MARK-after >> "$HOME/trace"
