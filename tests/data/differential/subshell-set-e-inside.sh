#!/bin/bash
# fail: db:migrate
# bash: continues
# `set -e` inside the subshell stops the subshell, not the parent, which has no errexit.
(
  set -e
  bin/rails db:migrate
  echo MARK-in-subshell >> "$HOME/trace"
)
echo MARK-after >> "$HOME/trace"
