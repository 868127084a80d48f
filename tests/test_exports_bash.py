"""What reaches Rails' environment, checked against real bash: OL403 fires on a task exactly
when bash gives it DISABLE_DATABASE_ENVIRONMENT_CHECK on every run."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, json_report

TREE = "fixtures/rules/ol403-exported-only/ops"
SCRIPTS = sorted((REPO / TREE).glob("*.sh"))
STUB = """#!/bin/sh
d=${DISABLE_DATABASE_ENVIRONMENT_CHECK:-}
for a in "$@"; do case "$a" in DISABLE_DATABASE_ENVIRONMENT_CHECK=*) d=${a#*=};; esac; done
echo "$1 ${d:-unset}"
"""
RUNS = ({}, {"FORCE": "1"})  # one-branch.sh exports only when FORCE=1


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_ol403_matches_bash(tmp_path: Path, script: Path):
    (tmp_path / "bin").mkdir()
    stub = tmp_path / "bin" / "rails"
    stub.write_text(STUB)
    stub.chmod(0o755)
    seen: list[list[str]] = []
    for extra in RUNS:
        env = {k: v for k, v in os.environ.items() if k not in ("DISABLE_DATABASE_ENVIRONMENT_CHECK", "RAILS_ENV")}
        env.update(extra)
        out = subprocess.run(["bash", str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                             timeout=30).stdout.split("\n")
        seen.append([line.split(" ")[1] for line in out if line])
    report = json_report(TREE)
    rel = str(script.relative_to(REPO))
    invocations = sorted((i for i in report["invocations"] if i["path"] == rel), key=lambda i: i["line"])
    assert all(len(run) == len(invocations) for run in seen), (seen, invocations)
    certain = {inv["line"] for k, inv in enumerate(invocations) if all(run[k] == "1" for run in seen)}
    reported = {d["line"] for d in report["diagnostics"] if d["path"] == rel and d["code"] == "OL403"}
    assert reported == certain
