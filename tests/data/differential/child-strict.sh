#!/bin/bash
# Helper run by run-child-*.sh: a strict child script.
set -euo pipefail
bin/rails db:migrate
echo MARK-in-child >> "$HOME/trace"
