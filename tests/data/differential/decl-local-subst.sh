#!/bin/bash
# fail: db:migrate
# bash: continues
# `local x=$(task)` has the status of `local`, 0, even under set -e.
set -e
run() {
  local out=$(bin/rails db:migrate)
  echo MARK-after >> "$HOME/trace"
}
run
