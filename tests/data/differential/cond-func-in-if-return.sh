#!/bin/bash
# fail: db:migrate
# bash: aborts
# The function returns the failure itself, and the caller's `if !` exits.
set -e
migrate() {
  bin/rails db:migrate || return 1
  echo "migrated" >&2
}
if ! migrate; then
  echo "error: migration failed" >&2
  exit 1
fi
echo MARK-after >> "$HOME/trace"
