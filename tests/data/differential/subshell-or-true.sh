#!/bin/bash
# fail: db:migrate
# bash: continues
# A subshell followed by `|| true`: errexit is ignored inside it.
set -e
(
  bin/rails db:migrate
  echo MARK-in-subshell >> "$HOME/trace"
) || true
echo MARK-after >> "$HOME/trace"
