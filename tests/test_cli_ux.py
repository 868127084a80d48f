"""orderlint's first minute: output, colours, summaries, errors, inputs, pre-commit.

Each test runs the command line as a user would, in a fresh project under tmp_path.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys

import pytest
import yaml

from conftest import REPO, project_tree, run_cli

SEED = "fixtures/seed-app/ops"
ANSI = re.compile(rb"\x1b\[[0-9;]*m")
IGNORED = b"#!/bin/bash\nset -e\nbin/rails db:migrate || true\n"  # OL201 on line 3
CLEAN = b"#!/bin/bash\nset -e\nbin/rails db:migrate:primary\nbin/rails db:migrate:queue || echo warn >&2\n"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ORDERLINT_CACHE_DIR", str(tmp_path / "cache"))




def cli(*args, cwd=REPO, env=None, input=None):
    env = {"ORDERLINT_CACHE_DIR": os.environ["ORDERLINT_CACHE_DIR"], **(env or {})}
    return run_cli(*args, cwd=cwd, env=env, input=input)


def error_line(proc) -> str:
    """The one line a failing command prints: stdout empty, `orderlint: error: …` on stderr."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stdout == b""
    text = proc.stderr.decode()
    assert text.startswith("orderlint: error: ") and text.count("\n") == 1, text
    return text.removeprefix("orderlint: error: ").rstrip("\n")


# -- colours ---------------------------------------------------------------------------------------

def test_no_colour_when_piped():
    proc = cli(SEED)
    assert proc.returncode == 1 and b"OL501" in proc.stdout
    assert not ANSI.search(proc.stdout)


@pytest.mark.parametrize("args,env", [
    (("--color", "always"), {}),
    (("--color=always",), {}),
    (("--color",), {}),  # `--color` alone, as before `--color WHEN`
    ((), {"FORCE_COLOR": "1"}),
    (("--color", "always"), {"NO_COLOR": "1"}),  # the command line wins
])
def test_colour_codes_on(args, env):
    proc = cli(SEED, *args, env=env)
    assert proc.returncode == 1
    assert ANSI.search(proc.stdout), proc.stdout[:200]
    assert b"\x1b[33mOL501\x1b[0m" in proc.stdout  # the code in its severity's colour (warning: yellow)
    assert ANSI.sub(b"", proc.stdout) == cli(SEED, "--no-color").stdout  # same text, only coloured


@pytest.mark.parametrize("args,env", [
    ((), {"NO_COLOR": "1"}),
    ((), {"NO_COLOR": "1", "FORCE_COLOR": "1"}),
    (("--color", "never"), {"FORCE_COLOR": "1"}),
    (("--no-color",), {"FORCE_COLOR": "1"}),
])
def test_colour_codes_off(args, env):
    proc = cli(SEED, *args, env=env)
    assert proc.returncode == 1 and b"OL501" in proc.stdout
    assert not ANSI.search(proc.stdout)


def _in_a_terminal(*args, env=None) -> bytes:
    import pty

    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS")}
    environment.update(env or {}, TERM="xterm")
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "orderlint", *args], cwd=REPO, stdout=follower,
                            stderr=subprocess.DEVNULL, env=environment)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=120)
    os.close(leader)
    return out


def test_colours_on_a_terminal_unless_no_color():
    assert ANSI.search(_in_a_terminal(SEED))
    assert not ANSI.search(_in_a_terminal(SEED, env={"NO_COLOR": "1"}))
    assert not ANSI.search(_in_a_terminal(SEED, "--color", "never"))


def test_colour_never_reaches_a_file(tmp_path):
    out = tmp_path / "out.txt"
    assert cli(SEED, "--output", str(out), env={"FORCE_COLOR": "1"}).returncode == 1
    assert b"OL501" in out.read_bytes() and not ANSI.search(out.read_bytes())


# -- output ----------------------------------------------------------------------------------------

def test_findings_first_ruff_style():
    text = cli(SEED).stdout.decode()
    first = text.splitlines()[0]
    assert re.match(r"^fixtures/seed-app/ops/\S+:\d+:\d+: OL\d{3} \S", first), first
    assert "environment:" not in text and "on failure:" not in text  # no task listing
    assert text.endswith("Found 6 findings (6 warnings) in 4 files.\nNo fix available (5 hidden fixes can be enabled with `--unsafe-fixes`).\n")


def test_show_tasks_and_the_tasks_command():
    listed = cli(SEED, "--show-tasks").stdout.decode()
    assert "77:39  db:migrate  [primary, queue]  on failure: aborts" in listed
    assert listed.index("environment:") < listed.index(": OL501 ")  # the listing, then the findings
    proc = cli("tasks", SEED)
    assert proc.returncode == 0  # a listing, not a check
    tasks = proc.stdout.decode()
    assert "77:39  db:migrate" in tasks and "OL501" not in tasks
    assert tasks.endswith("15 database tasks in 6 files.\n"), tasks[-200:]


def test_quiet_prints_findings_only(tmp_path):
    proc = cli(SEED, "--quiet")
    assert proc.returncode == 1
    text = proc.stdout.decode()
    assert "OL501" in text and "Found" not in text
    root = project_tree(tmp_path, {"ops/ok.sh": CLEAN})
    proc = cli("-q", cwd=root)
    assert proc.returncode == 0 and proc.stdout == b"" and proc.stderr == b""


def test_statistics():
    proc = cli(SEED, "--statistics")
    assert proc.returncode == 1
    lines = proc.stdout.decode().splitlines()
    assert lines[:2] == ["5\tOL501\ttask-touches-both-databases", "1\tOL502\tqueue-wiped"]
    assert lines[-2:] == ["Found 6 findings (6 warnings) in 4 files.", "No fix available (5 hidden fixes can be enabled with `--unsafe-fixes`)."]
    as_json = json.loads(cli(SEED, "--statistics", "--format", "json").stdout)
    assert as_json == [{"code": "OL501", "name": "task-touches-both-databases", "count": 5},
                       {"code": "OL502", "name": "queue-wiped", "count": 1}]
    assert "works with --format text or json" in error_line(cli(SEED, "--statistics", "--format", "sarif"))


def test_output_format_is_an_alias_of_format():
    assert cli(SEED, "--output-format", "json").stdout == cli(SEED, "--format", "json").stdout
    assert json.loads(cli(SEED, "-f", "json").stdout)["version"] == 1


# -- summaries -------------------------------------------------------------------------------------

def test_summary_counts_files_with_findings(tmp_path):
    root = project_tree(tmp_path, {"ops/a.sh": IGNORED, "ops/b.sh": CLEAN, "ops/c.sh": CLEAN})
    proc = cli("ops", "--select", "OL201", cwd=root)
    assert proc.stdout.decode().endswith("Found 1 finding (1 error) in 1 file.\n[*] 1 fixable with `--fix`.\n")


def test_all_checks_passed_only_on_a_clean_run(tmp_path):
    root = project_tree(tmp_path, {"ops/ok.sh": CLEAN})
    proc = cli("ops", cwd=root)
    assert proc.returncode == 0
    assert proc.stdout.decode() == "All checks passed! 1 file checked, 2 database tasks.\n"
    mixed = cli("ops/ok.sh", "nope.sh", cwd=root)
    assert error_line(mixed) == "nope.sh: no such file or directory"  # no "All checks passed", exit 2


def test_no_script_found_is_a_warning_and_exit_0(tmp_path):
    root = project_tree(tmp_path, {"empty/README.md": b"nothing here\n"})
    proc = cli("empty", cwd=root)
    assert proc.returncode == 0
    assert proc.stdout == b""
    assert proc.stderr.decode() == ("orderlint: warning: no shell script found under empty "
                                    "(*.sh, *.bash, or a file with a bash/sh shebang)\n")
    assert cli("empty", "nope", cwd=root).returncode == 2  # unless a named path does not exist


# -- errors ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("args,message", [
    (("--formt", "json"), "unknown option '--formt'; did you mean '--format'?"),
    (("--format=jsn",), "--format: unknown format 'jsn' (expected text, json, github, sarif or markdown); "
                        "did you mean 'json'?"),
    (("--fail-level", "eror"), "--fail-level: unknown severity 'eror' (expected info, warning or error); "
                               "did you mean 'error'?"),
    (("--lang", "fre"), "--lang: unknown language 'fre' (expected en or fr); did you mean 'fr'?"),
    (("--color", "allways"), "--color: unknown value 'allways' (expected auto, always or never); "
                             "did you mean 'always'?"),
    (("--jobs", "-3"), "--jobs must be a whole number of processes, 0 or more (0: one per core), not '-3'"),
    (("-j", "many"), "--jobs must be a whole number of processes, 0 or more (0: one per core), not 'many'"),
    (("--format",), "--format needs a value"),
    (("--no-cache=yes",), "--no-cache takes no value (given 'yes')"),
    (("--select", "OL2O1"), "--select: unknown rule code 'OL2O1'; did you mean 'OL201'?"),
    (("rulse",), "rulse: no such file or directory; did you mean the command `orderlint rule`?"),
    (("rule",), "orderlint rule takes one rule code or name, such as `orderlint rule OL201`"),
    (("tasks", "--format", "json"), "--format is an option of `orderlint`, not of `orderlint tasks`, which prints "
                                    "the task listing as text (`orderlint --format json` lists the tasks too)"),
    (("tasks", "--show-task"), "unknown option '--show-task'"),
])
def test_one_error_style_with_suggestions(args, message):
    assert error_line(cli(*args) if args[0] in ("rulse", "rule", "tasks") else cli(SEED, *args)) == message


def test_jobs_zero_is_one_process_per_core():
    assert cli(SEED, "--jobs", "0", "--format", "json").stdout == cli(SEED, "--format", "json").stdout


# -- inputs ----------------------------------------------------------------------------------------

def test_symbolic_link_loop_is_a_warning_and_the_run_goes_on(tmp_path):
    root = project_tree(tmp_path, {"ops/deploy.sh": IGNORED, "ops/sub/ok.sh": CLEAN})
    (root / "ops" / "sub" / "up").symlink_to("..")  # ops/sub/up/sub/up/… : a loop
    for _ in range(2):  # the second run is replayed from the cache: the same warning, once
        proc = cli("ops", cwd=root)
        assert proc.returncode == 1  # the finding decides, not the loop
        assert proc.stderr.decode() == "orderlint: warning: ops/sub/up: symbolic link loop, not followed\n"
        assert "ops/deploy.sh:3:11: OL201" in proc.stdout.decode()


def test_second_link_to_a_folder_is_no_loop(tmp_path):
    root = project_tree(tmp_path, {"ops/releases/v2/migrate.sh": CLEAN})
    (root / "ops" / "current").symlink_to("releases/v2")
    proc = cli("ops", cwd=root)
    assert proc.returncode == 0 and proc.stderr == b""


def test_crlf_script_is_reported(tmp_path):
    crlf = IGNORED.replace(b"\n", b"\r\n").replace(b" || true", b"")
    notes = b"#!/bin/bash\r\necho hello\r\n"
    root = project_tree(tmp_path, {"ops/migrate.sh": crlf, "ops/notes.sh": notes})
    report = json.loads(cli("ops", "--format", "json", "--select", "OL005", cwd=root).stdout)
    found = {(d["path"], d["line"], d["column"], d["severity"]) for d in report["diagnostics"]}
    assert found == {("ops/migrate.sh", 3, 11, "error"), ("ops/notes.sh", 1, 1, "warning")}
    message = next(d["message"] for d in report["diagnostics"] if d["path"] == "ops/migrate.sh")
    assert message.startswith("lines 1–3 end in CR LF")
    assert "`db:migrate` on line 3 reaches Rails as `db:migrate\\r`" in message
    assert cli("ops", "--select", "OL005", cwd=root).returncode == 1


def test_force_exclude_applies_exclude_to_named_files(tmp_path):
    root = project_tree(tmp_path, {".orderlint.toml": b'exclude = ["ops/legacy/**"]\n', "ops/legacy/old.sh": IGNORED,
                              "ops/new.sh": CLEAN})
    assert cli("ops/legacy/old.sh", cwd=root).returncode == 1  # named: checked, as ruff does
    proc = cli("ops/legacy/old.sh", "ops/new.sh", "--force-exclude", cwd=root)
    assert proc.returncode == 0 and b"All checks passed! 1 file checked" in proc.stdout
    quiet = cli("ops/legacy/old.sh", "--force-exclude", "--quiet", cwd=root)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, b"", b"")


# -- pre-commit ------------------------------------------------------------------------------------

LIBRARY = b'set -euo pipefail\ndie() { echo "$*" >&2; exit 1; }\nmigrate() {\n  bin/rails db:migrate\n}\n'
CHANGED = LIBRARY.replace(b"db:migrate\n}", b'db:migrate\n  echo "migrations done"\n}')
DEPLOY = (b'#!/bin/bash\nset -euo pipefail\nsource "$(dirname "$0")/lib/rails.sh"\nmigrate || die "migration failed"\n'
          b"bin/rails db:abort_if_pending_migrations\n")


def hook_command(changed: list[str]) -> list[str]:
    """The command pre-commit runs for our hook when `changed` files are staged (None: skipped)."""
    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())[0]
    command = shlex.split(hook["entry"]) + list(hook.get("args", ()))
    if hook.get("pass_filenames", True):
        command += changed
    return command


def test_pre_commit_catches_a_library_change_through_its_caller(tmp_path):
    root = project_tree(tmp_path, {"ops/deploy.sh": DEPLOY, "ops/lib/rails.sh": LIBRARY})
    command = hook_command(["ops/lib/rails.sh"])
    assert command[0] == "orderlint"
    before = cli(*command[1:], cwd=root)
    assert (before.returncode, before.stdout, before.stderr) == (0, b"", b"")
    (root / "ops" / "lib" / "rails.sh").write_bytes(CHANGED)  # the commit changes only the library
    assert cli("ops/lib/rails.sh", cwd=root).returncode == 0  # alone, the library looks fine
    after = cli(*command[1:], cwd=root)
    assert after.returncode == 1
    text = after.stdout.decode()
    assert text.startswith("ops/lib/rails.sh:4:13: OL201 ") and "`migrate` is followed by `||`" in text
    assert "Found" not in text  # the hook prints the findings only
