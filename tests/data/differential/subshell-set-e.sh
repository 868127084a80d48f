#!/bin/bash
# fail: db:migrate
# bash: aborts
# A subshell inherits errexit; its failure then stops the parent.
set -e
(
  bin/rails db:migrate
  echo MARK-in-subshell >> "$HOME/trace"
)
echo MARK-after >> "$HOME/trace"
