"""config/database.yml read as Rails reads it: environments, named configurations, and what an
ERB condition may leave out."""

from __future__ import annotations

import json

from conftest import project_tree, run_cli

SCRIPT = b"#!/bin/bash\nset -e\nbin/rails db:migrate\n"


def _report(tmp_path, database_yml: str, script: bytes = SCRIPT) -> dict:
    root = project_tree(tmp_path, {"config/database.yml": database_yml.encode(), "ops/migrate.sh": script})
    proc = run_cli("ops", "--format", "json", "--no-cache", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return json.loads(proc.stdout)


def test_a_block_of_settings_is_neither_an_environment_nor_a_database(tmp_path):
    report = _report(tmp_path, """
pg_settings: &pg
  prepared_statements: false
  variables:
    statement_timeout: 10s
only_variables: &vars
  variables:
    lock_timeout: 5s
production:
  primary:
    <<: [*pg, *vars]
    adapter: postgresql
    database: shop
  queue:
    <<: *pg
    adapter: postgresql
    database: shop_queue
    migrations_paths: db/queue_migrate
""")
    assert [i["databases"] for i in report["invocations"]] == [["primary", "queue"]]
    messages = [d["message"] for d in report["diagnostics"]]
    assert len(messages) == 1 and "use `db:migrate:primary`" in messages[0]
    assert "variables" not in messages[0] and "elsewhere" not in messages[0]


def test_an_environment_with_a_setting_beside_its_maps_is_one_configuration(tmp_path):
    report = _report(tmp_path, """
production:
  adapter: postgresql
  prepared_statements: false
  variables:
    statement_timeout: 10s
  database: shop
""", b"#!/bin/bash\nset -e\nbin/rails db:migrate:primary\n")
    assert [d["code"] for d in report["diagnostics"]] == ["OL402"]  # one database: no `:primary` task


QUEUE_IF = """
default: &default
  adapter: postgresql
production:
  primary:
    <<: *default
    database: shop
<% if ENV["SEPARATE_QUEUE"] %>
  queue:
    <<: *default
    database: shop_queue
    migrations_paths: db/queue_migrate
<% end %>
"""


def test_a_database_inside_an_erb_condition_is_not_taken_as_present(tmp_path):
    report = _report(tmp_path, QUEUE_IF)
    assert [i["databases"] for i in report["invocations"]] == [["primary"]]
    assert report["diagnostics"] == []  # no OL501: the queue may be absent


def test_nor_taken_as_absent(tmp_path):
    report = _report(tmp_path, QUEUE_IF, b"#!/bin/bash\nset -e\nbin/rails db:migrate:primary\n"
                                         b"bin/rails db:migrate:queue || echo 'queue: migration failed' >&2\n")
    assert [d["code"] for d in report["diagnostics"]] == []  # no OL402: both tasks may exist


def test_a_database_written_outside_the_condition_too_is_present(tmp_path):
    report = _report(tmp_path, QUEUE_IF.replace("<% end %>", "<% end %>\n  cache:\n    <<: *default\n"
                                                "    database: shop_cache\n    migrations_paths: db/cache_migrate\n"))
    assert [i["databases"] for i in report["invocations"]] == [["primary", "cache"]]
    assert [d["code"] for d in report["diagnostics"]] == ["OL501"]
