#!/bin/bash
# fail: db:migrate
# bash: continues
# `fn || exit 1` looks safe, but inside `fn` errexit is ignored: the step after the task runs,
# and the function then succeeds.
set -e
migrate() {
  bin/rails db:migrate
  echo MARK-in-function >> "$HOME/trace"
}
migrate || exit 1
echo MARK-after >> "$HOME/trace"
