#!/bin/bash
# fail: db:migrate
# bash: continues
# A group followed by `||`: errexit ignored inside it.
set -e
{
  bin/rails db:migrate
  echo MARK-in-group >> "$HOME/trace"
} || echo "warning: migration failed" >&2
echo MARK-after >> "$HOME/trace"
