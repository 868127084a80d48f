"""A script whose name says `test` is a test script: OL401 lets it run destructive tasks, the
configuration can say otherwise, and --show-settings recalls the words."""

from __future__ import annotations

import json

from conftest import project_tree, run_cli

SCRIPT = b"#!/usr/bin/env bash\nset -e\nbin/rails db:drop db:setup\n"


def _ol401(root) -> list[int]:
    proc = run_cli("ops", "--format", "json", "--no-cache", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return [d["line"] for d in json.loads(proc.stdout)["diagnostics"] if d["code"] == "OL401"]


def test_a_test_script_by_its_name_may_drop_and_set_up(tmp_path):
    root = project_tree(tmp_path, {"ops/run-docker-test.sh": SCRIPT, "ops/run-docker.sh": SCRIPT})
    proc = run_cli("ops", "--format", "json", "--no-cache", cwd=root)
    found = {(d["path"], d["code"]) for d in json.loads(proc.stdout)["diagnostics"] if d["code"] == "OL401"}
    assert found == {("ops/run-docker.sh", "OL401")}


def test_the_configuration_overrides_the_name(tmp_path):
    root = project_tree(tmp_path, {"ops/run-docker-test.sh": SCRIPT,
                                   ".orderlint.toml": b'environments = { "ops/run-docker-test.sh" = "production" }\n'})
    assert _ol401(root) == [3, 3]  # db:drop and db:setup


def test_show_settings_recalls_the_words(tmp_path):
    root = project_tree(tmp_path, {"ops/run-docker-test.sh": SCRIPT})
    out = run_cli("--show-settings", cwd=root).stdout.decode()
    assert "test, testing → test" in out and "in development and test a destructive task is allowed (OL401)" in out
