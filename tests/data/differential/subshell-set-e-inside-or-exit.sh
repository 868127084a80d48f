#!/bin/bash
# fail: db:migrate
# bash: continues
# `set -e` inside a subshell that is followed by `||` is ignored: the subshell goes on after
# the failure and succeeds, so `|| exit 1` never runs.
(
  set -e
  bin/rails db:migrate
  echo MARK-in-subshell >> "$HOME/trace"
) || exit 1
echo MARK-after >> "$HOME/trace"
