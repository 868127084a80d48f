"""The first-boot guard checked against real bash: OL401 is silent on a destructive task
exactly when bash runs that task only while `db:version` prints version 0.

Each script of the fixture tree runs twice under a stub `bin/rails` that logs its calls and
prints `Current version: N` for `db:version`: once for an empty database (N = 0), once for one
with migrations. A task annotated `# ok: OL401` must run in the first run only (the guard is
real and holds); one annotated `# expect: OL401` must run in the second (nothing keeps it off
a database with data).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, json_report

TREE = "fixtures/rules/ol401-first-boot-guard/ops"
SCRIPTS = sorted((REPO / TREE).glob("*.sh"))
STUB = """#!/bin/sh
echo "CALL $1 $0" >> "$HOME/trace"
case "$1" in
  db:version) printf '\\ndatabase: app\\nCurrent version: %s\\n' "$DB_VERSION" ;;
  db:migrate:status) printf '   up     %s  Create users\\n' "$DB_VERSION" ;;
esac
"""
EMPTY, MIGRATED = "0", "20240101000000"
ANNOTATED = re.compile(r"bin/rails (db:[\w:]+).*#\s*(ok|expect):\s*OL401")


def runs(tmp_path: Path, script: Path, version: str) -> set[str]:
    home = tmp_path / version
    (home / "bin").mkdir(parents=True)
    stub = home / "bin" / "rails"
    stub.write_text(STUB)
    stub.chmod(0o755)
    (home / "trace").write_text("")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "DB_VERSION": version}
    subprocess.run(["bash", str(script)], cwd=home, env=env, capture_output=True, timeout=30)
    return {line.split(" ")[1] for line in (home / "trace").read_text().splitlines()}


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_guard_matches_bash(tmp_path: Path, script: Path):
    annotated = [(n, m.group(1), m.group(2)) for n, line in enumerate(script.read_text().splitlines(), 1)
                 if (m := ANNOTATED.search(line))]
    assert annotated, f"{script.name}: no task annotated for OL401"
    on_empty, on_migrated = runs(tmp_path, script, EMPTY), runs(tmp_path, script, MIGRATED)
    rel = str(script.relative_to(REPO))
    reported = {d["line"] for d in json_report(TREE)["diagnostics"] if d["path"] == rel and d["code"] == "OL401"}
    for line, task, kind in annotated:
        if kind == "ok":
            assert task in on_empty and task not in on_migrated, (
                f"{script.name}:{line}: `{task}` is not run on an empty database only "
                f"(empty: {sorted(on_empty)}, migrated: {sorted(on_migrated)})")
            assert line not in reported, f"{script.name}:{line}: OL401 on a task guarded by version 0"
        else:
            assert task in on_migrated, (
                f"{script.name}:{line}: `{task}` never runs on a database with migrations: the "
                f"fixture's `expect` is wrong (migrated: {sorted(on_migrated)})")
            assert line in reported, f"{script.name}:{line}: no OL401 on an unguarded destructive task"
