#!/bin/bash
# fail: db:migrate
# bash: continues
# Without pipefail, `task | tee || exit 1` never exits: tee succeeds.
bin/rails db:migrate 2>&1 | tee migrate.log || exit 1
echo MARK-after >> "$HOME/trace"
