#!/bin/bash
# fail: db:migrate
# bash: aborts
# bash ignores errexit under `!` only when it is on already: `set -e` run by the negated
# function itself stops it at the next failure, and the script with it.
migrate() {
  set -e
  bin/rails db:migrate
  echo MARK-in-function >> "$HOME/trace"
}
! migrate
echo MARK-after >> "$HOME/trace"
