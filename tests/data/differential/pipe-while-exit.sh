#!/bin/bash
# fail: db:migrate
# bash: continues
# A `while` loop fed by a pipe runs in a subshell: `exit 1` in it ends only the loop; with no
# errexit the script goes on.
printf 'primary\n' | while read -r name; do
  bin/rails db:migrate || exit 1
done
echo MARK-after >> "$HOME/trace"
