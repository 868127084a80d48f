#!/bin/bash
# fail: db:migrate
# bash: aborts
# An `else` branch that exits stops the script.
if bin/rails db:migrate; then
  echo "migrated" >&2
else
  echo "error: migration failed" >&2
  exit 1
fi
echo MARK-after >> "$HOME/trace"
