#!/bin/bash
# fail: db:migrate
# bash: continues
# message: no
# After `! task` the status is 0: `return $?` returns success, and `! migrate` is false.
migrate() { ! bin/rails db:migrate; return $?; }
if ! migrate; then echo "migrate failed" >&2; fi
echo MARK-after >> "$HOME/trace"
