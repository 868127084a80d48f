#!/bin/bash
# fail: db:migrate
# at: child-shebang-e.sh:4
# bash: continues
# `bash child.sh` ignores the child's `#!/bin/bash -e`: the child goes on after the failure.
set -e
bash "$(dirname "$0")/child-shebang-e.sh"
echo MARK-after >> "$HOME/trace"
