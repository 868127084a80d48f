"""orderlint's failure model checked against real bash.

orderlint never runs a script; this test does, on its own corpus
(`tests/data/differential/*.sh`, outside `fixtures/` so the annotation test ignores it). Each
corpus script exercises one bash rule around one failing Rails task and says in its header:

    # fail: db:migrate          the task whose call fails (required: files without it are helpers
                                that other corpus scripts source or run, not cases)
    # fail-call: 2              fail only its 2nd call (default 1); `all`: every call fails
    # at: FILE:LINE             where orderlint must report that invocation (default: the one
                                line of the script that runs `bin/rails TASK`); FILE is a corpus
                                file when the task is in a child script
    # via: TEXT                 when several invocations share that line (a function called from
                                several places), the one whose `via` chain contains TEXT
    # timeout: 2                the script may run for ever (a loop that waits for the task to
                                succeed): bash is stopped after that many seconds, which counts
                                as aborts when nothing ran after the last failure
    # bash: aborts|continues    what bash does (checked on its own by
                                `test_bash_does_what_the_corpus_says`: a mismatch there is an
                                error in the corpus or the harness, never an xfail)
    # message: yes|no           for a script that goes on: whether it printed a message about
                                the failure (anything on its stdout or stderr but the stub's own
                                line); orderlint must then say `continues-with-warning`, else
                                `continues-silently`

How a script is run: with cwd a fresh temp dir holding an executable stub `bin/rails` that
appends `CALL TASK` to `$HOME/trace` for each call and, for the chosen call of `$FAIL_TASK`,
also `FAIL TASK` then exits 1 (every other call exits 0). Scripts write `MARK-…` lines to
`$HOME/trace` for the steps that follow the task; failure handlers (`|| echo warning`, `die`)
write to stderr only, never to the trace. The command is `bash [FLAGS] script.sh` under
`env -i PATH=/usr/bin:/bin HOME=$tmp FAIL_TASK=… FAIL_CALL=…`, timeout 10 s, where FLAGS are
the options of a `#!/bin/bash -e`-style shebang (as if the script were executed directly;
a child run with `bash child.sh` inside a script gets no such flags, as in real life).

What bash did after the failing call (the last one when `fail-call: all`):

- **continues** if anything was written to the trace after the FAIL line (a later Rails call or
  a marker: the script went on, whatever it did later), or if nothing was and the script exited
  0 (it ended as a success: the failure was swallowed, e.g. `|| exit 0`, or an `if` that was
  the script's last command). A retry loop whose first attempt fails and whose next one
  succeeds continues (the later call is in the trace); with `fail-call: all` the reference is
  the last attempt, so a loop that gives up and exits aborts;
- **aborts** if nothing was written after the FAIL line and the script exited non-zero. This
  includes a failing task that is the script's last command (or the last command of a `&&`
  list at the end): the script stops there and its caller sees the failure, exactly as if
  errexit had stopped it.

orderlint's claim for that invocation (`on_failure` in its JSON, the invocation at that
path/line whose `script` is the script being run) is mapped to aborts / continues
(`continues-with-warning` and `continues-silently` are the same to bash); `unknown` is accepted
and reported as a warning, never an error. Disagreements that are orderlint bugs are listed in
`KNOWN_DISAGREEMENTS` (strict xfail), most serious first. A background job is the one race:
scripts that start `task &` make sure its FAIL line is written before their next marker.

Run time: one orderlint run over the whole corpus, then about 120 small bash runs (~5 s).
"""

from __future__ import annotations

import json
import re
import shutil
import stat
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import REPO, run_cli

CORPUS = REPO / "tests" / "data" / "differential"
BASH = shutil.which("bash") or "/bin/bash"

STUB = r"""#!/bin/bash
# Fake bin/rails for tests/test_differential_bash.py: log every call, fail the chosen one.
trace="$HOME/trace"
task="$1"
n=$(grep -c -x -F "CALL $task" "$trace" 2>/dev/null)
n=$(( ${n:-0} + 1 ))
echo "CALL $task" >> "$trace"
if [ "$task" = "$FAIL_TASK" ] && { [ "$FAIL_CALL" = all ] || [ "$n" -eq "$FAIL_CALL" ]; }; then
  echo "FAIL $task" >> "$trace"
  echo "rails: $task failed (simulated)" >&2
  exit 1
fi
exit 0
"""

# Real disagreements: orderlint bugs, most serious first (a wrong `aborts` hides an OL201).
# script name -> reason. Strict: when orderlint is fixed the xfail turns into a failure, and
# the entry must go.
KNOWN_DISAGREEMENTS: dict[str, str] = {
    # orderlint says `aborts`, bash goes on: a real OL201 is hidden.
    # orderlint says `continues`, bash stops: a false OL201 error (the design promises none).
}

HEADER = re.compile(r"^#\s*(fail|fail-call|at|via|bash|timeout|message)\s*:\s*(.+?)\s*$")


@dataclass(frozen=True)
class Case:
    script: Path
    task: str
    call: str  # "1", "2", … or "all"
    at_path: Path
    at_line: int
    via: str | None
    declared: str  # what the corpus author says bash does
    timeout: float | None = None  # seconds after which bash is stopped (a loop that waits)
    message: str | None = None  # "yes" / "no": whether a script that goes on printed a message

    @property
    def name(self) -> str:
        return self.script.name


def parse_case(script: Path) -> Case | None:
    fields: dict[str, str] = {}
    for line in script.read_text().splitlines()[:15]:
        m = HEADER.match(line)
        if m:
            fields[m.group(1)] = m.group(2)
    if "fail" not in fields:
        return None  # a helper: sourced or run by other corpus scripts
    task = fields["fail"]
    if "at" in fields:
        where, _, line = fields["at"].rpartition(":")
        at_path = CORPUS / where if where else script
        at_line = int(line)
    else:
        call = re.compile(r"bin/rails\s+" + re.escape(task) + r"(?![\w:])")
        lines = [n for n, text in enumerate(script.read_text().splitlines(), start=1)
                 if call.search(text) and not text.lstrip().startswith("#")]
        assert len(lines) == 1, f"{script.name}: `bin/rails {task}` on lines {lines}; say `# at: LINE`"
        at_path, at_line = script, lines[0]
    assert fields.get("bash") in ("aborts", "continues"), f"{script.name}: `# bash: aborts|continues` missing"
    assert fields.get("message") in (None, "yes", "no"), f"{script.name}: `# message: yes|no`"
    return Case(script, task, fields.get("fail-call", "1"), at_path, at_line, fields.get("via"),
                fields["bash"], float(fields["timeout"]) if "timeout" in fields else None, fields.get("message"))


CASES = [c for c in (parse_case(p) for p in sorted(CORPUS.glob("*.sh"))) if c is not None]


def shebang_flags(script: Path) -> list[str]:
    """`#!/bin/bash -e` → ["-e"]: the options bash would get if the script were executed."""
    first = script.read_text().split("\n", 1)[0]
    m = re.match(r"#!\s*(?:/usr/bin/env\s+)?\S*bash((?:\s+[-+]\w+)*)\s*$", first)
    return m.group(1).split() if m else []


@dataclass
class BashRun:
    status: int
    trace: list[str]
    stderr: str
    after: list[str]  # trace lines written after the (last) FAIL line
    outcome: str  # "aborts" | "continues"
    what: str  # one line, for messages
    message: bool = False  # the script printed something about the failure (not the stub's line)


@lru_cache(maxsize=None)
def run_bash(case: Case) -> BashRun:
    with tempfile.TemporaryDirectory(prefix="orderlint-diff-") as tmp:
        home = Path(tmp)
        (home / "bin").mkdir()
        stub = home / "bin" / "rails"
        stub.write_text(STUB)
        stub.chmod(stub.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        (home / "trace").write_text("")
        env = {"PATH": "/usr/bin:/bin", "HOME": tmp, "FAIL_TASK": case.task, "FAIL_CALL": case.call}
        try:
            proc = subprocess.run([BASH, *shebang_flags(case.script), str(case.script)], cwd=tmp, env=env,
                                  capture_output=True, timeout=case.timeout or 10, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as stopped:
            if case.timeout is None:
                raise
            # Still retrying when stopped: the script never went on after the failure.
            proc = subprocess.CompletedProcess(stopped.cmd, -9, stopped.stdout or b"", stopped.stderr or b"")
        trace = (home / "trace").read_text().splitlines()
    fails = [i for i, line in enumerate(trace) if line == f"FAIL {case.task}"]
    assert fails, (f"{case.name}: `{case.task}` (call {case.call}) never failed; trace: {trace}; "
                   f"stderr: {proc.stderr.decode(errors='replace')}")
    after = trace[fails[-1] + 1:]
    if after:
        outcome, what = "continues", f"went on after the failure (then ran {', '.join(after[:4])}), exit {proc.returncode}"
    elif proc.returncode != 0:
        outcome, what = "aborts", f"ran nothing after the failure and exited {proc.returncode}"
    else:
        outcome, what = "continues", "ran nothing after the failure but exited 0 (failure swallowed)"
    stub_line = f"rails: {case.task} failed (simulated)"
    said = [line for line in (proc.stdout + proc.stderr).decode(errors="replace").splitlines()
            if line.strip() and line != stub_line]
    return BashRun(proc.returncode, trace, proc.stderr.decode(errors="replace"), after, outcome, what, bool(said))


@lru_cache(maxsize=None)
def orderlint_report() -> dict:
    proc = run_cli(str(CORPUS.relative_to(REPO)), "--format", "json", "--no-cache")
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return json.loads(proc.stdout)


def orderlint_claim(case: Case) -> dict | None:
    rel = lambda p: str(p.relative_to(REPO))  # noqa: E731
    found = [inv for inv in orderlint_report()["invocations"]
             if inv["path"] == rel(case.at_path) and inv["line"] == case.at_line
             and inv.get("script", inv["path"]) == rel(case.script) and inv["task"] == case.task]
    if case.via is not None:
        found = [inv for inv in found if any(case.via in v for v in inv.get("via", []))]
    assert len(found) <= 1, f"{case.name}: several invocations match, say `# via:`: {found}"
    return found[0] if found else None


CLAIMS = {"aborts": "aborts", "continues-with-warning": "continues", "continues-silently": "continues",
          "unknown": "unknown"}


def _param(case: Case):
    marks = []
    if case.name in KNOWN_DISAGREEMENTS:
        marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_DISAGREEMENTS[case.name]))
    return pytest.param(case, id=case.name, marks=marks)


def test_corpus_size_and_names():
    assert 60 <= len(CASES) <= 200, len(CASES)
    names = {c.name for c in CASES}
    assert not set(KNOWN_DISAGREEMENTS) - names, set(KNOWN_DISAGREEMENTS) - names


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bash_does_what_the_corpus_says(case: Case):
    """The harness check: the script's `# bash:` header is what bash really does."""
    run = run_bash(case)
    assert run.outcome == case.declared, (
        f"corpus error in {case.name}: its header says bash {case.declared}, but bash {run.what}\n"
        f"trace: {run.trace}\nstderr: {run.stderr}")
    if case.message is not None:
        assert run.message == (case.message == "yes"), (
            f"corpus error in {case.name}: its header says message: {case.message}; stderr: {run.stderr}")


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_orderlint_agrees_with_bash(case: Case):
    run = run_bash(case)
    where = f"{case.at_path.relative_to(REPO)}:{case.at_line}"
    inv = orderlint_claim(case)
    assert inv is not None, (f"{case.name}: orderlint reports no `{case.task}` invocation at {where} "
                             f"for script {case.name}; bash {run.what}")
    claim = CLAIMS[inv["on_failure"]]
    if claim == "unknown":
        warnings.warn(f"orderlint: unknown outcome for `{case.task}` at {where} ({case.name}); bash {run.outcome}: "
                      f"{inv.get('on_failure_reason', '')}", stacklevel=1)
        return
    assert claim == run.outcome, (
        f"{case.name}: `{case.task}` at {where} fails (call {case.call}):\n"
        f"  bash:      {run.outcome} — it {run.what}\n"
        f"  orderlint: {inv['on_failure']} — {inv.get('on_failure_reason', '')}\n"
        f"  trace: {run.trace}")
    if case.message is not None and claim == "continues":
        said = "continues-with-warning" if run.message else "continues-silently"
        assert inv["on_failure"] == said, (
            f"{case.name}: bash goes on {'after printing a message' if run.message else 'without a word'}; "
            f"orderlint: {inv['on_failure']} — {inv.get('on_failure_reason', '')}\nstderr: {run.stderr}")


def test_few_unknown_verdicts(capsys):
    """orderlint gives a definite verdict on at least 95% of the corpus' invocations."""
    claims = [orderlint_claim(case) for case in CASES]
    verdicts = [CLAIMS[c["on_failure"]] for c in claims if c is not None]
    unknown = verdicts.count("unknown")
    with capsys.disabled():
        print(f"\ndifferential corpus: {len(CASES)} cases, {len(verdicts) - unknown} definite verdicts, "
              f"{unknown} unknown ({unknown / max(1, len(verdicts)):.1%})")
    assert unknown <= 0.05 * len(verdicts), unknown
