#!/bin/bash
# fail: db:migrate
# bash: continues
# A script read into a variable and run by `bash -c`: the inner shell has no `set -e`.
set -e
read -r -d '' STEPS <<'EOF' || true
bin/rails db:migrate
echo MARK-in-inner >> "$HOME/trace"
EOF
bash -c "$STEPS"
echo MARK-after >> "$HOME/trace"
