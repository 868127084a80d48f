"""Generate a large, realistic ops tree: many Rails apps, each with ops/ scripts and config/.

    python benchmarks/gen_tree.py /tmp/ops-tree --scripts 10000 [--seed 1]

Each app is `app-NNNN/` with `config/database.yml` (PostgreSQL primary + SQLite queue, like the
seed's app), `Gemfile.lock`, and `ops/`: a `lib/common.sh` of helpers, a `lib/database.sh`
library with an `apply_migrations` function, and entry scripts per environment (deploys,
database inits, resets, backups, maintenance) written the way ops scripts are: comments, `set
-euo pipefail`, sourced helpers, wrapper functions around `bin/rails`, `case` on arguments,
retries, `ssh` heredocs, `docker compose exec`, `kamal app exec`, arrays, `[[ ]]` tests.
The output is deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ENVS = ("dev", "staging", "production")
RAILS = ("bin/rails", "bundle exec rails", "bundle exec rake", "./bin/rails")

DATABASE_YML = """\
default: &default
  adapter: postgresql
  encoding: unicode
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") {{ 5 }} %>

development:
  primary:
    <<: *default
    database: {app}_development
  queue:
    adapter: sqlite3
    database: storage/development_queue.sqlite3
    migrations_paths: db/queue_migrate

test:
  primary:
    <<: *default
    database: {app}_test

staging:
  primary:
    <<: *default
    database: {app}_staging
    url: <%= ENV["DATABASE_URL"] %>
  queue:
    adapter: sqlite3
    database: storage/staging_queue.sqlite3
    migrations_paths: db/queue_migrate

production:
  primary:
    <<: *default
    database: {app}_production
    url: <%= ENV["DATABASE_URL"] %>
  queue:
    adapter: sqlite3
    database: storage/production_queue.sqlite3
    migrations_paths: db/queue_migrate
"""

GEMFILE_LOCK = """\
GEM
  remote: https://rubygems.org/
  specs:
    rails ({version})
      railties (= {version})
    railties ({version})
    solid_queue (1.1.{minor})

PLATFORMS
  x86_64-linux

DEPENDENCIES
  rails (~> {major})
  solid_queue
"""

COMMON = """\
#!/usr/bin/env bash
# Shared helpers for the ops scripts of {app}: logging, failures, retries.
# Sourced by every script under ops/; defines functions only.

[[ -n "${{OPS_COMMON_LOADED:-}}" ]] && return 0
OPS_COMMON_LOADED=1

readonly OPS_COLOR_RED=$'\\033[31m'
readonly OPS_COLOR_YELLOW=$'\\033[33m'
readonly OPS_COLOR_RESET=$'\\033[0m'

log_info() {{ printf '[%s] %s\\n' "$(date -u +%H:%M:%S)" "$*"; }}
log_step() {{ printf '\\n==> %s\\n' "$*"; }}
log_warn() {{ printf '%s[warn]%s %s\\n' "$OPS_COLOR_YELLOW" "$OPS_COLOR_RESET" "$*" >&2; }}
log_error() {{ printf '%s[error]%s %s\\n' "$OPS_COLOR_RED" "$OPS_COLOR_RESET" "$*" >&2; }}

die() {{
  log_error "$*"
  exit 1
}}

require_cmd() {{
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 || die "missing command: $cmd"
  done
}}

retry() {{
  local attempts=$1 delay=$2 n=1
  shift 2
  until "$@"; do
    if (( n >= attempts )); then
      return 1
    fi
    log_warn "attempt $n/$attempts failed: $*; retrying in ${{delay}}s"
    sleep "$delay"
    n=$((n + 1))
  done
}}

elapsed() {{
  local started=$1
  echo "$(( SECONDS - started ))s"
}}

rails_cmd() {{
  {runner} "$@"
}}
"""

DATABASE_LIB = """\
#!/usr/bin/env bash
# Database steps shared by the deploy scripts of {app}.
# Policy: primary migrations (blocking) -> queue migrations (non-blocking) -> seed.

QUEUE_DB_PATH=${{QUEUE_DB_PATH:-storage/production_queue.sqlite3}}
QUEUE_RETRY_DELAY=${{QUEUE_RETRY_DELAY:-{delay}}}

wait_for_primary_database() {{
  local i
  for i in $(seq 1 {waits}); do
    if pg_isready -q -h "${{DB_HOST:-localhost}}"; then
      return 0
    fi
    log_info "waiting for PostgreSQL ($i/{waits})"
    sleep 2
  done
  die "PostgreSQL is not reachable"
}}

check_pending_migrations() {{
  rails_cmd db:abort_if_pending_migrations || die "pending migrations after db:migrate"
}}

migrate_queue() {{
  if ! rails_cmd db:migrate:queue; then
    log_warn "queue migration failed; retrying in ${{QUEUE_RETRY_DELAY}}s"
    sleep "$QUEUE_RETRY_DELAY"
    rails_cmd db:migrate:queue || log_warn "queue migration failed again; continuing"
  fi
}}

apply_migrations() {{
  local env=${{1:-${{RAILS_ENV:-}}}}
  local started=$SECONDS
  case "$env" in
    staging|production) ;;
    '') die "apply_migrations: no environment given" ;;
    *) die "apply_migrations: refusing RAILS_ENV=$env" ;;
  esac
  export RAILS_ENV="$env"
  log_step "database migrations for $env"
  wait_for_primary_database
  rails_cmd db:migrate:primary || die "db:migrate failed: deploy stopped"
  check_pending_migrations
  migrate_queue
  log_info "migrations done in $(elapsed "$started")"
}}
"""


def header(rng: random.Random, app: str, env: str, purpose: str) -> list[str]:
    lines = [rng.choice(["#!/usr/bin/env bash", "#!/bin/bash", "#!/usr/bin/env bash"]),
             f"# {purpose} for {app} ({env}).",
             "#",
             f"# Usage: ops/{env}/{purpose.split()[0].lower()}.sh [--dry-run] [--verbose]",
             "# Maintained by the platform team; see docs/ops.md before changing the order of steps."]
    for _ in range(rng.randint(0, 6)):
        lines.append("# " + rng.choice([
            "Runs from the repository root on the deploy host.",
            "Needs DATABASE_URL and RAILS_MASTER_KEY in the environment.",
            "The queue database is SQLite (Solid Queue); its failures are not blocking.",
            "Never run this against production without a backup.",
            "Exit codes: 0 success, 1 failure, 2 usage error.",
            "Keep this script idempotent: it may run twice in a row.",
        ]))
    lines += ["", rng.choice(["set -euo pipefail", "set -eu -o pipefail", "set -e", "set -euo pipefail"]),
              "IFS=$'\\n\\t'", "",
              'SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"',
              'ROOT_DIR="$(cd "$SCRIPT_DIR/../.." && pwd)"',
              'source "$SCRIPT_DIR/../lib/common.sh"',
              'cd "$ROOT_DIR"', ""]
    return lines


def options_block(rng: random.Random) -> list[str]:
    return [
        "DRY_RUN=0",
        "VERBOSE=0",
        "while [[ $# -gt 0 ]]; do",
        '  case "$1" in',
        "    --dry-run) DRY_RUN=1 ;;",
        "    --verbose|-v) VERBOSE=1; set -x ;;",
        "    -h|--help) sed -n '2,6p' \"$0\"; exit 0 ;;",
        '    *) echo "unknown option: $1" >&2; exit 2 ;;',
        "  esac",
        "  shift",
        "done",
        "",
    ]


def noise(rng: random.Random, n: int) -> list[str]:
    out: list[str] = []
    for i in range(n):
        k = rng.randrange(12)
        if k == 0:
            out += [f'mkdir -p "tmp/cache/{i}" "log"', 'touch "tmp/restart.txt"']
        elif k == 1:
            out += ["if [[ \"$VERBOSE\" == 1 ]]; then", '  log_info "environment: $(env | grep -c RAILS_) RAILS_ variables"',
                    "fi"]
        elif k == 2:
            out += ["services=(web worker scheduler)", 'for svc in "${services[@]}"; do',
                    '  log_info "checking $svc"', '  docker compose ps "$svc" >/dev/null || log_warn "$svc is not running"',
                    "done"]
        elif k == 3:
            out += [f'curl -fsS --max-time 10 "https://status.example.com/ping/{i}" >/dev/null || true']
        elif k == 4:
            out += ['free_kb=$(df -Pk . | awk \'NR==2 {print $4}\')',
                    'if (( free_kb < 1048576 )); then', '  die "less than 1 GB free on $(hostname)"', "fi"]
        elif k == 5:
            out += ['rsync -a --delete "public/assets/" "shared/public/assets/"',
                    'log_info "assets synced ($(find public/assets -type f | wc -l) files)"']
        elif k == 6:
            out += ["# Clean old releases, keep the last five.",
                    "ls -1dt releases/* 2>/dev/null | tail -n +6 | xargs -r rm -rf"]
        elif k == 7:
            out += ["started_at=$(date +%s)", 'export GIT_SHA="${GIT_SHA:-$(git rev-parse --short HEAD)}"',
                    'log_info "release $GIT_SHA"']
        elif k == 8:
            out += ["bundle config set --local deployment true", "bundle install --jobs 4 --quiet"]
        elif k == 9:
            out += ['if [[ ! -f "config/master.key" && -z "${RAILS_MASTER_KEY:-}" ]]; then',
                    '  die "no master key"', "fi"]
        elif k == 10:
            out += ['{ echo "deploy $(date -u)"; echo "by ${USER:-ci}"; } >> log/deploys.log']
        else:
            out += [f"sleep {rng.randint(1, 5)}", 'log_info "waited for the load balancer"']
    return out


def deploy_script(rng: random.Random, app: str, env: str) -> list[str]:
    lines = header(rng, app, env, "Deploy") + options_block(rng)
    lines += [f'source "$SCRIPT_DIR/../lib/database.sh"', f'export RAILS_ENV={ "development" if env == "dev" else env }',
              "", 'log_step "deploy $GIT_SHA to $RAILS_ENV"' if rng.random() < 0.5 else 'log_step "deploy"']
    lines += noise(rng, rng.randint(3, 10))
    style = rng.randrange(4)
    if env == "dev":
        lines += ["# Development: start from a clean database.",
                  "if ! rails_cmd db:reset; then",
                  '  log_warn "db:reset failed; migrating instead"',
                  "  rails_cmd db:migrate",
                  "fi",
                  "rails_cmd db:migrate:queue || log_warn \"queue migration failed (non-blocking)\""]
    elif style == 0:
        lines += ['apply_migrations "$RAILS_ENV"']
    elif style == 1:
        lines += ["run_migrations() {",
                  "  docker compose exec -T web bin/rails db:migrate:primary || die \"primary migration failed\"",
                  "  docker compose exec -T web bin/rails db:abort_if_pending_migrations",
                  "  docker compose exec -T web bin/rails db:migrate:queue || log_warn \"queue migration failed\"",
                  "}",
                  'if [[ "$DRY_RUN" == 1 ]]; then',
                  '  log_info "dry run: skipping migrations"',
                  "else",
                  "  run_migrations",
                  "fi"]
    elif style == 2:
        host = f"{app}-{env}.internal"
        lines += [f'ssh deploy@{host} bash -s <<\'EOF\'',
                  "set -euo pipefail",
                  f"cd /srv/{app}/current",
                  "bin/rails db:migrate:primary",
                  "bin/rails db:abort_if_pending_migrations",
                  "bin/rails db:migrate:queue || echo 'queue migration failed' >&2",
                  "EOF"]
    else:
        lines += ['kamal app exec --reuse "bin/rails db:migrate:primary"',
                  'kamal app exec --reuse "bin/rails db:abort_if_pending_migrations"',
                  "if ! kamal app exec --reuse 'bin/rails db:migrate:queue'; then",
                  '  log_warn "queue migration failed"',
                  "fi"]
    if rng.random() < 0.3:
        lines += ["rails_cmd db:seed"]
    lines += noise(rng, rng.randint(2, 8))
    lines += ['log_info "deploy finished in $(elapsed "$started_at")"' if "started_at" in "\n".join(lines)
              else 'log_info "deploy finished"']
    return lines


def init_script(rng: random.Random, app: str, env: str) -> list[str]:
    lines = header(rng, app, env, "Database init") + options_block(rng)
    lines += noise(rng, rng.randint(2, 6))
    r = rng.choice(RAILS)
    lines += ['log_step "1/3 primary database"',
              f"{r} db:create 2>/dev/null || true" if env == "dev" else 'log_info "database created by the provider"',
              f'{r} db:migrate:primary || die "primary migration failed"',
              'log_step "2/3 queue database"',
              f"if ! {r} db:migrate:queue; then",
              '  log_warn "queue migration failed; Solid Queue will retry at boot"',
              "fi",
              'log_step "3/3 seed"',
              'if [[ -f "db/seeds_${RAILS_ENV:-production}.rb" ]]; then',
              f'  {r} runner "load Rails.root.join(\'db/seeds_${{RAILS_ENV:-production}}.rb\')"',
              "else",
              f"  {r} db:seed",
              "fi"]
    lines += noise(rng, rng.randint(1, 5))
    return lines


def maintenance_script(rng: random.Random, app: str, env: str, name: str) -> list[str]:
    lines = header(rng, app, env, f"{name.capitalize()} maintenance")
    lines += noise(rng, rng.randint(4, 14))
    if rng.random() < 0.5:
        lines += ["backup() {",
                  '  local out="backups/$(date +%Y%m%d-%H%M%S).dump"',
                  '  mkdir -p backups',
                  '  pg_dump --format=custom --file "$out" "$DATABASE_URL"',
                  '  log_info "backup written to $out ($(du -h "$out" | cut -f1))"',
                  "}",
                  "backup"]
    if rng.random() < 0.3:
        lines += ['rails_cmd db:migrate:status | tee "log/migrate-status.txt"']
    return lines


def generate(target: Path, scripts: int, seed: int = 1) -> int:
    """Write the tree; returns the number of shell scripts written."""
    rng = random.Random(seed)
    written = 0
    app_no = 0
    (target).mkdir(parents=True, exist_ok=True)
    while written < scripts:
        app_no += 1
        app = f"app-{app_no:04d}"
        base = target / app
        (base / "config").mkdir(parents=True, exist_ok=True)
        (base / "config" / "database.yml").write_text(DATABASE_YML.format(app=app.replace("-", "_")), encoding="utf-8")
        major = rng.choice(("7.1", "7.2", "8.0"))
        (base / "Gemfile.lock").write_text(GEMFILE_LOCK.format(version=f"{major}.{rng.randint(0, 4)}",
                                                               minor=rng.randint(0, 9), major=major), encoding="utf-8")
        lib = base / "ops" / "lib"
        lib.mkdir(parents=True, exist_ok=True)
        runner = rng.choice(("docker compose exec -T web bin/rails", "bundle exec rails", "bin/rails"))
        (lib / "common.sh").write_text(COMMON.format(app=app, runner=runner), encoding="utf-8")
        (lib / "database.sh").write_text(DATABASE_LIB.format(app=app, delay=rng.randint(2, 10),
                                                             waits=rng.randint(5, 30)), encoding="utf-8")
        written += 2
        for env in ENVS:
            folder = base / "ops" / env
            folder.mkdir(parents=True, exist_ok=True)
            files = {"deploy.sh": deploy_script(rng, app, env), "init-db.sh": init_script(rng, app, env)}
            for name in rng.sample(("backup", "cleanup", "rotate-logs", "restart", "assets", "healthcheck"),
                                   rng.randint(1, 3)):
                files[f"{name}.sh"] = maintenance_script(rng, app, env, name)
            for name, lines in files.items():
                if written >= scripts:
                    break
                (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
                written += 1
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--scripts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    n = generate(args.target, args.scripts, args.seed)
    size = sum(p.stat().st_size for p in args.target.rglob("*.sh"))
    print(f"{n} scripts, {size / 1e6:.1f} MB in {args.target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
