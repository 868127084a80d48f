"""A Rails task followed by a suffix Rails never defines for it (`db:migrate:status:all`,
`db:seed:queue`) is an unknown task: OL402 says so where database.yml is known."""

from __future__ import annotations

import json

from conftest import REPO, project_tree, run_cli

SCRIPT = "fixtures/rules/ol402-no-such-task/ops/all-databases.sh"
DATABASE_YML = (REPO / "fixtures/rules/ol402-no-such-task/config/database.yml").read_bytes()


def _ol402(*args: str, cwd=REPO) -> dict[int, str]:
    proc = run_cli(*args, "--format", "json", "--no-cache", cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return {d["line"]: d["message"] for d in json.loads(proc.stdout)["diagnostics"] if d["code"] == "OL402"}


def test_all_after_a_task_without_that_form():
    found = _ol402(SCRIPT)
    assert sorted(found) == [5, 6, 7, 8, 10]  # db:create:all (4) and db:migrate:status:queue (9) exist
    assert found[5] == ("Rails defines `:all` only for `db:create:all`, `db:drop:all` and `db:purge:all`, and `all` "
                        "is not a database of this app: `db:migrate:status:all` is an unknown task; "
                        "`db:migrate:status` alone acts on every database of the environment")
    assert found[7].startswith("Rails defines no `db:seed:NAME` task, in any version: `db:seed:all` is an unknown task")
    assert "`db:seed:queue` is an unknown task" in found[8]


def test_in_french():
    proc = run_cli(SCRIPT, "--format", "markdown", "--lang", "fr", "--no-cache", cwd=REPO)
    assert "`db:migrate:status:all` est une tâche inconnue ; `db:migrate:status` seule agit sur toutes les bases" \
        in proc.stdout.decode()


def test_the_rails_all_tasks_and_a_database_named_all_stay_silent(tmp_path):
    yml = DATABASE_YML.replace(b"production:\n  primary:", b"production:\n  all:\n    adapter: sqlite3\n"
                               b"    database: storage/all.sqlite3\n  primary:")
    root = project_tree(tmp_path, {
        "config/database.yml": yml,
        "ops/production/tasks.sh": b"#!/usr/bin/env bash\nset -e\nbin/rails db:create:all\nbin/rails db:drop:all\n"
                                   b"bin/rails db:purge:all\nbin/rails db:migrate:status:all\n",
    })
    assert _ol402("ops", cwd=root) == {}


def test_without_database_yml_nothing_is_certain(tmp_path):
    root = project_tree(tmp_path, {
        "ops/tasks.sh": b"#!/usr/bin/env bash\nset -e\nbin/rails db:migrate:status:all\nbin/rails db:seed:all\n",
    })
    assert _ol402("ops", cwd=root) == {}
