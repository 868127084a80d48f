#!/bin/bash
# fail: db:migrate
# fail-call: all
# bash: continues
# `let` counts; after the third failure `break` gives up and the script goes on.
tries=0
until bin/rails db:migrate; do
  let tries=tries+1
  if [ "$tries" -ge 3 ]; then break; fi
done
echo MARK-after >> "$HOME/trace"
