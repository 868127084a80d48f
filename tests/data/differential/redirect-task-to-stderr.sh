#!/bin/bash
# fail: db:migrate
# bash: aborts
# A task whose output goes to stderr still runs, and under `set -e` its failure stops the script.
set -e
bin/rails db:migrate >&2
echo MARK-after >> "$HOME/trace"
