#!/bin/bash
# fail: db:migrate
# bash: aborts
# A function called as a plain command runs under errexit.
set -e
migrate() {
  bin/rails db:migrate
  echo MARK-in-function >> "$HOME/trace"
}
migrate
echo MARK-after >> "$HOME/trace"
