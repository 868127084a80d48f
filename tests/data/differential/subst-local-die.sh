#!/bin/bash
# fail: db:migrate
# bash: continues
# message: yes
# `die` inside `$( )` prints and leaves only the substitution; `local` masks its status.
die() { echo "$*" >&2; exit 1; }
migrate() {
  local out=$(bin/rails db:migrate || die "migration failed")
  : "$out"
}
set -e
migrate
echo MARK-after >> "$HOME/trace"
