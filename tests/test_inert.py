"""Statements summarised at extraction (syntax.Inert) say what the flow would find in them built whole.

Every inert statement of the fixtures and of the differential scripts is built whole and
compared: the commands it runs, the variables it sets and reads, whether it writes to stderr
and whether it may fail must be what the flow computes from the whole statement.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orderlint.shell.extract import build_script
from orderlint.flow import MESSAGE_COMMANDS, _descendants, _inert_command_names, _may_fail, _variables_read, _writes_to_stderr
from orderlint.shell.parse import parse_file
from orderlint.shell.syntax import Inert

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


# -- what users see around summarised statements ---------------------------------------------

def lint(tmp_path: Path, script: str) -> list[tuple[str, str]]:
    import json
    import subprocess
    import sys

    (tmp_path / ".git").mkdir()
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "deploy.sh").write_text(script)
    proc = subprocess.run([sys.executable, "-m", "orderlint", "ops", "--no-cache", "--format", "json"],
                          cwd=tmp_path, capture_output=True)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return [(i["on_failure"], i["on_failure_reason"]) for i in json.loads(proc.stdout)["invocations"]]


def test_a_summarised_condition_is_named_by_its_command(tmp_path):
    script = ("#!/bin/bash\nset -e\nmigrate() {\n  bin/rails db:migrate\n  echo migrated\n}\n"
              "if migrate; then\n  echo ok\nfi\n")
    assert lint(tmp_path, script) == [
        ("continues-silently", "`set -e` is ignored here because `migrate` is called as an `if` condition on line 7")]


def test_an_err_trap_that_calls_a_function_that_exits_stops_the_script(tmp_path):
    script = ("#!/bin/bash\ndie() {\n  echo \"fatal: $*\" >&2\n  exit 1\n}\n"
              "on_error() {\n  echo failed >&2\n  die \"see the log\"\n}\n"
              "trap 'on_error' ERR\nbin/rails db:migrate\necho done\n")
    assert lint(tmp_path, script) == [("aborts", "the `trap … ERR` set on line 10 stops the script when it fails")]
