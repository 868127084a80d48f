#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: continues
# The same helper without set -e: its `return 1` is never checked and the script goes on.
retry() {
  local n=0
  until "$@"; do
    n=$((n + 1))
    [ "$n" -ge 3 ] && return 1
    sleep 0
  done
}
retry bin/rails db:migrate
echo MARK-after >> "$HOME/trace"
