#!/bin/bash
# fail: db:migrate
# bash: aborts
# The function's status is the task's (its last command), and the caller exits on it.
migrate() {
  echo "migrating" >&2
  bin/rails db:migrate
}
migrate || { echo "error: migration failed" >&2; exit 1; }
echo MARK-after >> "$HOME/trace"
