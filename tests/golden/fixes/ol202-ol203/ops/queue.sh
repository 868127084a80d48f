#!/usr/bin/env bash
set -euo pipefail
bin/rails db:migrate:primary
bin/rails db:migrate:queue || echo "warning: db:migrate:queue failed" >&2  # expect: OL202
    bin/rails db:migrate:queue || echo "warning: db:migrate:queue failed" >&2  # expect: OL203
ssh worker@queue1 'bin/rails db:migrate:queue || echo "warning: db:migrate:queue failed" >&2'  # expect: OL202
