#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: aborts
# A retry helper that returns 1 after its last attempt: set -e stops the script at its call.
set -e
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
