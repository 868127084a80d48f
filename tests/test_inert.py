"""Statements summarised at extraction (syntax.Inert) say what the flow would find in them built whole.

Every inert statement of the fixtures and of the differential scripts is built whole and
compared: the commands it runs, the variables it sets and reads, whether it writes to stderr
and whether it may fail must be what the flow computes from the whole statement.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orderlint.extract import build_script
from orderlint.flow import MESSAGE_COMMANDS, _descendants, _inert_command_names, _may_fail, _variables_read, _writes_to_stderr
from orderlint.parse import parse_file
from orderlint.syntax import Inert

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted({*ROOT.glob("fixtures/**/*.sh"), *ROOT.glob("tests/data/**/*.sh")})


def inert_statements(path: Path) -> list[Inert]:
    parsed = parse_file(str(path), path.read_bytes())
    script = build_script(parsed.path, parsed.data, parsed.tree)
    found, stack = [], [script.body]
    while stack:
        node = stack.pop()
        for n in _descendants(node):
            if type(n) is Inert:
                found.append(n)
            elif hasattr(n, "parts"):  # words: the commands of `$(…)` too
                stack.extend(p.body for p in n.parts if p.body is not None)
            elif type(n).__name__ == "FunctionDef":
                stack.append(n.body)
    return found


def test_the_fixtures_have_inert_statements():
    assert sum(len(inert_statements(p)) for p in SCRIPTS) > 200


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_summary_matches_the_whole_statement(path):
    for inert in inert_statements(path):
        whole = inert.full()
        where = f"{path}:{inert.start.row + 1}"
        summary = _inert_command_names(whole)
        assert summary is not None, f"{where}: summarised, but the flow would not call it inert"
        # tree-sitter also sees the commands of `${x:-$(cmd)}` and of `for x in $(…)`, which the
        # flow keeps as text: the summary may name more, never less
        assert summary[0] <= inert.names and summary[1] <= inert.assigned, where
        assert not (inert.names - summary[0]) & MESSAGE_COMMANDS, where
        assert inert.may_fail == _may_fail(whole), where
        assert inert.stderr == _writes_to_stderr(whole), where
        assert {v for v in _variables_read(whole) if v.isidentifier()} <= inert.reads, where
