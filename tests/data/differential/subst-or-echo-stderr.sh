#!/bin/bash
# fail: db:migrate
# bash: continues
# message: yes
# The handler writes to stderr, which `$( )` does not capture: a warning.
out=$(bin/rails db:migrate || echo "migration failed" >&2)
echo MARK-after >> "$HOME/trace"
