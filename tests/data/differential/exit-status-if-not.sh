#!/bin/bash
# fail: db:migrate
# bash: continues
# `exit $?` in the body is the condition's status, 0.
if ! bin/rails db:migrate; then
  exit $?
fi
echo MARK-after >> "$HOME/trace"
