#!/bin/bash
# fail: db:migrate
# bash: continues
# `return $rc` to a caller that ignores it (no errexit): the script goes on.
migrate() {
  bin/rails db:migrate
  local rc=$?
  echo "db:migrate exited $rc" >&2
  return $rc
}
migrate
echo MARK-after >> "$HOME/trace"
