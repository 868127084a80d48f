"""Baselines: `--write-baseline FILE` records the findings, `--baseline FILE` reports only new ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli

HEAD = "#!/usr/bin/env bash\nset -euo pipefail\n"
QUEUE = "bin/rails db:migrate:queue\n"


def setup(tmp_path: Path, script: str) -> Path:
    (tmp_path / ".orderlint.toml").write_text('ignore = ["OL104"]\n')
    (tmp_path / "ops").mkdir(exist_ok=True)
    (tmp_path / "ops" / "a.sh").write_text(HEAD + script)
    return tmp_path


def found(tmp_path: Path, *args: str, cwd: Path | None = None) -> list[tuple[str, int, str]]:
    proc = run_cli(*args, "--format", "json", cwd=cwd or tmp_path)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return [(d["path"], d["line"], d["code"]) for d in json.loads(proc.stdout)["diagnostics"]]


def test_write_baseline_records_the_findings_and_exits_0(tmp_path):
    setup(tmp_path, QUEUE + "bin/rails db:migrate:primary\n" + QUEUE)
    proc = run_cli("ops", "--write-baseline", "orderlint-baseline.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout == b""
    assert proc.stderr.decode() == "orderlint: recorded 3 finding(s) in orderlint-baseline.json\n"
    assert (tmp_path / "orderlint-baseline.json").read_text() == (
        '{\n'
        '  "version": 1,\n'
        '  "tool": "orderlint",\n'
        '  "findings": [\n'
        '    {"rule": "OL101", "path": "ops/a.sh", "content": "bin/rails db:migrate:queue", "count": 1},\n'
        '    {"rule": "OL202", "path": "ops/a.sh", "content": "bin/rails db:migrate:queue", "count": 2}\n'
        '  ]\n'
        '}\n')


def test_empty_baseline(tmp_path):
    setup(tmp_path, "bin/rails db:migrate:primary\n")
    assert run_cli("ops", "--write-baseline", "b.json", cwd=tmp_path).returncode == 0
    assert json.loads((tmp_path / "b.json").read_text()) == {"version": 1, "tool": "orderlint", "findings": []}
    assert run_cli("ops", "--baseline", "b.json", cwd=tmp_path).returncode == 0


def test_baseline_is_deterministic_and_sorted(tmp_path):
    setup(tmp_path, QUEUE + "bin/rails db:migrate:primary\n" + QUEUE + "bin/rails db:seed\nbin/rails db:reset\n")
    run_cli("ops", "--write-baseline", "b1.json", cwd=tmp_path)
    run_cli("ops", "--write-baseline", "b2.json", cwd=tmp_path)
    first = (tmp_path / "b1.json").read_text()
    assert first == (tmp_path / "b2.json").read_text()
    findings = json.loads(first)["findings"]
    assert findings == sorted(findings, key=lambda f: (f["path"], f["rule"], f["content"]))
    assert first.endswith("}\n")


def test_baseline_hides_recorded_findings_and_reports_new_ones(tmp_path):
    setup(tmp_path, "bin/rails db:migrate:primary\n" + QUEUE)
    assert run_cli("ops", "--write-baseline", "baseline.json", cwd=tmp_path).returncode == 0
    proc = run_cli("ops", "--baseline", "baseline.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout.decode()
    assert found(tmp_path, "ops", "--baseline", "baseline.json") == []
    # Edits elsewhere in the file move the finding: still matched by its line's content.
    setup(tmp_path, "echo 'starting'\n\nbin/rails db:migrate:primary\necho 'queue next'\n" + QUEUE)
    assert found(tmp_path, "ops", "--baseline", "baseline.json") == []
    # A new finding is reported; the recorded one stays hidden.
    setup(tmp_path, "bin/rails db:migrate:primary\n" + QUEUE + "bin/rails db:migrate:queue  # again\n")
    assert found(tmp_path, "ops", "--baseline", "baseline.json") == [("ops/a.sh", 5, "OL202")]
    assert run_cli("ops", "--baseline", "baseline.json", cwd=tmp_path).returncode == 1


def test_count_absorbs_that_many_identical_lines(tmp_path):
    setup(tmp_path, "bin/rails db:migrate:primary\n" + QUEUE + QUEUE)
    run_cli("ops", "--write-baseline", "baseline.json", cwd=tmp_path)
    setup(tmp_path, "bin/rails db:migrate:primary\n" + QUEUE + QUEUE + QUEUE)
    assert found(tmp_path, "ops", "--baseline", "baseline.json") == [("ops/a.sh", 6, "OL202")]


def test_baseline_matches_rule_and_file(tmp_path):
    setup(tmp_path, "bin/rails db:migrate:primary\n" + QUEUE)
    run_cli("ops", "--write-baseline", "baseline.json", cwd=tmp_path)
    (tmp_path / "ops" / "b.sh").write_text((tmp_path / "ops" / "a.sh").read_text())
    assert found(tmp_path, "ops", "--baseline", "baseline.json") == [("ops/b.sh", 4, "OL202")]
    setup(tmp_path, "bin/rails db:migrate:primary\n" + QUEUE.replace("\n", " || true\n"))
    (tmp_path / "ops" / "b.sh").unlink()
    assert [c for _, _, c in found(tmp_path, "ops", "--baseline", "baseline.json")] == ["OL203"]


def test_baseline_paths_are_relative_to_the_baseline_file(tmp_path):
    setup(tmp_path, "bin/rails db:migrate:primary\n" + QUEUE)
    (tmp_path / "ci").mkdir()
    run_cli("ops", "--write-baseline", "ci/baseline.json", cwd=tmp_path)
    data = json.loads((tmp_path / "ci" / "baseline.json").read_text())
    assert [f["path"] for f in data["findings"]] == ["../ops/a.sh"]
    # from another current directory, the same baseline still matches
    assert found(tmp_path, ".", "--baseline", "../ci/baseline.json", cwd=tmp_path / "ops") == []


def test_writing_a_baseline_ignores_the_old_one(tmp_path):
    setup(tmp_path, "bin/rails db:migrate:primary\n" + QUEUE)
    run_cli("ops", "--write-baseline", "baseline.json", cwd=tmp_path)
    setup(tmp_path, "bin/rails db:migrate:primary\n" + QUEUE + QUEUE)
    proc = run_cli("ops", "--baseline", "baseline.json", "--write-baseline", "baseline.json", cwd=tmp_path)
    assert proc.returncode == 0
    assert json.loads((tmp_path / "baseline.json").read_text())["findings"][0]["count"] == 2


def test_suppressed_findings_are_not_recorded(tmp_path):
    setup(tmp_path, "bin/rails db:migrate:primary\n" + QUEUE.replace("\n", "  # orderlint: disable=OL202 -- ok\n"))
    run_cli("ops", "--write-baseline", "baseline.json", cwd=tmp_path)
    assert json.loads((tmp_path / "baseline.json").read_text())["findings"] == []


@pytest.mark.parametrize("content,message", [
    (None, "baseline.json: baseline not found (create it with --write-baseline baseline.json)"),
    ("{\"version\": 1,\n \"findings\": [}\n", "baseline.json:2:15: not a valid baseline: invalid JSON "
                                              "(Expecting value)"),
    ("[]", "baseline.json: not an orderlint baseline (expected an object with \"version\" and \"findings\"; "
           "write one with --write-baseline)"),
    ("{\"version\": 2, \"findings\": []}", "baseline.json: baseline version 2 is not supported (expected 1); "
                                          "write it again with --write-baseline"),
    ("{\"version\": 1, \"findings\": {}}", "baseline.json: not a valid baseline: \"findings\" must be an array"),
    ("{\"version\": 1, \"findings\": [{\"rule\": \"OL202\", \"path\": \"ops/a.sh\"}]}",
     "baseline.json: not a valid baseline: finding 1 needs \"rule\", \"path\" and \"content\" strings and a "
     "positive \"count\""),
    ("{\"version\": 1, \"findings\": [{\"rule\": \"OL202\", \"path\": \"a\", \"content\": \"\", \"count\": 0}]}",
     "baseline.json: not a valid baseline: finding 1 needs \"rule\", \"path\" and \"content\" strings and a "
     "positive \"count\""),
])
def test_missing_or_malformed_baseline_is_an_error(tmp_path, content, message):
    setup(tmp_path, QUEUE)
    if content is not None:
        (tmp_path / "baseline.json").write_text(content)
    proc = run_cli("ops", "--baseline", "baseline.json", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert proc.stderr.decode() == f"orderlint: error: {message}\n"


def test_unwritable_baseline_is_an_error(tmp_path):
    setup(tmp_path, QUEUE)
    proc = run_cli("ops", "--write-baseline", "missing/dir/baseline.json", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("orderlint: error: missing/dir/baseline.json: cannot write the baseline (")
