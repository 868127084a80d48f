#!/usr/bin/env bash
# Primary tasks whose failure the script does not notice, each fixed in place.
set -euo pipefail
source "$(dirname "$0")/lib/db.sh"

heroku run --exit-code rails db:migrate --app shop-production  # expect: OL201
bin/rails db:seed || exit 1  # expect: OL201

prepare() {
	local out; out=$(bin/rails db:prepare)  # expect: OL201
	echo "$out"
}
prepare
migrate_primary
ssh deploy@app1 'cd /srv/shop; bin/rails db:migrate || exit 1'  # expect: OL201
