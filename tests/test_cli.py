"""The command line as a user meets it: help, version, rules, stdin, exit codes, errors."""

from __future__ import annotations

import json

from conftest import REPO, run_cli

SCRIPT = b"#!/bin/bash\nset -euo pipefail\nbin/rails db:migrate:queue\nbin/rails db:migrate\n"


def test_version():
    for flag in ("--version", "-V"):
        proc = run_cli(flag)
        assert proc.returncode == 0
        assert proc.stdout.decode().startswith("orderlint ")
    assert run_cli("ops", "-V").stdout.decode().startswith("orderlint ")  # among other arguments too


def test_help_names_the_rule_commands():
    proc = run_cli("--help")
    assert proc.returncode == 0
    text = proc.stdout.decode()
    assert "orderlint rules" in text and "--format" in text and "--fail-level" in text
    assert "orderlint tasks" in text and "--output-format" in text and "--statistics" in text
    assert "<" not in text and "list[str]" not in text  # placeholders name what they hold: FILE, CODES, N
    assert "--select CODES" in text and "--jobs N" in text


def test_rules_lists_every_code():
    proc = run_cli("rules")
    assert proc.returncode == 0
    lines = proc.stdout.decode().splitlines()
    codes = [line.split()[0] for line in lines]
    assert codes[:4] == ["OL001", "OL002", "OL003", "OL004"]
    assert "OL201" in codes and "OL502" in codes
    assert any("primary-failure-ignored" in line and "error" in line for line in lines)


def test_rule_explains_by_code_and_name():
    by_code = run_cli("rule", "ol201")
    by_name = run_cli("rule", "primary-failure-ignored")
    assert by_code.returncode == by_name.returncode == 0
    assert by_code.stdout == by_name.stdout
    assert b"## Why is this bad?" in by_code.stdout


def test_unknown_rule_suggests_the_closest():
    proc = run_cli("rule", "OL2011")
    assert proc.returncode == 2
    assert "did you mean OL201?" in proc.stderr.decode()


def test_stdin_with_a_filename_gives_its_path_and_environment():
    proc = run_cli("-", "--stdin-filename", "ops/production/deploy.sh", "--format", "json", input=SCRIPT)
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert [(i["path"], i["line"], i["task"], i["environment"]) for i in report["invocations"]] == [
        ("ops/production/deploy.sh", 3, "db:migrate:queue", "production"),
        ("ops/production/deploy.sh", 4, "db:migrate", "production"),
    ]
    assert {d["code"] for d in report["diagnostics"]} >= {"OL101", "OL202"}


def test_exit_codes_follow_the_fail_level():
    warn_only = b"#!/bin/bash\nset -e\nbin/rails db:migrate:primary\nbin/rails db:migrate:queue\n"
    assert run_cli("-", "--stdin-filename", "ops/x.sh", input=warn_only).returncode == 1
    assert run_cli("-", "--stdin-filename", "ops/x.sh", "--fail-level", "error", input=warn_only).returncode == 0
    clean = b"#!/bin/bash\nset -e\nbin/rails db:migrate:primary\nbin/rails db:migrate:queue || echo warn >&2\n"
    assert run_cli("-", "--stdin-filename", "ops/x.sh", input=clean).returncode == 0


def test_select_and_ignore_prefixes():
    proc = run_cli("-", "--stdin-filename", "ops/x.sh", "--format", "json", "--select", "OL2", input=SCRIPT)
    assert {d["code"] for d in json.loads(proc.stdout)["diagnostics"]} == {"OL202"}
    proc = run_cli("-", "--stdin-filename", "ops/x.sh", "--format", "json", "--ignore", "OL1,OL5", input=SCRIPT)
    codes = {d["code"] for d in json.loads(proc.stdout)["diagnostics"]}
    assert codes and not any(c.startswith(("OL1", "OL5")) for c in codes)


def test_missing_path_is_an_error_without_report(tmp_path):
    proc = run_cli("nope/", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert "nope: no such file or directory" in proc.stderr.decode()


def test_default_path_missing_explains_the_default(tmp_path):
    proc = run_cli(cwd=tmp_path)
    assert proc.returncode == 2
    assert "orderlint checks ops/ by default" in proc.stderr.decode()


def test_bad_option_values_exit_2():
    assert run_cli("--format", "xml", "ops").returncode == 2
    proc = run_cli("--fail-level", "bogus", "fixtures/seed-app/ops")
    assert proc.returncode == 2
    assert "unknown severity 'bogus'" in proc.stderr.decode()


def test_text_output_shows_source_line_and_caret():
    proc = run_cli("fixtures/seed-app/ops", "--no-color")
    text = proc.stdout.decode()
    assert proc.returncode == 1
    assert "fixtures/seed-app/ops/staging/init-db.sh:77:39: OL501" in text
    line = next(i for i, l in enumerate(text.splitlines()) if l.startswith("77 | "))
    caret = text.splitlines()[line + 1]
    assert caret.index("^") == len("77 | ") + 38 and caret.count("^") == len("db:migrate")


def test_unresolved_source_is_reported(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "deploy.sh").write_text(
        '#!/bin/bash\nsource "$(dirname "$0")/lib/missing.sh"\nsource /etc/profile\nsource "$LIB"\n')
    proc = run_cli("ops", "--format", "json", cwd=tmp_path)
    diags = [(d["line"], d["code"]) for d in json.loads(proc.stdout)["diagnostics"]]
    assert diags == [(2, "OL002"), (3, "OL002"), (4, "OL002")]
    messages = [d["message"] for d in json.loads(proc.stdout)["diagnostics"]]
    assert "does not exist" in messages[0] and "outside the project root" in messages[1]
    assert "not a literal" in messages[2]


def test_readme_lists_every_rule():
    from orderlint.rules import RULES

    readme = (REPO / "README.md").read_text()
    for rule in RULES.values():
        assert f"| {rule.code} | `{rule.name}` | {rule.severity.label} |" in readme, rule.code


def test_readme_first_command_runs_the_example():
    """The README's first command, minus the install: the seed's findings, exit 0 (warnings only);
    with --show-tasks, the tasks it lists too."""
    import shlex

    first = (REPO / "README.md").read_text().split("```bash\n", 1)[1].splitlines()[0]
    install, run = first.split(" && ")
    assert install == "pip install ."
    args = shlex.split(run)
    assert args[0] == "orderlint"
    proc = run_cli(*args[1:])
    assert proc.returncode == 0, proc.stderr.decode()
    text = proc.stdout.decode()
    assert "OL501" in text and "OL502" in text
    assert text.endswith("Found 6 findings (6 warnings) in 4 files.\nNo fix available (5 hidden fixes can be enabled with `--unsafe-fixes`).\n")
    tasks = run_cli(*args[1:], "--show-tasks").stdout.decode()
    for line in ("77:39  db:migrate", "95:44  db:migrate:queue", "116:39  db:seed", "318:18  db:reset"):
        assert line in tasks and line not in text


def test_readme_quick_start_shows_the_real_output():
    """The output quoted in the README's Quick start is what the seed example prints."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Quick start\n", 1)[1].split("\n## ", 1)[0]
    shown = section.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    proc = run_cli("fixtures/seed-app/ops", "--show-tasks", "--no-color")
    lines = proc.stdout.decode().splitlines()
    at = lines.index(shown[0])
    assert lines[at:at + 3] == shown[:3]
    assert lines[-2:] == shown[-2:] == ["Found 6 findings (6 warnings) in 4 files.",
                                     "No fix available (5 hidden fixes can be enabled with `--unsafe-fixes`)."]
