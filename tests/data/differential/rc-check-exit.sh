#!/bin/bash
# fail: db:migrate
# bash: aborts
# `rc=$?` then a check that exits.
bin/rails db:migrate
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "error: db:migrate exited $rc" >&2
  exit "$rc"
fi
echo MARK-after >> "$HOME/trace"
