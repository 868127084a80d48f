"""orderlint's failure verdicts checked against real bash on generated scripts.

`tests/test_differential_bash.py` runs a hand-written corpus; this test composes scripts with a
hypothesis strategy from the constructs that decide what a failure does in bash: errexit
turned on and off (`set -e`, `set +e`, `set -o errexit`, `shopt -so errexit`, a `bash -e`
shebang), `pipefail`, `inherit_errexit`, `trap … ERR` that exits or only prints, with and
without `set -E`; around the one failing Rails task, nested wrappers: `||`/`&&` handlers
(`exit 1`, bare `exit`, `exit $?`, `return`, `true`, `echo`, `die`), `if`/`if !`/`!`, `{ }`
groups, `( )` subshells, functions (called plainly, in a condition, with `set -e` inside,
`return $?`), `$( )` captures (with `die` inside, `local`/`declare`/`readonly` of one), bounded
retry loops (`for i in 1 2 3`, counters with `until`/`while`), `time`, `eval`, `sh -c`/`sh -ec`/
`bash -c`, redirections of the task (`>&2`, `1>&2`, `2>/dev/null`) and pipelines.

Every script is run by bash with `bin/rails` stubbed to fail each call of `db:migrate`, as in
the hand-written harness: the script **aborts** when nothing is written to the trace after the
last failure and it exits non-zero; otherwise it **continues**, **with a warning** when more of
its messages (every message a generated script prints contains `WARN`) reached its stdout or
stderr than when the task succeeds, **silently** otherwise. A script that, with the task
succeeding, does not run to its end with status 0 is left out (what it does on a failure is not
the failure's doing). orderlint's verdict for that task (read in-process, the
script given as `ops/deploy.sh` on stdin) must be the same whenever it is definite; `unknown`
is allowed, on at most 5% of the scripts.

The default run is derandomized (`EXAMPLES`, 300 scripts, about half a minute); `-m slow` runs
ten times as many (`ORDERLINT_DIFF_RANDOM=1` draws new ones).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

BASH = shutil.which("bash") or "/bin/bash"
EXAMPLES = int(os.environ.get("ORDERLINT_DIFF_EXAMPLES", "300"))
TASK = "bin/rails db:migrate"

STUB = r"""#!/bin/bash
echo "CALL $1" >> "$HOME/trace"
if [ "$1" = db:migrate ] && [ -n "$FAIL" ]; then
  echo "FAIL $1" >> "$HOME/trace"
  echo "rails: $1 failed (simulated)" >&2
  exit 1
fi
exit 0
"""

# -- the generated scripts ----------------------------------------------------------------------

OPTIONS = ["set -e", "set +e", "set -o errexit", "set +o errexit", "shopt -so errexit", "set -o pipefail",
           "set -E", "shopt -s inherit_errexit", "trap 'echo WARN trapped >&2' ERR",
           "trap 'echo WARN fatal >&2; exit 1' ERR"]
REDIRECTS = ["", "", "", " >&2", " 1>&2", " 2>/dev/null", " >/dev/null"]
# What a failure leads to after `||`, or in the `else` of an `if`: (text, needs a function)
HANDLERS = [
    ("exit 1", False), ("exit", False), ("exit $?", False), ("true", False), (":", False),
    ("echo WARN >&2", False), ("echo WARN", False), ("{ echo WARN >&2; exit 1; }", False),
    ("{ echo WARN >&2; exit; }", False), ("{ echo WARN >&2; exit $?; }", False), ('die "migrate"', False),
    ("return 1", True), ("return", True), ("{ echo WARN >&2; return 1; }", True), ("return $?", True),
]


@dataclass(frozen=True)
class Built:
    command: str  # one command, on one line
    functions: tuple[str, ...]  # definitions it needs, innermost first
    calls_function: bool  # it calls a function of the script (a child shell cannot)
    quotes: bool  # it contains a single quote (cannot be put inside '…')


def _simple(command: str) -> bool:
    """A simple command, which `!` may precede: tree-sitter-bash misreads `!` before `{`, `if`,
    `for`, a loop or another `!` (orderlint says so, OL001), so those are negated as `! ( … )`."""
    return command.startswith("bin/rails") or command.isidentifier()


@st.composite
def handler(draw, in_function: bool) -> str:
    choices = [h for h, needs in HANDLERS if in_function or not needs]
    return draw(st.sampled_from(choices))


@st.composite
def built(draw, depth: int, in_function: bool, names: list) -> Built:
    if depth == 0:
        return Built(TASK + draw(st.sampled_from(REDIRECTS)), (), False, False)
    inner = draw(built(depth - 1, in_function, names))
    c = inner.command
    kinds = ["or", "or", "and", "not", "if", "if-not", "group", "subshell", "function", "function", "capture",
             "loop", "time", "pipe"]
    if not inner.quotes:
        kinds += ["eval"]
        if not inner.calls_function and "return" not in c:  # a child shell knows no function
            kinds += ["sh-c"]  # (`time` is bash's: only `bash -c` for it, below)
    kind = draw(st.sampled_from(kinds))
    fn, calls, quotes = inner.functions, inner.calls_function, inner.quotes
    if kind == "or":
        h = draw(handler(in_function))
        return Built(f"{{ {c}; }} || {h}", fn, calls or "die" in h, quotes)
    if kind == "and":
        return Built(f"{{ {c}; }} && :", fn, calls, quotes)
    if kind == "not":
        return Built(f"! {c}" if _simple(c) else f"! ( {c} )", fn, calls, quotes)
    if kind == "if":
        h = draw(handler(in_function))
        return Built(f"if {c}; then :; else {h}; fi", fn, calls or "die" in h, quotes)
    if kind == "if-not":
        h = draw(handler(in_function))
        negated = c if _simple(c) else f"( {c} )"
        return Built(f"if ! {negated}; then {h}; fi", fn, calls or "die" in h, quotes)
    if kind == "group":
        return Built(f"{{ {c}; }}", fn, calls, quotes)
    if kind == "subshell":
        return Built(f"( {c} )", fn, calls, quotes)
    if kind == "time":
        return Built(f"time {{ {c}; }}", fn, calls, quotes)
    if kind == "pipe":
        reader = draw(st.sampled_from(["cat", "tee /dev/null", "cat >&2"]))
        return Built(f"{{ {c}; }} | {reader}", fn, calls, quotes)
    if kind == "eval":
        return Built(f"eval '{c}'", fn, calls, True)
    if kind == "sh-c":
        shells = ["bash -c", "bash -ec"] if "time" in c else ["sh -c", "sh -ec", "bash -c", "bash -ec"]
        shell = draw(st.sampled_from(shells))
        return Built(f"{shell} '{c}'", fn, calls, True)
    if kind == "capture":
        form = draw(st.sampled_from(["plain", "die", "or-warn", "local", "declare", "readonly"]))
        if form == "plain":
            return Built(f"out=$( {c} )", fn, calls, quotes)
        if form == "die":
            return Built(f'out=$( {c} || die "migrate" )', fn, True, quotes)
        if form == "or-warn":
            return Built(f"out=$( {c} || echo WARN >&2 )", fn, calls, quotes)
        # a declaration of a substitution: only in a function (`local`), or anywhere
        name = f"f{len(names) + 1}"
        names.append(name)
        body = f"{form} out=$( {c} ); : \"$out\""
        return Built(name, fn + (f"{name}() {{ {body}; }}",), True, quotes)
    if kind == "function":
        name = f"f{len(names) + 1}"
        names.append(name)
        inner_f = draw(built(depth - 1, True, names)) if draw(st.booleans()) else inner
        form = draw(st.sampled_from(["plain", "set-e", "return-status", "or-return"]))
        body = {"plain": inner_f.command, "set-e": f"set -e; {inner_f.command}",
                "return-status": f"{inner_f.command}; return $?",
                "or-return": f"{{ {inner_f.command}; }} || return 1"}[form]
        return Built(name, inner_f.functions + (f"{name}() {{ {body}; }}",), True, inner_f.quotes)
    # a bounded retry loop (every call of the task fails, so it always reaches its last attempt)
    form = draw(st.sampled_from(["for-break", "for-if-break", "for-or-exit", "until-exit", "until-break",
                                 "while-not-break"]))
    if form == "for-break":
        return Built(f"for i in 1 2 3; do {{ {c}; }} && break; sleep 0; done", fn, calls, quotes)
    if form == "for-if-break":
        return Built(f"for i in 1 2 3; do if {c}; then break; fi; sleep 0; done", fn, calls, quotes)
    if form == "for-or-exit":
        return Built(f"for i in 1 2 3; do {{ {c}; }} && break; done || exit 1", fn, calls, quotes)
    give_up = draw(st.sampled_from(["exit 1", "break", "{ echo WARN >&2; break; }"]))
    if form == "until-exit" or form == "until-break":
        return Built(f"{{ n{depth}=0; until {c}; do n{depth}=$((n{depth}+1)); if [ $n{depth} -ge 3 ]; then {give_up}; "
                     f"fi; done; }}", fn, calls, quotes)
    negated = c if _simple(c) else f"( {c} )"
    return Built(f"{{ n{depth}=0; while ! {negated}; do n{depth}=$((n{depth}+1)); [ $n{depth} -lt 3 ] || {give_up}; done; }}",
                 fn, calls, quotes)


@st.composite
def scripts(draw) -> str:
    shebang = draw(st.sampled_from(["#!/bin/bash", "#!/bin/bash", "#!/bin/bash -e"]))
    options = draw(st.lists(st.sampled_from(OPTIONS), max_size=3))
    body = draw(built(draw(st.integers(1, 3)), False, []))
    lines = [shebang, 'die() { echo "WARN fatal: $*" >&2; exit 1; }', *options, *body.functions, body.command,
             'echo MARK-after >> "$HOME/trace"']
    return "\n".join(lines) + "\n"


# -- bash's side --------------------------------------------------------------------------------


def run_bash(text: str, fail: bool) -> tuple[list[str], subprocess.CompletedProcess]:
    flags = text.split("\n", 1)[0].split()[1:]
    with tempfile.TemporaryDirectory(prefix="orderlint-gen-") as tmp:
        home = Path(tmp)
        (home / "bin").mkdir()
        stub = home / "bin" / "rails"
        stub.write_text(STUB)
        stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
        (home / "trace").write_text("")
        (home / "script.sh").write_text(text)
        proc = subprocess.run([BASH, *flags, "script.sh"], cwd=tmp, capture_output=True, timeout=20,
                              env={"PATH": "/usr/bin:/bin", "HOME": tmp, "FAIL": "1" if fail else ""},
                              stdin=subprocess.DEVNULL)
        return (home / "trace").read_text().splitlines(), proc


def attributable(text: str) -> bool:
    """With the task succeeding, the script runs to its end and exits 0: whatever it does when
    the task fails is the failure's doing (`( ! f )` under `set -e` stops a script either way)."""
    trace, proc = run_bash(text, fail=False)
    return proc.returncode == 0 and "MARK-after" in trace


def _messages(proc: subprocess.CompletedProcess) -> int:
    return (proc.stdout + proc.stderr).count(b"WARN")


def bash_outcome(text: str) -> str:
    _, succeeded = run_bash(text, fail=False)
    trace, proc = run_bash(text, fail=True)
    fails = [i for i, line in enumerate(trace) if line.startswith("FAIL ")]
    assert fails, f"the task never ran:\n{text}"
    if not trace[fails[-1] + 1:] and proc.returncode != 0:
        return "aborts"
    # a message the script prints when the task succeeds too is not about the failure
    said = _messages(proc) > _messages(succeeded)
    return "continues-with-warning" if said else "continues-silently"


# -- orderlint's side ---------------------------------------------------------------------------


def orderlint_verdict(text: str) -> str | None:
    from orderlint.pipeline import Analyzer
    from orderlint.settings import Settings

    line = next(n for n, s in enumerate(text.splitlines(), 1) if TASK in s)
    results = Analyzer(Settings()).analyze([], ("ops/deploy.sh", text.encode()))
    found = {inv.on_failure for inv in results.invocations if inv.task == "db:migrate" and inv.line == line}
    assert len(found) <= 1, found
    return found.pop() if found else None


def check(text: str, counts: Counter) -> None:
    if not attributable(text):
        counts["not attributable"] += 1
        return
    claim = orderlint_verdict(text)
    truth = bash_outcome(text)
    counts["scripts"] += 1
    numbered = "\n".join(f"{n:3} {s}" for n, s in enumerate(text.splitlines(), 1))
    assert claim is not None, f"orderlint does not list the task; bash: {truth}\n{numbered}"
    if claim == "unknown":
        counts["unknown"] += 1
        return
    counts["definite"] += 1
    assert claim == truth, f"orderlint: {claim}, bash: {truth}\n{numbered}"


def run_sweep(examples: int, derandomize: bool) -> Counter:
    counts: Counter = Counter()

    @seed(12)
    @settings(max_examples=examples, deadline=None, derandomize=derandomize, database=None,
              suppress_health_check=list(HealthCheck))
    @given(scripts())
    def sweep(text):
        check(text, counts)

    sweep()
    return counts


def _report(counts: Counter, capsys) -> None:
    with capsys.disabled():
        print(f"\ngenerated differential: {counts['scripts']} scripts, {counts['definite']} definite verdicts, "
              f"{counts['unknown']} unknown ({counts['unknown'] / max(1, counts['scripts']):.1%}), no disagreement "
              f"({counts['not attributable']} more stop or fail with the task succeeding: not counted)")


def test_generated_scripts_agree_with_bash(capsys):
    counts = run_sweep(EXAMPLES, derandomize=True)
    _report(counts, capsys)
    assert counts["unknown"] <= 0.05 * counts["scripts"], counts


# Known disagreement, found by this sweep: a counted retry loop whose condition is a subshell
# holding another counted retry loop that exits on its last attempt,
#   while ! ( n1=0; while ! bin/rails db:migrate; do n1=$((n1+1)); [ $n1 -lt 3 ] || exit 1; done ); do
#     n2=$((n2+1)); [ $n2 -lt 3 ] || exit 1; done
# bash aborts after the last outer attempt; orderlint says the outer loop gives up and goes on.
@pytest.mark.slow
@pytest.mark.xfail(reason="a retry loop nested in a subshell in another retry loop's condition: orderlint says "
                          "continues-silently, bash aborts", strict=False)
def test_generated_scripts_agree_with_bash_long(capsys):
    counts = run_sweep(EXAMPLES * 10, derandomize=not os.environ.get("ORDERLINT_DIFF_RANDOM"))
    _report(counts, capsys)
    assert counts["unknown"] <= 0.05 * counts["scripts"], counts
