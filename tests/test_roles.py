"""Database roles: primary, the Solid trio (queue, cache, cable) and peers, from database.yml,
the app's Solid configuration, Gemfile.lock and the `roles` setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import project_tree, run_cli
from orderlint.rails.databases import inferred_model, load_database_yml

YML = """\
production:
  primary:
    adapter: postgresql
  events:
    adapter: postgresql
  clickhouse:
    adapter: clickhouse
  queue:
    adapter: sqlite3
  jobs_cache:
    adapter: sqlite3
    migrations_paths: db/cache_migrate
  solid_cable_db:
    adapter: sqlite3
  work:
    adapter: postgresql
"""


def model(tmp_path: Path, yml: str = YML, files: dict[str, str] | None = None, roles=None):
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "database.yml").write_text(yml)
    for name, text in (files or {}).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    m = load_database_yml(tmp_path / "config" / "database.yml", "config/database.yml", roles)
    return {d.name: d.role for d in m.environments["production"]}


def test_roles_by_name_and_migrations_paths(tmp_path):
    assert model(tmp_path) == {"primary": "primary", "events": "peer", "clickhouse": "peer", "queue": "queue",
                               "jobs_cache": "cache", "solid_cable_db": "peer", "work": "peer"}


def test_roles_from_connects_to_and_solid_files(tmp_path):
    roles = model(tmp_path, files={
        "config/environments/production.rb":
            "Rails.application.configure do\n  config.solid_queue.connects_to = { database: { writing: :work } }\nend\n",
        "config/cable.yml": "production:\n  adapter: solid_cable\n  connects_to:\n    database:\n      writing: events\n",
    })
    assert roles["work"] == "queue" and roles["events"] == "cable" and roles["clickhouse"] == "peer"


def test_an_action_cable_yml_is_no_solid_cable(tmp_path):
    roles = model(tmp_path, files={"config/cable.yml": "production:\n  adapter: redis\n"})
    assert roles["solid_cable_db"] == "peer"


def test_a_name_with_queue_cache_cable_needs_the_gem(tmp_path):
    lock = "GEM\n  specs:\n    solid_cable (3.0.8)\n"
    assert model(tmp_path, files={"Gemfile.lock": lock})["solid_cable_db"] == "cable"


def test_cache_yml_names_the_database(tmp_path):
    assert model(tmp_path, files={"config/cache.yml": "production:\n  database: clickhouse\n"})["clickhouse"] == "cache"


def test_configured_roles_win_except_for_the_primary(tmp_path):
    roles = model(tmp_path, roles={"queue": "peer", "events": "queue", "primary": "peer"})
    assert roles["queue"] == "peer" and roles["events"] == "queue" and roles["primary"] == "primary"


def test_first_entry_is_the_primary_without_one_named_so(tmp_path):
    yml = "production:\n  shard_one:\n    adapter: mysql2\n  shard_two:\n    adapter: mysql2\n"
    assert model(tmp_path, yml) == {"shard_one": "primary", "shard_two": "peer"}


def test_inferred_roles_by_name():
    m = inferred_model({"queue", "clickhouse"})
    assert m.role("queue") == "queue" and m.role("clickhouse") == "peer" and m.role("primary") == "primary"


def test_tasks_defined_only_in_multi_database_environments(tmp_path):
    yml = ("development:\n  adapter: sqlite3\nproduction:\n  primary:\n    adapter: sqlite3\n"
           "  queue:\n    adapter: sqlite3\n  replica:\n    adapter: sqlite3\n    replica: true\n")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "database.yml").write_text(yml)
    m = load_database_yml(tmp_path / "config" / "database.yml", "config/database.yml")
    assert m.tasks_defined("primary", None) == ["production"]
    assert m.tasks_defined("replica", None) == []


@pytest.mark.parametrize("toml,error", [
    ('roles = { jobs = "worker" }', "'roles.jobs' must be one of queue, cache, cable, peer, not 'worker'"),
    ('roles = { jobs = "primary" }', "'roles.jobs': the primary database is the one named primary"),
    ('roles = ["jobs"]', "'roles' must be a table"),
    ('[databases.production]\nprimary = {}\njobs = { role = "quue" }', "did you mean 'queue'?"),
])
def test_role_errors(tmp_path, toml, error):
    root = project_tree(tmp_path, {".orderlint.toml": toml.encode(), "ops/a.sh": b"#!/bin/bash\n"})
    proc = run_cli("ops", cwd=root)
    assert proc.returncode == 2 and error in proc.stderr.decode(), proc.stderr.decode()


def test_role_in_databases_table(tmp_path):
    root = project_tree(tmp_path, {
        ".orderlint.toml": b'[databases.production]\nprimary = {}\njobs = { role = "queue" }\n',
        "ops/production/deploy.sh": b"#!/bin/bash\nset -e\nbin/rails db:migrate\nbin/rails db:abort_if_pending_migrations\n",
    })
    out = run_cli("ops", "--format", "json", cwd=root)
    codes = [d["code"] for d in __import__("json").loads(out.stdout)["diagnostics"]]
    assert codes == ["OL501"]


def test_json_gives_each_database_its_role(tmp_path):
    import json

    yml = ("production:\n  primary:\n    adapter: postgresql\n  queue:\n    adapter: sqlite3\n"
           "    migrations_paths: db/queue_migrate\n  events:\n    adapter: postgresql\n")
    script = (b"#!/bin/bash\nset -e\nbin/rails db:migrate:primary\nbin/rails db:migrate:queue || true\n"
              b"bin/rails db:migrate:events\nbin/rails db:prepare\n")
    root = project_tree(tmp_path, {"config/database.yml": yml.encode(), "ops/production/deploy.sh": script})
    proc = run_cli("ops", "--format", "json", "--no-cache", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    roles = {i["task"]: i["roles"] for i in json.loads(proc.stdout)["invocations"]}
    assert roles == {
        "db:migrate:primary": {"primary": "primary"},
        "db:migrate:queue": {"queue": "queue"},
        "db:migrate:events": {"events": "peer"},
        "db:prepare": {"primary": "primary", "queue": "queue", "events": "peer"},
    }
