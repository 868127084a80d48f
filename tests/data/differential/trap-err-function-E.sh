#!/bin/bash
# fail: db:migrate
# bash: aborts
# With `set -E` (errtrace) the ERR trap fires inside the function too.
set -E
trap 'echo "error" >&2; exit 1' ERR
migrate() {
  bin/rails db:migrate
  echo MARK-in-function >> "$HOME/trace"
}
migrate
echo MARK-after >> "$HOME/trace"
