#!/bin/bash
# fail: db:migrate
# at: lib-ends-with-list.sh:2
# bash: aborts
# `.` is a simple command: the status the sourced file ends with is its own, and errexit acts.
set -e
. "$(dirname "$0")/lib-ends-with-list.sh"
echo MARK-after >> "$HOME/trace"
