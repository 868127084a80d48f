#!/bin/bash
# fail: db:migrate
# bash: continues
# A function that exits, called inside `$( … )`: the exit ends only the substitution.
migrate() {
  bin/rails db:migrate || exit 1
  echo "done"
}
result=$(migrate)
echo MARK-after >> "$HOME/trace"
