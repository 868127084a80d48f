#!/usr/bin/env bash
set -euo pipefail
export RAILS_ENV=production
bin/rails db:migrate:primary  # expect: OL501
bin/rails db:migrate:queue || echo "warning: db:migrate:queue failed" >&2
bin/rails db:abort_if_pending_migrations
