"""GitHub annotations: the exact workflow-command syntax, escaped as actions/toolkit does."""

from __future__ import annotations

import json
import re

import pytest

from conftest import REPO
from report_support import COMMAND_LINE, SEED, hostile_tree, run
from orderlint.messages import Message
from orderlint.model import Diagnostic, Related, Severity
from orderlint.report.github import annotation, escape_data, escape_property

LINE = re.compile(r"^::(error|warning|notice) ((?:[A-Za-z]+=[^,:]*)(?:,[A-Za-z]+=[^,:]*)*)::(.*)$")


def unescape_data(value: str) -> str:
    """What the runner does (actions/runner ActionCommand.cs): %0D, %0A, then %25."""
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(value: str) -> str:
    return (value.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


def parse(line: str) -> tuple[str, dict, str]:
    m = LINE.match(line)
    assert m, line
    props = dict(p.split("=", 1) for p in m.group(2).split(","))
    return m.group(1), {k: unescape_property(v) for k, v in props.items()}, unescape_data(m.group(3))


MESSAGE = ("nothing checks for pending migrations after `db:migrate`; run `bin/rails db:abort_if_pending_migrations` "
           "after it")


def diag(**kw) -> Diagnostic:
    base = dict(path="ops/deploy.sh", line=3, column=5, end_line=3, end_column=15, code="OL201",
                name="primary-failure-ignored", severity=Severity.ERROR, text=Message("OL301.message", task="db:migrate"))
    base.update(kw)
    return Diagnostic(**base)


def test_escaping_matches_actions_toolkit():
    # packages/core/src/command.ts: escapeData and escapeProperty
    assert escape_data("100%\r\nnext :: a,b") == "100%25%0D%0Anext :: a,b"
    assert escape_property("100%\r\nnext :: a,b") == "100%25%0D%0Anext %3A%3A a%2Cb"
    assert escape_data("%0A") == "%250A"  # an already escaped sequence stays text


def test_exact_syntax():
    line = annotation(diag())
    assert line == ("::error file=ops/deploy.sh,line=3,col=5,endLine=3,endColumn=15,"
                    "title=OL201 primary-failure-ignored::" + MESSAGE)
    multi = annotation(diag(end_line=5, end_column=2, severity=Severity.INFO, code="OL003", name="dynamic-task"))
    assert multi == "::notice file=ops/deploy.sh,line=3,endLine=5,title=OL003 dynamic-task::" + MESSAGE
    warn = annotation(diag(severity=Severity.WARNING, related=(Related("ops/lib.sh", 9, Message("OL103.related", task="db:reset")),)))
    assert warn.startswith("::warning ") and warn.endswith("::" + MESSAGE + "%0Anote: ops/lib.sh:9: `db:reset` seeds the database")


def test_seed_annotations_match_the_json_findings():
    out = run(SEED, "--format", "github").stdout.decode()
    findings = json.loads(run(SEED, "--format", "json").stdout)["diagnostics"]
    lines = out.splitlines()
    assert len(lines) == len(findings) > 0
    assert lines[0] == ("::warning file=fixtures/seed-app/ops/dev/deploy.sh,line=318,col=18,endLine=318,"
                        "endColumn=26,title=OL502 queue-wiped::`db:reset` also destroys `queue` "
                        "(storage/development_solid_queue.sqlite3): its jobs are lost; use `db:reset:primary`")
    parsed = sorted((p["file"], int(p["line"]), p["title"].split()[0]) for _, p, _ in map(parse, lines))
    assert parsed == sorted((d["path"], d["line"], d["code"]) for d in findings)


def test_default_under_github_actions():
    out = run(SEED, env={"GITHUB_ACTIONS": "true"}).stdout.decode()
    assert out == run(SEED, "--format", "github").stdout.decode()


def test_errors_first_then_warnings_then_notices(tmp_path):
    root = hostile_tree(tmp_path, crlf_name=False)
    lines = run("ops", "--format", "github", cwd=root).stdout.decode().splitlines()
    kinds = [line.split(" ", 1)[0] for line in lines]
    assert kinds == sorted(kinds, key=["::error", "::warning", "::notice"].index)
    assert set(kinds) == {"::error", "::warning", "::notice"}


def test_hostile_content_cannot_inject_a_command(tmp_path):
    root = hostile_tree(tmp_path)
    proc = run("ops", "--format", "github", cwd=root)
    out = proc.stdout.decode()
    findings = json.loads(run("ops", "--format", "json", cwd=root).stdout)["diagnostics"]
    lines = out.split("\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    assert len(lines) == len(findings)
    assert "\r" not in out
    messages = []
    for line in lines:
        kind, props, message = parse(line)  # one command per line, properties intact
        assert list(props) in (["file", "line", "col", "endLine", "endColumn", "title"],
                               ["file", "line", "endLine", "title"])
        assert ("col" in props) == (props["line"] == props["endLine"])
        messages.append((props["file"], int(props["line"]), props["title"].split()[0], message))
    expected = [(d["path"], d["line"], d["code"],
                 d["message"] + "".join(f"\nnote: {r['path']}:{r['line']}: {r['note']}" for r in d.get("related", ())))
                for d in findings]
    assert sorted(messages) == sorted(expected)  # what the runner decodes is exactly the finding
    hostile_files = {m[0] for m in messages}
    assert any("\n" in f and "\r" in f for f in hostile_files)  # the CR/LF file name survived intact
    assert any("::" in m[3] and "\n" in m[3] for m in messages)


@pytest.mark.parametrize("fmt", ["json", "sarif", "markdown", "github"])
def test_no_output_holds_a_stray_workflow_command(tmp_path, fmt):
    root = hostile_tree(tmp_path)
    out = run("ops", "--format", fmt, cwd=root).stdout.decode()
    for line in out.split("\n"):
        if fmt == "github":
            assert re.match(r"^(::(error|warning|notice) file=[^:]*::|$)", line), line
        else:
            assert not COMMAND_LINE.match(line), line


def test_text_output_holds_no_workflow_command(tmp_path):
    root = hostile_tree(tmp_path)
    out = run("ops", "--format", "text", "--no-color", cwd=root).stdout.decode()
    assert not [line for line in out.split("\n") if COMMAND_LINE.match(line)]


def test_repo_root_relative_paths():
    out = run(str(REPO / SEED), "--format", "github").stdout.decode()
    assert "file=fixtures/seed-app/ops/" in out
