#!/bin/bash
# fail: db:migrate
# bash: aborts
# With `shopt -s lastpipe` (no job control in a script) the loop runs in the script's own
# shell: `exit 1` ends the script.
shopt -s lastpipe
printf 'primary\n' | while read -r name; do
  bin/rails db:migrate || exit 1
done
echo MARK-after >> "$HOME/trace"
