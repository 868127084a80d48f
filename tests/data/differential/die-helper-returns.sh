#!/bin/bash
# fail: db:migrate
# bash: continues
# A helper named like `die` that only returns 1: without errexit the script goes on.
fail() {
  echo "error: $*" >&2
  return 1
}
bin/rails db:migrate || fail "db:migrate failed"
echo MARK-after >> "$HOME/trace"
