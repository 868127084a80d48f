#!/bin/bash
# fail: db:migrate
# bash: aborts
# The function saves the status, logs, returns it; the caller checks it.
migrate() {
  bin/rails db:migrate
  local rc=$?
  echo "db:migrate exited $rc" >&2
  return $rc
}
if ! migrate; then
  exit 1
fi
echo MARK-after >> "$HOME/trace"
