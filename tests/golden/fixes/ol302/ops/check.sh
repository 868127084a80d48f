#!/usr/bin/env bash
set -euo pipefail
bin/rails db:migrate
if ! bin/rails db:abort_if_pending_migrations; then  # expect: OL302
  echo "pending migrations" >&2
  exit 1
fi
bin/rails db:abort_if_pending_migrations >/dev/null || exit 1  # expect: OL302
