#!/bin/bash
# fail: db:migrate
# bash: aborts
# `set -e` in a sourced file applies to the script that sources it.
source "$(dirname "$0")/lib-strict.sh"
bin/rails db:migrate
echo MARK-after >> "$HOME/trace"
