#!/bin/bash
# fail: db:migrate
# bash: aborts
# `set -e` with an ERR trap that logs: errexit still stops the script in the function.
set -e
trap 'echo "error" >&2' ERR
migrate() {
  bin/rails db:migrate
  echo MARK-in-function >> "$HOME/trace"
}
migrate
echo MARK-after >> "$HOME/trace"
