#!/bin/bash
# fail: db:migrate
# bash: aborts
# `set -e` run inside a function changes the shell's options for everything after the call.
strict_mode() {
  set -euo pipefail
}
strict_mode
bin/rails db:migrate
echo MARK-after >> "$HOME/trace"
