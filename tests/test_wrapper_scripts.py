"""A project script that forwards "$@" to a launcher (kamal, bundle exec kamal) or to rails runs
the caller's command through it: the task is reported where the caller names it."""

from __future__ import annotations

import json

import pytest

from conftest import project_tree, run_cli

DATABASE_YML = b"""production:
  primary:
    adapter: postgresql
    database: app
  queue:
    adapter: postgresql
    database: app_queue
    migrations_paths: db/queue_migrate
"""

HOOK = b'#!/bin/sh\nset -e\nbin/kamal-two app exec --primary "bin/rails db:migrate"\n'

CASE_WRAPPER = b"""#!/usr/bin/env bash
set -Eeuo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "${1-}" in
  app)
    group="$1"
    shift
    exec "$top/bin/kamal" "$group" --config-file config/deploy.two.yml "$@"
    ;;
  *)
    echo "usage: kamal-two app COMMAND" >&2
    exit 64
    ;;
esac
"""


@pytest.mark.parametrize("wrapper", [
    b'#!/usr/bin/env bash\nexec bin/kamal "$@"\n',
    b'#!/usr/bin/env bash\nset -e\nkamal "$@" -c config/deploy.two.yml\n',
    b'#!/bin/sh\nbundle exec kamal "$@"\n',
    CASE_WRAPPER,
], ids=["exec", "options-after", "bundle-exec", "group-then-options"])
def test_a_kamal_hook_through_a_project_wrapper(tmp_path, wrapper):
    root = project_tree(tmp_path, {
        "config/application.rb": b"",
        "config/database.yml": DATABASE_YML,
        "bin/kamal": b'#!/usr/bin/env ruby\nload Gem.bin_path("kamal", "kamal")\n',
        "bin/kamal-two": wrapper,
        ".kamal/hooks/pre-deploy": HOOK,
    })
    proc = run_cli("--format", "json", "--no-cache", cwd=root)  # a bare run at the app's root
    assert proc.returncode == 1, proc.stderr.decode()
    report = json.loads(proc.stdout)
    found = [(i["path"], i["line"], i["task"], i["via"][-2:]) for i in report["invocations"]]
    assert found == [(".kamal/hooks/pre-deploy", 3, "db:migrate", ["kamal app exec", "bin/rails"])]
    assert sorted(d["code"] for d in report["diagnostics"]) == ["OL301", "OL501"]
