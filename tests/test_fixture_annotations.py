"""Every annotated fixture, checked both ways.

`# expect: OL201` at the end of a line: that rule reports on that line;
`# expect+N: OL201`: N lines below; `# ok: OL202`: that rule stays silent there. Every
diagnostic orderlint reports in an annotated fixture tree must be expected, and every
expectation must be reported (compared as Counter[(line, code)] per file).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPO, json_report

ANNOTATION = re.compile(r"#\s*(expect|ok)(?:\+(\d+))?:\s*((?:OL\d{3}[\s,]*)+)")


def annotated_trees() -> list[Path]:
    trees = []
    for ops in sorted(REPO.glob("fixtures/**/ops")):
        if "forms" in ops.relative_to(REPO).parts:
            continue  # extraction fixtures carry `# invokes:` annotations instead
        if any(ANNOTATION.search(p.read_text(errors="replace")) for p in ops.rglob("*") if p.is_file()):
            trees.append(ops)
    return trees


def annotations(path: Path) -> tuple[Counter, set]:
    expected: Counter = Counter()
    silent: set = set()
    for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
        for kind, offset, codes in ANNOTATION.findall(line):
            target = number + int(offset or 0)
            for code in re.findall(r"OL\d{3}", codes):
                if kind == "expect":
                    expected[(target, code)] += 1
                else:
                    silent.add((target, code))
    return expected, silent


FILES = [(ops, p) for ops in annotated_trees() for p in sorted(ops.rglob("*.sh"))]


@pytest.mark.parametrize("ops,path", FILES, ids=[str(p.relative_to(REPO)) for _, p in FILES])
def test_annotations(ops: Path, path: Path):
    report = json_report(str(ops.relative_to(REPO)))
    rel = str(path.relative_to(REPO))
    actual = Counter((d["line"], d["code"]) for d in report["diagnostics"] if d["path"] == rel)
    expected, silent = annotations(path)
    missing = expected - actual
    unexpected = actual - expected
    wrongly_silent = {k for k in silent if actual[k]}
    lines = path.read_text(errors="replace").splitlines()

    def show(items) -> str:
        return "\n".join(f"  line {ln}: {code}   | {lines[ln - 1].strip() if ln <= len(lines) else ''}"
                         for ln, code in sorted(items))

    messages = {d["line"]: d["message"] for d in report["diagnostics"] if d["path"] == rel}
    assert not missing, f"{rel}: expected but not reported:\n{show(missing)}"
    assert not unexpected and not wrongly_silent, (
        f"{rel}: reported but not expected:\n{show(set(unexpected) | wrongly_silent)}\n"
        + "\n".join(f"  {ln}: {messages.get(ln)}" for ln, _ in sorted(set(unexpected) | wrongly_silent)))


def test_there_are_annotated_fixtures():
    assert len(FILES) >= 5
