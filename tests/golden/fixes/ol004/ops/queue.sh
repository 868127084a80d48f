#!/usr/bin/env bash
set -euo pipefail
bin/rails db:migrate:primary
# expect+1: OL004
bin/rails db:migrate:queue || echo "warning: queue migration failed" >&2
bin/rails db:migrate:queue  # orderlint: disable=OL202 -- the workers cannot start without it  # expect: OL004
