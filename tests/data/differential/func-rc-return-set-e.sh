#!/bin/bash
# fail: db:migrate
# bash: aborts
# Same function under errexit, called plainly: the task's own failure stops the script.
set -e
migrate() {
  bin/rails db:migrate
  local rc=$?
  echo MARK-in-function >> "$HOME/trace"
  return $rc
}
migrate
echo MARK-after >> "$HOME/trace"
