#!/bin/bash
# fail: db:migrate
# bash: aborts
# `|| { echo; exit 1; }` stops the script.
bin/rails db:migrate || { echo "error: migration failed" >&2; exit 1; }
echo MARK-after >> "$HOME/trace"
