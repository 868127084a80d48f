#!/bin/bash
# fail: db:migrate
# at: child-shebang-e.sh:4
# bash: aborts
# Executed directly, the child gets errexit from its shebang.
set -e
"$(dirname "$0")/child-shebang-e.sh"
echo MARK-after >> "$HOME/trace"
