"""Security: orderlint reads hostile scripts in CI and must never be tricked by them.

`source` never reads outside the project root; database.yml is loaded safely and its ERB is
never run; nothing written in a script can inject a GitHub workflow command, HTML or a broken
table into the outputs; and orderlint itself never runs a command.
"""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path

import pytest

from conftest import REPO, run_cli

PACKAGE = REPO / "orderlint"
# The marker: a library outside the project whose function runs a destructive task. Were it
# read, `db:reset` would show up as a task of the script.
OUTSIDE_LIBRARY = b"#!/bin/bash\nrun_migrations() {\n  bin/rails db:reset\n}\n"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ORDERLINT_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def project(tmp_path):
    """tmp/outside/lib.sh (the marker) and tmp/app/ (the project root, a git work tree)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "lib.sh").write_bytes(OUTSIDE_LIBRARY)
    root = tmp_path / "app"
    (root / ".git").mkdir(parents=True)
    (root / "ops").mkdir()
    return root, outside


def report_of(root: Path, target: str = "ops") -> dict:
    proc = run_cli(target, "--format", "json", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return json.loads(proc.stdout)


def assert_not_followed(report: dict, name: str) -> None:
    assert [i["task"] for i in report["invocations"]] == [], report["invocations"]
    reasons = [d["message"] for d in report["diagnostics"] if d["code"] == "OL002"]
    assert any(name in m and "outside the project root" in m for m in reasons), report["diagnostics"]
    assert all("outside" not in f for f in report["files"])


@pytest.mark.parametrize("source_line", [
    b"source ../../outside/lib.sh",  # relative, through ..
    b'source "$(dirname "$0")/../../outside/lib.sh"',  # from the script's folder
    b". ../../outside/lib.sh",
    b'HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"\nsource "$HERE/../../outside/lib.sh"',
])
def test_source_through_dotdot_is_not_followed(project, source_line):
    root, _ = project
    (root / "ops" / "deploy.sh").write_bytes(b"#!/bin/bash\nset -e\n" + source_line + b"\nrun_migrations\n")
    assert_not_followed(report_of(root), "lib.sh")


def test_the_project_root_fallback_stays_in_the_root(project):
    """`source ../outside/lib.sh` is tried from the script's folder, then (as bash reads it from
    the current directory) from the project root, where it leads out: read from neither."""
    root, _ = project
    (root / "ops" / "deploy.sh").write_bytes(b"#!/bin/bash\nsource ../outside/lib.sh\nrun_migrations\n")
    report = report_of(root)
    assert report["invocations"] == [] and report["files"] == ["ops/deploy.sh"]
    assert [d["code"] for d in report["diagnostics"]] == ["OL002"]


def test_source_by_absolute_path_is_not_followed(project):
    root, outside = project
    (root / "ops" / "deploy.sh").write_bytes(b"#!/bin/bash\nsource " + str(outside / "lib.sh").encode()
                                             + b"\nrun_migrations\n")
    assert_not_followed(report_of(root), "lib.sh")


def test_source_through_a_symlink_is_not_followed(project):
    root, outside = project
    (root / "ops" / "lib.sh").symlink_to(outside / "lib.sh")  # a link inside the root, to a file outside
    (root / "ops" / "shared").symlink_to(outside, target_is_directory=True)
    (root / "ops" / "deploy.sh").write_bytes(b"#!/bin/bash\nsource ./lib.sh\nsource ./shared/lib.sh\nrun_migrations\n")
    report = report_of(root, "ops/deploy.sh")
    assert_not_followed(report, "lib.sh")
    assert len([d for d in report["diagnostics"] if d["code"] == "OL002"]) == 2


def test_scripts_run_from_outside_are_not_read(project):
    root, outside = project
    (outside / "migrate.sh").write_bytes(b"#!/bin/bash\nbin/rails db:reset\n")
    (root / "ops" / "deploy.sh").write_bytes(b"#!/bin/bash\nset -e\nbash ../../outside/migrate.sh\n"
                                             + str(outside / "migrate.sh").encode() + b"\n")
    report = report_of(root)
    assert report["invocations"] == []
    assert report["files"] == ["ops/deploy.sh"]


def test_discovery_through_a_symlinked_folder_stays_in_the_named_paths(project):
    """A folder named on the command line is read, links in it included; `source` still stops at the root."""
    root, outside = project
    (root / "ops" / "deploy.sh").write_bytes(b"#!/bin/bash\nsource ../../outside/lib.sh\nrun_migrations\n")
    report = report_of(root)
    assert_not_followed(report, "lib.sh")


# -- YAML and ERB ----------------------------------------------------------------------------

def rails_app(tmp_path: Path, script: bytes, database_yml: str) -> Path:
    """tmp/app: a git work tree with ops/deploy.sh and config/database.yml."""
    root = tmp_path / "app"
    (root / ".git").mkdir(parents=True)
    (root / "ops").mkdir()
    (root / "config").mkdir()
    (root / "ops" / "deploy.sh").write_bytes(script)
    (root / "config" / "database.yml").write_text(database_yml)
    return root


@pytest.mark.parametrize("payload", [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
    "!!python/name:os.system",
])
def test_yaml_tags_that_run_code_are_refused(tmp_path, payload):
    marker = tmp_path / "pwned"
    root = rails_app(tmp_path, b"#!/bin/bash\nbin/rails db:migrate\n",
                     f"production:\n  primary:\n    adapter: postgresql\n    database: {payload.format(marker=marker)}\n")
    proc = run_cli("ops", cwd=root)
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("orderlint: error: config/database.yml:4: invalid YAML")
    assert not marker.exists()


def test_erb_is_never_evaluated(tmp_path):
    marker = tmp_path / "pwned"
    root = rails_app(
        tmp_path, b"#!/bin/bash\nset -e\nbin/rails db:migrate:primary\n",
        "<% system('touch " + str(marker) + "') %>\n"
        "production:\n"
        "  primary:\n"
        "    adapter: postgresql\n"
        "    database: <%= `touch " + str(marker) + "` %>\n"
        "    password: <%= File.write('" + str(marker) + "', 'x') %>\n"
        "  queue:\n"
        "    adapter: sqlite3\n"
        "    database: <%= ENV.fetch('QUEUE_DB') { %x(touch " + str(marker) + ") } %>\n")
    proc = run_cli("ops", "--format", "json", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    assert not marker.exists()


def test_every_module_loads_yaml_only_with_safe_load():
    readers = [p for p in PACKAGE.rglob("*.py") if "import yaml" in p.read_text()]
    assert readers, "no module reads YAML: the database.yml reader moved out of sight of this test"
    for path in readers:
        source = path.read_text()
        assert "yaml.safe_load(" in source or "SafeLoader" in source, path
        assert not re.search(r"yaml\.(?:load|unsafe_load|full_load)\((?![^)]*SafeLoader)", source), path


# -- outputs -----------------------------------------------------------------------------------

HOSTILE = (
    b"#!/bin/bash\n"
    b"# ::error file=x.sh,line=1::forged <script>alert(1)</script> | a | b |\n"
    b"bin/rails \"$(printf 'db:%s\\n::error title=forged::pwned' migrate)\"\n"
    b"bin/rails \"db:migrate\n::warning::forged%0A<img src=x onerror=alert(1)>|x|\"\n"
    b"TASK='db:seed|<b>bold</b>|`code`'\n"
    b"bundle exec rake \"$TASK\"\n"
    b"bin/rails db:reset || true  # <!-- comment --> ]]> </details>\n"
)


@pytest.fixture
def hostile(tmp_path):
    root = tmp_path / "app"
    (root / ".git").mkdir(parents=True)
    ops = root / "ops" / "prod<u>x</u>|y"
    ops.mkdir(parents=True)
    (ops / "deploy.sh").write_bytes(HOSTILE)
    (ops / "evil\n::error::named.sh").write_bytes(HOSTILE)
    (ops / "pipe|%0A<i>.sh").write_bytes(HOSTILE)
    return root


def test_hostile_script_cannot_forge_workflow_commands(hostile):
    proc = run_cli("ops", "--format", "github", cwd=hostile, env={"GITHUB_ACTIONS": "true"})
    assert proc.returncode == 1, proc.stderr.decode()
    lines = proc.stdout.decode().splitlines()
    report = json.loads(run_cli("ops", "--format", "json", cwd=hostile).stdout)
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == len(report["diagnostics"]) > 0
    for line in commands:
        assert re.match(r"^::(error|warning|notice) file=[^:]*,line=\d+", line), line
        head, _, message = line.partition("::")[2].partition("::")
        assert "\n" not in message and "\r" not in message
        assert "forged" not in head and "pwned" not in head  # nothing of the script in the properties but the path
    assert not any("::" in line and not line.startswith("::") for line in lines if "::error" in line)
    assert all(line.startswith("::") or not line.strip() for line in lines), [l for l in lines if not l.startswith("::")]


def test_hostile_script_cannot_inject_html_or_break_tables(hostile):
    proc = run_cli("ops", "--format", "markdown", "--date", "2025-01-01", cwd=hostile)
    assert proc.returncode == 1, proc.stderr.decode()
    text = proc.stdout.decode()
    for tag in ("<script", "<img", "<b>", "<u>", "<i>", "</details>", "<!--"):
        assert tag not in text, tag
    assert "\n::error" not in text and "\n::warning" not in text
    in_code = False
    table: list[int] = []
    for line in text.splitlines() + [""]:
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line.strip())
            table.append(len(cells))
        elif table:
            assert len(set(table)) == 1, f"a table with rows of {sorted(set(table))} cells"
            table = []


def test_hostile_script_in_text_and_sarif(hostile):
    text = run_cli("ops", cwd=hostile).stdout.decode()
    assert not any(line.startswith("::") for line in text.splitlines())
    sarif = run_cli("ops", "--format", "sarif", cwd=hostile)
    json.loads(sarif.stdout)  # valid JSON whatever the paths and messages hold


# -- orderlint itself runs nothing -------------------------------------------------------------

FORBIDDEN_CALLS = {
    ("os", "system"), ("os", "popen"), ("os", "execv"), ("os", "execve"), ("os", "execvp"), ("os", "execl"),
    ("os", "execlp"), ("os", "spawnv"), ("os", "spawnl"), ("os", "posix_spawn"), ("os", "startfile"),
    ("subprocess", "run"), ("subprocess", "Popen"), ("subprocess", "call"), ("subprocess", "check_call"),
    ("subprocess", "check_output"), ("subprocess", "getoutput"), ("subprocess", "getstatusoutput"),
    ("pickle", "loads"), ("pickle", "load"), ("marshal", "loads"), ("yaml", "load"), ("yaml", "unsafe_load"),
}
FORBIDDEN_NAMES = {"eval", "exec", "compile", "__import__"}


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                yield node, (func.value.id, func.attr)
            elif isinstance(func, ast.Name):
                yield node, (None, func.id)


def test_the_package_never_runs_a_command_or_evaluates_code():
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
                if any(n and n.split(".")[0] in ("subprocess", "pty", "ctypes") for n in names):
                    problems.append(f"{path.name}:{node.lineno}: imports {names}")
        for node, (owner, name) in _calls(tree):
            if (owner, name) in FORBIDDEN_CALLS or (owner is None and name in FORBIDDEN_NAMES):
                problems.append(f"{path.name}:{node.lineno}: calls {owner + '.' if owner else ''}{name}")
            if name == "import_module" and node.args and not isinstance(node.args[0], (ast.Constant, ast.JoinedStr)):
                problems.append(f"{path.name}:{node.lineno}: imports a module named at run time")
    assert problems == []


def test_the_only_run_time_import_takes_a_fixed_format_name():
    """run.render imports orderlint.report.<fmt>: fmt comes from the CLI's choices, never from a script."""
    from orderlint.cli.run import render

    with pytest.raises(ModuleNotFoundError):
        render("../../etc", None)
    source = (PACKAGE / "cli" / "main.py").read_text()
    assert 'FORMATS = ("text", "json", "github", "sarif", "markdown")' in source
