#!/bin/bash
# fail: db:migrate
# bash: aborts
# A `set +e … set -e` section: the task after `set -e` is under errexit again.
set -e
set +e
bin/rails db:migrate:queue
echo MARK-queue-done >> "$HOME/trace"
set -e
bin/rails db:migrate
echo MARK-after >> "$HOME/trace"
