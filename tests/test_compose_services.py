"""`docker compose run|exec SERVICE bin/rails …` runs in the environment the compose file gives SERVICE."""

from __future__ import annotations

import json

from conftest import project_tree, run_cli

DATABASE_YML = b"""default: &default
  adapter: postgresql
development:
  <<: *default
  database: app_dev
production:
  primary:
    <<: *default
    database: app
  queue:
    <<: *default
    database: app_queue
    migrations_paths: db/queue_migrate
"""

COMPOSE = b"""services:
  api:
    environment:
      RAILS_ENV: development
  worker:
    environment:
      - RAILS_ENV=production
"""


def _report(tmp_path, files: dict[str, bytes], target: str = "ops") -> dict:
    root = project_tree(tmp_path, {"config/database.yml": DATABASE_YML, **files})
    proc = run_cli(target, "--format", "json", "--no-cache", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return json.loads(proc.stdout)


def test_the_service_environment_is_the_task_environment(tmp_path):
    report = _report(tmp_path, {"docker-compose.yml": COMPOSE, "ops/setup.sh": (
        b"#!/bin/bash\nset -e\n"
        b"docker compose run --rm api bin/rails db:migrate\n"
        b"docker-compose exec worker bin/rails db:migrate\n"
        b"docker compose run --rm -e RAILS_ENV=production api bin/rails db:migrate\n")})
    assert [(i["line"], i["environment"], i["databases"]) for i in report["invocations"]] == [
        (3, "development", ["primary"]),
        (4, "production", ["primary", "queue"]),
        (5, "production", ["primary", "queue"]),
    ]
    assert [(d["line"], d["code"]) for d in report["diagnostics"]] == [(4, "OL501"), (5, "OL501")]


def test_without_the_compose_file_nothing_changes(tmp_path):
    script = b"#!/bin/bash\nset -e\ndocker compose run --rm api bin/rails db:migrate\n"
    report = _report(tmp_path, {"ops/setup.sh": script})
    assert [i["environment"] for i in report["invocations"]] == ["any"]
    assert [d["code"] for d in report["diagnostics"]] == ["OL501"]


def test_a_compose_file_of_another_folder_is_read_after_cd(tmp_path):
    report = _report(tmp_path, {"docker/compose.yaml": COMPOSE, "ops/setup.sh": (
        b'#!/bin/bash\nset -e\ncd "$(dirname "$0")/../docker"\ndocker compose run --rm api bin/rails db:migrate\n')})
    assert [i["environment"] for i in report["invocations"]] == ["development"]
    assert report["diagnostics"] == []


def test_a_compose_file_outside_the_project_is_never_read(tmp_path):
    (tmp_path / "srv").mkdir()
    (tmp_path / "srv" / "compose.yaml").write_bytes(COMPOSE)
    report = _report(tmp_path, {"ops/setup.sh": (
        f"#!/bin/bash\nset -e\ncd {tmp_path / 'srv'}\ndocker compose run --rm api bin/rails db:migrate\n").encode()})
    assert [i["environment"] for i in report["invocations"]] == ["any"]
