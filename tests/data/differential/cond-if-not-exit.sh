#!/bin/bash
# fail: db:migrate
# bash: aborts
# `if ! task; then exit 1; fi`.
set -e
if ! bin/rails db:migrate; then
  echo "error: migration failed" >&2
  exit 1
fi
echo MARK-after >> "$HOME/trace"
