#!/bin/bash
# fail: db:migrate
# bash: aborts
# `bash -lc $(printf %q "$X")` runs the text as one script; its `set -e` stops it, and the
# outer `set -e` stops at bash's failure.
set -e
STEPS=$(cat <<'EOF'
set -e; bin/rails db:migrate
echo MARK-in-inner >> "$HOME/trace"
EOF
)
eval "bash -lc $(printf %q "$STEPS")"
echo MARK-after >> "$HOME/trace"
