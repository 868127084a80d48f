#!/bin/bash
# fail: db:migrate
# bash: aborts
# A `{ …; }` group runs in the current shell, under errexit.
set -e
{
  bin/rails db:migrate
  echo MARK-in-group >> "$HOME/trace"
}
echo MARK-after >> "$HOME/trace"
