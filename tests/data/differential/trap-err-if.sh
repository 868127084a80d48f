#!/bin/bash
# fail: db:migrate
# bash: continues
# The ERR trap does not fire in an `if` condition (same rules as errexit).
trap 'echo "error" >&2; exit 1' ERR
if bin/rails db:migrate; then
  echo "migrated" >&2
fi
echo MARK-after >> "$HOME/trace"
