#!/bin/bash
# fail: db:migrate
# bash: aborts
# `exit 1` after the message: the caller sees the failure.
if ! bin/rails db:migrate; then
  echo "migration failed" >&2
  exit 1
fi
echo MARK-after >> "$HOME/trace"
