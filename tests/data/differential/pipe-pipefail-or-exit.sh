#!/bin/bash
# fail: db:migrate
# bash: aborts
# pipefail and `|| exit 1` on the pipeline.
set -o pipefail
bin/rails db:migrate 2>&1 | tee migrate.log || exit 1
echo MARK-after >> "$HOME/trace"
