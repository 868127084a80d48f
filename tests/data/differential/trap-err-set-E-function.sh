#!/bin/bash
# fail: db:migrate
# bash: aborts
# With set -E the ERR trap that exits reaches the failure inside a function.
set -E
trap 'exit 1' ERR
migrate() {
  bin/rails db:migrate
  echo MARK-in-function >> "$HOME/trace"
}
migrate
echo MARK-after >> "$HOME/trace"
