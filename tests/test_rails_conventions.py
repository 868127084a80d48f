"""Rails' own conventions about where a script runs, as a bare `orderlint` sees them."""

from __future__ import annotations

import json

from conftest import project_tree, run_cli

DATABASE_YML = b"""\
development:
  adapter: postgresql
  database: app_development
production:
  adapter: postgresql
  database: app_production
"""

RESET = b"#!/usr/bin/env bash\nset -euo pipefail\nbin/rails db:reset\n"


def findings(root, *paths):
    proc = run_cli(*paths, "--format", "json", "--no-cache", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return {(d["path"], d["code"]) for d in json.loads(proc.stdout)["diagnostics"]}


def test_bin_setup_and_bin_dev_are_development_scripts(tmp_path):
    root = project_tree(tmp_path, {
        "config/database.yml": DATABASE_YML,
        "Gemfile": b"source 'https://rubygems.org'\ngem 'rails'\n",
        "bin/setup": RESET,
        "bin/dev": RESET,
        "bin/reset-db": RESET,
    })
    found = findings(root, "bin/setup", "bin/dev", "bin/reset-db")
    assert ("bin/reset-db", "OL401") in found
    assert ("bin/setup", "OL401") not in found
    assert ("bin/dev", "OL401") not in found


def test_only_the_apps_own_bin_setup(tmp_path):
    # A script called setup elsewhere says nothing about its environment.
    root = project_tree(tmp_path, {
        "config/database.yml": DATABASE_YML,
        "ops/bin/setup": RESET,
    })
    assert ("ops/bin/setup", "OL401") in findings(root, "ops/bin/setup")


def test_a_hook_at_the_repository_root_runs_against_its_only_app(tmp_path):
    # The Rails app lives in server/; Kamal runs from the root, where .kamal/hooks/ sits.
    solid = DATABASE_YML.replace(b"production:\n  adapter: postgresql\n  database: app_production\n", b"""\
production:
  primary:
    adapter: postgresql
    database: app_production
  queue:
    adapter: postgresql
    database: app_production_queue
    migrations_paths: db/queue_migrate
""")
    hook = b'#!/bin/sh\nset -e\nkamal app exec --primary "bin/rails db:migrate"\n'
    root = project_tree(tmp_path, {"server/config/database.yml": solid, ".kamal/hooks/pre-app-boot": hook})
    assert (".kamal/hooks/pre-app-boot", "OL501") in findings(root, ".kamal/hooks/pre-app-boot")
    # With two apps below the root, which one the hook deploys is not known: no guess.
    root = project_tree(tmp_path / "two", {"server/config/database.yml": solid,
                                           "admin/config/database.yml": solid,
                                           ".kamal/hooks/pre-app-boot": hook})
    assert (".kamal/hooks/pre-app-boot", "OL501") not in findings(root, ".kamal/hooks/pre-app-boot")
