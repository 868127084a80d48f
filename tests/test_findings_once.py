"""A finding in a script that is both an entry and run by another entry is reported once."""

from __future__ import annotations

import json

from conftest import REPO, project_tree, run_cli


def test_a_child_script_finding_seen_from_its_caller_is_one_finding(tmp_path):
    root = project_tree(tmp_path, {
        "ops/validate.sh": b"#!/usr/bin/env bash\nif bin/rails db:migrate:status >/dev/null; then\n"
                           b"  echo up to date\nfi\n",
        "ops/entry.sh": b"#!/usr/bin/env bash\nset -e\nops/validate.sh\n",
    })
    proc = run_cli("ops", "--format", "json", "--no-cache", cwd=root)
    assert proc.returncode == 1, proc.stderr.decode()
    found = [d for d in json.loads(proc.stdout)["diagnostics"] if d["code"] == "OL302"]
    assert [(d["path"], d["line"]) for d in found] == [("ops/validate.sh", 2)]
    # Told in the words of its own file, not as seen from the caller.
    assert "line 2" in found[0]["message"] and "validate.sh:2" not in found[0]["message"]


BUILD_APP = REPO / "fixtures/deploy/build-script"


def test_a_script_run_by_deploy_files_has_each_finding_once_in_its_own_words():
    # render.yaml's buildCommand runs bin/render-build.sh, the Procfile's release runs bin/release.sh
    proc = run_cli("--no-cache", cwd=BUILD_APP)
    text = proc.stdout.decode()
    assert proc.returncode == 1, proc.stderr.decode()
    assert "Found 2 findings (2 warnings) in 2 files." in text
    assert text.count("bin/render-build.sh:8:11: OL202") == 1 and text.count("bin/release.sh:6:11: OL202") == 1
    assert "last command" not in text  # neither task is its script's last command
    proc = run_cli("--format", "json", "--no-cache", cwd=BUILD_APP)
    found = [(d["path"], d["line"], d["code"], d["message"]) for d in json.loads(proc.stdout)["diagnostics"]]
    assert [f[:3] for f in found] == [("bin/release.sh", 6, "OL202"), ("bin/render-build.sh", 8, "OL202")]
    assert all("(`set -e` stops the script when it fails)" in f[3] for f in found)


def test_a_script_seen_only_through_a_deploy_file_is_told_truly():
    # Only the deploy file is named: the script stops on `set -e`, and the build step ends with it.
    proc = run_cli("render.yaml", "--format", "json", "--no-cache", cwd=BUILD_APP)
    (d,) = json.loads(proc.stdout)["diagnostics"]
    assert (d["path"], d["line"], d["code"]) == ("bin/render-build.sh", 8, "OL202")
    assert d["message"].startswith(
        "if `db:migrate:queue` fails the script stops (`bin/render-build.sh`, run on render.yaml:4, stops "
        "(`set -e` stops the script when it fails); then, in the script that runs it: it is the script's "
        "last command")


def test_a_child_script_that_stops_is_named_in_its_callers_reason(tmp_path):
    root = project_tree(tmp_path, {
        "ops/child.sh": b"#!/usr/bin/env bash\nset -e\nbin/rails db:migrate\necho migrated\n",
        "ops/entry.sh": b"#!/usr/bin/env bash\nops/child.sh\necho deployed\n",
    })
    proc = run_cli("ops/entry.sh", "--format", "json", "--no-cache", cwd=root)
    (d,) = [d for d in json.loads(proc.stdout)["diagnostics"] if d["code"] == "OL201"]
    assert d["path"] == "ops/child.sh" and d["line"] == 3
    # ops/child.sh does enable `set -e`: the script that ignores the failure is its caller
    assert "`ops/child.sh`, run on ops/entry.sh:2, stops (`set -e` stops the script when it fails); then, " \
           "in the script that runs it: the script never enables `set -e`" in d["message"]


def test_an_entrypoint_run_by_the_dockerfile_and_on_its_own_is_one_finding():
    proc = run_cli("--format", "json", "--no-cache", cwd=REPO / "fixtures/deploy/rails-app")
    found = [d for d in json.loads(proc.stdout)["diagnostics"] if d["path"] == "bin/docker-entrypoint"]
    assert [(d["line"], d["code"]) for d in found] == [(11, "OL501")]
