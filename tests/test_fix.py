"""Fixes: each fixable rule's fixture fixed to its golden files, `--diff` as `patch -p0` takes it,
a second `--fix` that changes nothing, and the options and outputs around them.

`fixtures/fixes/<name>/` holds a tree before (its findings annotated, checked by
test_fixture_annotations too); `tests/golden/fixes/<name>/` holds every file `--fix
--unsafe-fixes` changes, as it must be after. ORDERLINT_UPDATE_GOLDEN=1 rewrites them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, project_tree, run_cli

FIXTURES = REPO / "fixtures" / "fixes"
GOLDEN = REPO / "tests" / "golden" / "fixes"
UPDATE = os.environ.get("ORDERLINT_UPDATE_GOLDEN") == "1"
NAMES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def copy_tree(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    (root / ".git").mkdir()
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts}


@pytest.mark.parametrize("name", NAMES)
def test_fixture_is_fixed_to_its_golden_files(name, tmp_path):
    root = copy_tree(name, tmp_path)
    before = snapshot(root)
    proc = run_cli("ops", "--fix", "--unsafe-fixes", "--no-cache", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    assert "not applied" not in proc.stderr.decode(), proc.stderr.decode()
    after = snapshot(root)
    changed = {path: data for path, data in after.items() if before.get(path) != data}
    assert changed, f"{name}: --fix changed nothing"
    golden = GOLDEN / name
    if UPDATE:
        shutil.rmtree(golden, ignore_errors=True)
        for path, data in changed.items():
            (golden / path).parent.mkdir(parents=True, exist_ok=True)
            (golden / path).write_bytes(data)
    expected = {str(p.relative_to(golden)): p.read_bytes() for p in golden.rglob("*") if p.is_file()}
    assert changed == expected, f"{name}: differs from tests/golden/fixes/{name} (ORDERLINT_UPDATE_GOLDEN=1 rewrites)"
    for path in changed:
        assert subprocess.run(["bash", "-n", str(root / path)], capture_output=True).returncode == 0, path

    # Nothing left to fix, and the findings of the fixed rules are gone.
    report = json.loads(run_cli("ops", "--format", "json", "--unsafe-fixes", "--no-cache", cwd=root).stdout)
    assert [d for d in report["diagnostics"] if "fix" in d] == []
    codes = {c.upper() for c in name.split("-") if c.startswith("ol")}
    assert [d for d in report["diagnostics"] if d["code"] in codes] == []

    # A second --fix changes nothing; --diff has nothing to say.
    again = run_cli("ops", "--fix", "--unsafe-fixes", "--no-cache", cwd=root)
    assert snapshot(root) == after, again.stderr.decode()
    diff = run_cli("ops", "--diff", "--unsafe-fixes", "--no-cache", cwd=root)
    assert diff.returncode == 0 and diff.stdout == b""


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("tool", ["patch", "git"])
def test_diff_applies_to_the_same_bytes(name, tool, tmp_path):
    if shutil.which(tool) is None:
        pytest.skip(f"no {tool}")
    fixed = copy_tree(name, tmp_path / "fixed")
    run_cli("ops", "--fix", "--unsafe-fixes", "--no-cache", cwd=fixed)
    patched = copy_tree(name, tmp_path / "patched")
    before = snapshot(patched)
    proc = run_cli("ops", "--diff", "--unsafe-fixes", "--no-cache", cwd=patched)
    assert proc.returncode == 1, proc.stderr.decode()
    assert snapshot(patched) == before  # --diff writes nothing
    command = ["patch", "-p0", "-s"] if tool == "patch" else ["git", "apply", "-p0", "--unsafe-paths"]
    applied = subprocess.run(command, input=proc.stdout, cwd=patched, capture_output=True)
    assert applied.returncode == 0, applied.stderr.decode()
    assert snapshot(patched) == snapshot(fixed)


def test_safe_fixes_only_without_unsafe_fixes(tmp_path):
    root = copy_tree("ol301", tmp_path)
    before = snapshot(root)
    proc = run_cli("ops", "--fix", "--no-cache", cwd=root)
    assert snapshot(root) == before
    out = proc.stdout.decode()
    assert "OL301 [*]" not in out and "0 fixed, 1 more with `--unsafe-fixes`." in out


def test_fixable_findings_are_marked_and_counted(tmp_path):
    root = copy_tree("ol201", tmp_path)
    out = run_cli("ops", "--no-cache", cwd=root).stdout.decode()
    assert out.count("OL201 [*] ") == 5
    assert "[*] 5 fixable with `--fix` (1 hidden fix can be enabled with `--unsafe-fixes`)." in out
    unsafe = run_cli("ops", "--no-cache", "--unsafe-fixes", cwd=root).stdout.decode()
    assert unsafe.count("OL201 [*] ") == 6 and "[*] 6 fixable with `--fix`." in unsafe


def test_fix_from_the_configuration(tmp_path):
    root = copy_tree("ol301", tmp_path)
    (root / ".orderlint.toml").write_text("fix = true\nunsafe-fixes = true\n")
    run_cli("ops", "--no-cache", cwd=root)
    assert b"db:abort_if_pending_migrations" in (root / "ops" / "deploy.sh").read_bytes()
    settings = run_cli("--show-settings", cwd=root).stdout.decode()
    assert "fix = true" in settings and "unsafe-fixes = true" in settings
    (root / ".orderlint.toml").write_text("fix = 1\n")
    bad = run_cli("ops", cwd=root)
    assert bad.returncode == 2 and "'fix' must be true or false" in bad.stderr.decode()


def test_no_fix_overrides_the_configuration(tmp_path):
    root = copy_tree("ol302", tmp_path)
    (root / ".orderlint.toml").write_text("fix = true\n")
    before = snapshot(root)
    run_cli("ops", "--no-fix", "--no-cache", cwd=root)
    assert snapshot(root) == before


def test_fix_only_reports_no_finding(tmp_path):
    root = copy_tree("ol302", tmp_path)
    proc = run_cli("ops", "--fix-only", "--no-cache", cwd=root)
    assert proc.returncode == 0 and proc.stdout.decode() == "Fixed 2 findings.\n"


def test_fix_keeps_crlf_line_ends_and_bom(tmp_path):
    text = "#!/usr/bin/env bash\nset -euo pipefail\nbin/rails db:migrate:primary\n  bin/rails db:migrate:queue\n"
    data = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
    root = project_tree(tmp_path, {"ops/queue.sh": data})
    run_cli("ops", "--fix", "--no-cache", cwd=root)
    fixed = (root / "ops" / "queue.sh").read_bytes()
    assert fixed == data.replace(b"queue\r\n", b'queue || echo "warning: db:migrate:queue failed" >&2\r\n')


def test_errexit_fix_keeps_crlf(tmp_path):
    data = b"#!/bin/sh\r\nbin/rails db:prepare\r\necho ready\r\n"
    root = project_tree(tmp_path, {"ops/setup.sh": data})
    run_cli("ops", "--fix", "--unsafe-fixes", "--no-cache", cwd=root)
    assert (root / "ops" / "setup.sh").read_bytes() == b"#!/bin/sh\r\nset -e\r\nbin/rails db:prepare\r\necho ready\r\n"


def test_stdin_fix_prints_the_fixed_script(tmp_path):
    root = project_tree(tmp_path, {})
    script = b"#!/usr/bin/env bash\nset -e\nbin/rails db:migrate || true\n"
    proc = run_cli("-", "--stdin-filename", "ops/migrate.sh", "--fix", "--no-cache", cwd=root, input=script)
    assert proc.stdout == b"#!/usr/bin/env bash\nset -e\nbin/rails db:migrate || exit 1\n"
    assert "[*] 1 fixed." in proc.stderr.decode() and "All checks passed!" in proc.stderr.decode()
    diff = run_cli("-", "--stdin-filename", "ops/migrate.sh", "--diff", "--no-cache", cwd=root, input=script)
    assert diff.returncode == 1 and b"+bin/rails db:migrate || exit 1\n" in diff.stdout


def test_json_and_sarif_carry_the_fixes(tmp_path):
    root = copy_tree("ol302", tmp_path)
    data = (root / "ops" / "check.sh").read_bytes()
    report = json.loads(run_cli("ops", "--format", "json", "--no-cache", cwd=root).stdout)
    fix = report["diagnostics"][0]["fix"]
    assert fix["applicability"] == "safe" and fix["message"] == "Use `db:abort_if_pending_migrations`"
    (edit,) = fix["edits"]
    assert data[edit["start_byte"]:edit["end_byte"]] == b"db:migrate:status"
    assert edit == {"path": "ops/check.sh", "start_byte": edit["start_byte"], "end_byte": edit["end_byte"],
                    "content": "db:abort_if_pending_migrations"}
    sarif = json.loads(run_cli("ops", "--format", "sarif", "--no-cache", cwd=root).stdout)
    (sarif_fix,) = sarif["runs"][0]["results"][0]["fixes"]
    (change,) = sarif_fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "ops/check.sh"
    (replacement,) = change["replacements"]
    assert replacement == {"deletedRegion": {"byteOffset": edit["start_byte"], "byteLength": len("db:migrate:status")},
                           "insertedContent": {"text": "db:abort_if_pending_migrations"}}
    assert sarif_fix["description"]["text"] == fix["message"]


def test_sarif_with_fixes_is_valid(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    schema_path = next(REPO.glob("tests/data/sarif-schema*.json"), None)
    if schema_path is None:
        pytest.skip("no SARIF schema in tests/data")
    root = copy_tree("ol201", tmp_path)
    sarif = json.loads(run_cli("ops", "--format", "sarif", "--no-cache", "--unsafe-fixes", cwd=root).stdout)
    jsonschema.validate(sarif, json.loads(schema_path.read_text()))


def test_rules_say_whether_they_fix():
    from orderlint.rules import RULES

    for code, rule in RULES.items():
        assert ("## Fix safety" in rule.docs()) == bool(rule.fixable), code
        assert rule.fixable in ("", "safe", "unsafe", "safe or unsafe"), code


def test_no_scoped_fix_when_a_peer_database_would_lose_its_migration(tmp_path):
    yml = (b"production:\n  primary:\n    adapter: postgresql\n    database: shop\n"
           b"  analytics:\n    adapter: postgresql\n    database: shop_analytics\n"
           b"  queue:\n    adapter: sqlite3\n    database: storage/queue.sqlite3\n")
    root = project_tree(tmp_path, {"config/database.yml": yml, "ops/migrate.sh":
                                   b"#!/usr/bin/env bash\nset -euo pipefail\nexport RAILS_ENV=production\n"
                                   b"bin/rails db:migrate\n"})
    report = json.loads(run_cli("ops", "--format", "json", "--unsafe-fixes", "--no-cache", cwd=root).stdout)
    found = [d for d in report["diagnostics"] if d["code"] == "OL501"]
    assert found and all("fix" not in d for d in found)


def test_fix_with_several_jobs_gives_the_same_files(tmp_path):
    one = copy_tree("ol201", tmp_path / "one")
    two = copy_tree("ol201", tmp_path / "two")
    run_cli("ops", "--fix", "--unsafe-fixes", "--no-cache", cwd=one)
    run_cli("ops", "--fix", "--unsafe-fixes", "--no-cache", "--jobs", "2", cwd=two)
    assert snapshot(one) == snapshot(two)


def test_no_fix_in_a_deploy_file(tmp_path):
    root = tmp_path / "app"
    shutil.copytree(REPO / "fixtures" / "deploy" / "github", root)
    (root / ".git").mkdir(exist_ok=True)
    report = json.loads(run_cli("--format", "json", "--unsafe-fixes", "--no-cache", cwd=root).stdout)
    in_yaml = [d for d in report["diagnostics"] if d["path"].endswith(".yml")]
    assert {d["code"] for d in in_yaml} >= {"OL201", "OL202"}
    assert all("fix" not in d for d in in_yaml)
