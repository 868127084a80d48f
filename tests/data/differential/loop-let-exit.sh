#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: aborts
# `let "n += 1"` counts; the third failure exits.
n=0
until bin/rails db:migrate; do
  let "n += 1"
  [ $n -lt 3 ] || exit 1
done
echo MARK-after >> "$HOME/trace"
