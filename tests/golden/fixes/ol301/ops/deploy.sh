#!/usr/bin/env bash
set -euo pipefail
echo "migrating"
  RAILS_ENV=production bundle exec rails db:migrate  # expect: OL301
  RAILS_ENV=production bundle exec rails db:abort_if_pending_migrations
echo "restarting"
