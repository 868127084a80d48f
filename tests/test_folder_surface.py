"""`orderlint FOLDER`, where FOLDER is a Rails app's root or holds one: the deploy surface that a
bare `orderlint` checks, and every shell script below the folder as before."""

from __future__ import annotations

import json

from conftest import project_tree, run_cli

APP = {
    "config/application.rb": b"",
    "config/database.yml": b"production:\n  adapter: postgresql\n  database: app\n",
    "Procfile": b"release: bin/rails db:migrate\nweb: bin/rails server\n",
    "fly.toml": b'[deploy]\n  release_command = "bin/rails db:prepare"\n',
    ".github/workflows/deploy.yml": b"on: push\njobs:\n  migrate:\n    runs-on: ubuntu-latest\n    steps:\n"
                                    b"      - run: bin/rails db:migrate\n",
    ".kamal/hooks/pre-deploy": b"#!/bin/sh\nset -e\nbin/rails db:migrate\nbin/rails db:abort_if_pending_migrations\n",
    "lib/tools/seed.sh": b"#!/bin/bash\nset -e\nbin/rails db:seed\n",
}


def _files(root, *args: str) -> list[str]:
    proc = run_cli(*args, "--format", "json", "--no-cache", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return json.loads(proc.stdout)["files"]


def test_dot_at_an_app_root_checks_the_deploy_surface(tmp_path):
    root = project_tree(tmp_path, APP)
    bare = _files(root)
    assert bare == [".github/workflows/deploy.yml", ".kamal/hooks/pre-deploy", "Procfile", "fly.toml"]
    dot = _files(root, ".")
    assert set(bare) <= set(dot)
    assert set(dot) - set(bare) == {"lib/tools/seed.sh"}  # a shell script outside the surface, as before


def test_a_folder_holding_an_app_checks_its_surface(tmp_path):
    root = project_tree(tmp_path, {f"server/{name}": data for name, data in APP.items()})
    files = _files(root, ".")
    assert "server/Procfile" in files and "server/fly.toml" in files and "server/.github/workflows/deploy.yml" in files
    assert _files(root.parent, "app/server") == [f"app/{f}" for f in files]


def test_a_folder_inside_an_app_and_a_named_file_are_as_given(tmp_path):
    root = project_tree(tmp_path, APP)
    assert _files(root, "lib") == ["lib/tools/seed.sh"]
    assert _files(root, "fly.toml") == ["fly.toml"]
