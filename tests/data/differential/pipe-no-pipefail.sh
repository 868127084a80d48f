#!/bin/bash
# fail: db:migrate
# bash: continues
# A pipeline's status is its last command's: `task | tee` succeeds.
set -e
bin/rails db:migrate | tee migrate.log
echo MARK-after >> "$HOME/trace"
