#!/usr/bin/env bash
set -euo pipefail
bin/rails db:reset  # expect: OL103
