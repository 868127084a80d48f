#!/bin/bash
# fail: db:migrate
# bash: aborts
# With pipefail the task's failure is the pipeline's.
set -eo pipefail
bin/rails db:migrate | tee migrate.log
echo MARK-after >> "$HOME/trace"
