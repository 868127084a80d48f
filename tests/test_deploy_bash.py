"""The failure verdicts of deploy-file steps checked against real bash.

orderlint never runs what it reads; this test does, on the deploy fixtures: each step of a
workflow, a GitLab job, a Procfile line or a Render command that names a Rails task is run with
the shell and options its host gives it (`bash -e`, `bash -e -o pipefail`, `bash`…), in a temp
folder whose stub `rails` (and `bin/rails`, `bundle exec`) fails on that task. What bash did —
it stopped with a non-zero status right at the failing task (aborts), or it went on or ended
in success (continues) — must be what orderlint says for that task in that host file.
Steps the host lets fail (`continue-on-error`, `allow_failure`, `after_script`) are judged at
the job's level by orderlint and are left out here.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, run_cli

TASK = re.compile(r"(?:^|[\s;&|(])(?:bundle exec )?(?:bin/)?rails\s+(db:[\w:]+)")
KINDS = ("github", "gitlab", "procfile", "render")
STUB = """#!/bin/sh
for a in "$@"; do
  echo "CALL $a" >> "$HOME/trace"
  if [ "$a" = "$FAIL_TASK" ]; then echo "FAIL $a" >> "$HOME/trace"; exit 1; fi
done
exit 0
"""


def _cases():
    from orderlint.deploy import host_kind, read_host

    cases = []
    for tree in sorted(p.parent.parent for p in REPO.glob("fixtures/deploy/*/config/application.rb")):
        for path in sorted(p for p in tree.rglob("*") if p.is_file()):
            rel = path.relative_to(tree)
            kind = host_kind(rel)
            if kind not in KINDS:
                continue
            host = read_host(kind, rel.as_posix(), path.read_bytes())
            for step in host.steps:
                if step.may_fail or not step.script:
                    continue
                for task in dict.fromkeys(TASK.findall(step.script)):
                    cases.append((tree, rel.as_posix(), step, task))
    return cases


CASES = _cases()


def _bash(tmp: Path, step, task: str) -> str:
    stubs = tmp / "stubs"
    (tmp / "bin").mkdir()
    stubs.mkdir()
    for path, text in ((tmp / "bin/rails", STUB), (stubs / "rails", STUB),
                       (stubs / "bundle", '#!/bin/sh\nshift\nexec "$@"\n'),
                       (tmp / "bin/jobs", "#!/bin/sh\nexit 0\n"), (tmp / "bin/thrust", "#!/bin/sh\nexit 0\n")):
        path.write_text(text)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    shell = "sh" if step.shell.startswith("sh") else "bash"
    flags = (["-e"] if step.errexit else []) + (["-o", "pipefail"] if step.pipefail else [])
    env = {"PATH": f"{stubs}:/usr/bin:/bin", "HOME": str(tmp), "FAIL_TASK": task}
    env.update({k: v for k, v in step.env if v is not None})
    proc = subprocess.run([shell, *flags, "-c", step.script], cwd=tmp, env=env, capture_output=True, timeout=10)
    trace = (tmp / "trace").read_text().splitlines() if (tmp / "trace").exists() else []
    assert f"FAIL {task}" in trace, (trace, proc.stderr)
    after = trace[trace.index(f"FAIL {task}") + 1:]
    return "continues" if after or proc.returncode == 0 else "aborts"


def test_there_are_cases():
    assert len(CASES) >= 15


@pytest.mark.parametrize("tree,rel,step,task", CASES,
                         ids=[f"{t.name}/{r}:{s.start.row + 1}:{k}" for t, r, s, k in CASES])
def test_orderlint_agrees_with_bash(tmp_path, tree, rel, step, task):
    bash = _bash(tmp_path, step, task)
    report = _report(str(tree))
    claims = {i["on_failure"] for i in report["invocations"]
              if i["script"] == rel and i["path"] == rel and i["task"] == task
              and _in_step(tree / rel, i["line"], step)}
    assert claims and "unknown" not in claims, claims
    assert {"aborts" if c == "aborts" else "continues" for c in claims} == {bash}, (rel, step.start.row + 1, task,
                                                                                   claims)


def _in_step(path: Path, line: int, step) -> bool:
    """Whether the step runs that line of the file (a GitLab job's lines may sit in a template above it)."""
    if step.rows:
        return line - 1 in step.rows
    return step.start.row + 1 <= line <= step.end_row + 1


_REPORTS: dict[str, dict] = {}


def _report(tree: str) -> dict:
    if tree not in _REPORTS:
        proc = run_cli("--format", "json", "--no-cache", cwd=Path(tree))
        _REPORTS[tree] = json.loads(proc.stdout)
    return _REPORTS[tree]
