#!/bin/bash
# fail: db:migrate
# bash: aborts
# `task || return 1` in a function called plainly under errexit: the return status stops
# the script.
set -e
migrate() {
  bin/rails db:migrate || return 1
  echo MARK-in-function >> "$HOME/trace"
}
migrate
echo MARK-after >> "$HOME/trace"
