#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: aborts
# Under set -e, `(( n++ ))` from 0 has the value 0, status 1: the script stops at the first retry.
set -e
n=0
until bin/rails db:migrate; do
  (( n++ ))
  [ "$n" -ge 3 ] && break
done
echo MARK-after >> "$HOME/trace"
