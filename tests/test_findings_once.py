"""A finding in a script that is both an entry and run by another entry is reported once."""

from __future__ import annotations

import json

from conftest import project_tree, run_cli


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
