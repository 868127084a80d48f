#!/bin/bash
# fail: db:migrate
# bash: continues
# A function run in a subshell that is followed by `||`: errexit ignored in both.
set -e
migrate() {
  bin/rails db:migrate
  echo MARK-in-function >> "$HOME/trace"
}
( migrate ) || echo "warning: migration failed" >&2
echo MARK-after >> "$HOME/trace"
