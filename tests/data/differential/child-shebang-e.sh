#!/bin/bash -e
# Helper run by run-child-shebang-*.sh: errexit only from its shebang, so only when it is
# executed directly, not when run as `bash child-shebang-e.sh`.
bin/rails db:migrate
echo MARK-in-child >> "$HOME/trace"
