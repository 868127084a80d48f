#!/bin/bash
# fail: db:migrate
# bash: aborts
# `task || rc=$?` under errexit, then a check that exits.
set -e
rc=0
bin/rails db:migrate || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "error: db:migrate exited $rc" >&2
  exit "$rc"
fi
echo MARK-after >> "$HOME/trace"
