#!/usr/bin/env bash
set -euo pipefail
bin/rails db:reset  # ok: OL401
# expect+1: OL103
echo "database reset"
