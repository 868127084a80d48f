"""Bad input: every file a CI machine can throw at orderlint gets a clear message and exit code.

Non-UTF-8 bytes, CRLF, a BOM, binary files named `.sh`, empty files, a 10 MB script, 1,000-deep
nesting, unreadable files and folders, symbolic link loops, paths that vanish during the run,
a malformed database.yml or configuration, megabyte-long lines.
"""

from __future__ import annotations

import io
import json
import os
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from conftest import project_tree, run_cli

MIGRATE = b"bin/rails db:migrate || true\n"  # OL201 on the word db:migrate, column 11


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ORDERLINT_CACHE_DIR", str(tmp_path / "cache"))




def lint_json(root: Path, *args: str, timeout: float = 300):
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    proc = subprocess.run([sys.executable, "-m", "orderlint", *args, "--format", "json"], cwd=root,
                          capture_output=True, env=env, timeout=timeout)
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()
    return proc, (json.loads(proc.stdout) if proc.stdout.strip() else None)


def execute_here(root: Path, *paths: str, **options) -> tuple[int, str, str]:
    """Run orderlint in this process (so that a test can patch the file system), from `root`."""
    from orderlint.cli.run import Options, execute

    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = execute(Options(paths=tuple(Path(p) for p in paths), no_cache=True, **options))
    finally:
        os.chdir(cwd)
    return code, out.getvalue(), err.getvalue()


def findings(report: dict) -> list[tuple]:
    return [(d["path"], d["line"], d["column"], d["code"]) for d in report["diagnostics"]]


# -- encodings and line ends ---------------------------------------------------------------

def test_non_utf8_bytes_keep_line_and_column_numbers(tmp_path):
    script = b"#!/bin/bash\n# caf\xe9 cr\xe8me \xff\xfe\x80\necho \"\xe9t\xe9\" \xc3\x28\n" + MIGRATE
    root = project_tree(tmp_path, {"ops/latin1.sh": script})
    proc, report = lint_json(root, "ops")
    assert proc.returncode == 1
    assert ("ops/latin1.sh", 4, 11, "OL201") in findings(report)
    text = run_cli("ops", cwd=root)
    assert text.returncode == 1
    assert "4 | bin/rails db:migrate || true" in text.stdout.decode("utf-8")


def test_crlf_line_ends(tmp_path):
    script = b"#!/bin/bash\r\nset -e\r\necho start\r\n" + MIGRATE.replace(b"\n", b"\r\n")
    root = project_tree(tmp_path, {"ops/crlf.sh": script})
    proc, report = lint_json(root, "ops")
    assert ("ops/crlf.sh", 4, 11, "OL201") in findings(report)
    assert not [d for d in report["diagnostics"] if d["code"] == "OL001"]


def test_byte_order_mark(tmp_path):
    script = b"\xef\xbb\xbf#!/bin/bash\nset -e\n" + MIGRATE
    root = project_tree(tmp_path, {"ops/bom": script})  # no suffix: found through its shebang, behind the BOM
    proc, report = lint_json(root, "ops")
    assert report["files"] == ["ops/bom"]
    assert ("ops/bom", 3, 11, "OL201") in findings(report)


# -- files that are not scripts ------------------------------------------------------------

def test_binary_file_named_sh_is_reported_not_printed(tmp_path):
    binary = Path("/bin/ls").read_bytes()[:20_000] if Path("/bin/ls").exists() else bytes(range(256)) * 80
    root = project_tree(tmp_path, {"ops/tool.sh": binary, "ops/deploy.sh": b"#!/bin/bash\n" + MIGRATE})
    proc, report = lint_json(root, "ops")
    assert proc.returncode == 1
    binary_diags = [d for d in report["diagnostics"] if d["path"] == "ops/tool.sh"]
    assert [(d["line"], d["code"]) for d in binary_diags] == [(1, "OL001")]
    assert "binary file" in binary_diags[0]["message"] and "not analysed" in binary_diags[0]["message"]
    assert ("ops/deploy.sh", 2, 11, "OL201") in findings(report)  # the rest is still checked
    text = run_cli("ops", cwd=root).stdout
    assert b"\x00" not in text and b"ELF" not in text
    assert b"ops/tool.sh:1:1: OL001 binary file" in text


def test_self_extracting_script_is_analysed_up_to_its_payload(tmp_path):
    script = b"#!/bin/sh\nset -e\n" + MIGRATE + b"exit 0\n\x1f\x8b\x08\x00\x00\x00payload\n\x00\xff"
    root = project_tree(tmp_path, {"ops/install.sh": script})
    proc, report = lint_json(root, "ops")
    assert ("ops/install.sh", 3, 11, "OL201") in findings(report)
    assert any(d["line"] == 5 and d["code"] == "OL001" and "binary data from line 5" in d["message"]
               for d in report["diagnostics"])


def test_empty_files(tmp_path):
    root = project_tree(tmp_path, {"ops/empty.sh": b"", "ops/blank.sh": b"\n\n   \n"})
    proc, report = lint_json(root, "ops")
    assert proc.returncode == 0
    assert report["files"] == ["ops/blank.sh", "ops/empty.sh"] and report["diagnostics"] == []
    text = run_cli("ops", cwd=root)
    assert text.returncode == 0 and b"no database task" in text.stdout


# -- size and depth ------------------------------------------------------------------------

def test_ten_megabyte_script(tmp_path):
    """10 MB: real commands around 10 MB of comments and heredoc text; the task line is exact."""
    filler = b"# " + b"x" * 98 + b"\n"
    lines = 100_000
    heredoc = b"cat > /tmp/notes <<'EOF'\n" + b"some text $(not run) `nor this`\n" * 20_000 + b"EOF\n"
    script = b"#!/bin/bash\nset -e\n" + filler * lines + heredoc + MIGRATE
    assert len(script) > 10_000_000
    root = project_tree(tmp_path, {"ops/big.sh": script})
    started = time.monotonic()
    proc, report = lint_json(root, "ops")
    assert time.monotonic() - started < 120
    assert ("ops/big.sh", 2 + lines + 20_002 + 1, 11, "OL201") in findings(report)


def test_larger_than_the_limit_is_skipped_with_a_message(tmp_path):
    root = project_tree(tmp_path, {"ops/ok.sh": b"#!/bin/bash\n"})
    huge = root / "ops" / "huge.sh"
    with open(huge, "wb") as handle:  # sparse: no disk space used
        handle.truncate(65 * 1024 * 1024)
    proc = run_cli("ops", cwd=root)
    assert proc.returncode == 0  # a file below a folder that is left out is a warning; the run goes on
    assert "orderlint: warning: ops/huge.sh: larger than 64 MB, skipped" in proc.stderr.decode()


NESTINGS = {
    "if": (b"if true; then\n", b"fi\n"),
    "subshell": (b"( ", b" )"),
    "group": (b"{ ", b"; }"),
    "substitution": (b"echo $(", b")"),
    "case": (b"case x in x)\n", b";; esac\n"),
    "function": (b"f() {\n", b"}\n"),
    "arithmetic": (b"echo $(( (", b") ))"),
}


# Loops and functions calling functions are followed path by path: without a bound the work
# doubles with each level. The flow stage unrolls at most three nested loops and summarises
# calls and compound commands once an entry script has used its step budget.
EXPONENTIAL = {
    "while": (b"while true; do\n", b"done\n"),
    "for": (b"for i in a b; do\n", b"done\n"),
    "function-fan-out": (None, None),
}


@pytest.mark.parametrize("kind", sorted(NESTINGS) + sorted(EXPONENTIAL))
def test_thousand_deep_nesting(tmp_path, kind):
    opening, closing = NESTINGS.get(kind) or EXPONENTIAL[kind]
    if kind == "function-fan-out":
        script = (b"#!/bin/bash\n" + b"".join(b"f%d() { f%d; f%d; }\n" % (i, i + 1, i + 1) for i in range(1000))
                  + b"f1000() { bin/rails db:migrate; }\nf0\n")
    else:
        script = b"#!/bin/bash\n" + opening * 1000 + b"bin/rails db:migrate" + closing * 1000 + b"\n"
    root = project_tree(tmp_path, {"ops/deep.sh": script})
    proc, report = lint_json(root, "ops", timeout=20 if kind in EXPONENTIAL else 120)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    assert b"RecursionError" not in proc.stderr
    if kind in ("if", "subshell", "group", "while"):  # deeper than extract's cap: said so
        assert any(d["code"] == "OL001" and "nested this deep" in d["message"] for d in report["diagnostics"])


def test_deep_nesting_depth_cap_is_far_below_the_recursion_limit():
    import sys

    from orderlint.shell.extract import MAX_DEPTH

    assert MAX_DEPTH * 6 < sys.getrecursionlimit()  # a few frames per level, with room to spare


def test_long_chains_do_not_recurse(tmp_path):
    script = (b"#!/bin/bash\n" + b" && ".join([b"true"] * 5000) + b" && bin/rails db:migrate\n"
              + b" | ".join([b"cat"] * 5000) + b"\n" + b"if a; then b\n" + b"elif c; then d\n" * 3000 + b"fi\n")
    root = project_tree(tmp_path, {"ops/long.sh": script})
    proc, report = lint_json(root, "ops")
    assert proc.returncode in (0, 1), proc.stderr.decode()


# -- the file system -------------------------------------------------------------------------

def test_unreadable_file(tmp_path, monkeypatch):
    root = project_tree(tmp_path, {"ops/secret.sh": b"#!/bin/bash\n" + MIGRATE, "ops/deploy.sh": b"#!/bin/bash\n" + MIGRATE})
    secret = root / "ops" / "secret.sh"
    if os.geteuid() != 0:
        secret.chmod(0)
    else:  # root reads anything: make the read itself fail as it would for a user
        real = Path.read_bytes

        def read_bytes(self):
            if self.name == "secret.sh":
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code, out, err = execute_here(root, "ops", output_format="json")
    assert code == 1  # a warning: the run goes on (exit 1 for the other script's finding)
    assert "orderlint: warning: ops/secret.sh: cannot read (Permission denied)" in err
    assert [i["path"] for i in json.loads(out)["invocations"]] == ["ops/deploy.sh"]  # the rest is checked


def test_unreadable_directory(tmp_path, monkeypatch):
    root = project_tree(tmp_path, {"ops/private/a.sh": b"#!/bin/bash\n" + MIGRATE, "ops/deploy.sh": b"#!/bin/bash\n" + MIGRATE})
    private = root / "ops" / "private"
    if os.geteuid() != 0:
        private.chmod(0)
    else:
        real = os.scandir

        def scandir(path="."):
            if not isinstance(path, int) and os.fspath(path).endswith("private"):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real(path)

        monkeypatch.setattr(os, "scandir", scandir)
    try:
        code, out, err = execute_here(root, "ops", output_format="json")
    finally:
        private.chmod(0o755)
    assert code == 1  # a warning: the run goes on
    assert "orderlint: warning: ops/private: cannot read directory (Permission denied)" in err
    assert [i["path"] for i in json.loads(out)["invocations"]] == ["ops/deploy.sh"]


def test_symbolic_link_loops(tmp_path):
    root = project_tree(tmp_path, {"ops/deploy.sh": b"#!/bin/bash\nsource ./loop.sh\n" + MIGRATE})
    ops = root / "ops"
    (ops / "again").symlink_to("..")  # a folder loop
    (ops / "loop.sh").symlink_to("loop.sh")  # a file that points at itself
    (ops / "a.sh").symlink_to("b.sh")
    (ops / "b.sh").symlink_to("a.sh")
    proc, report = lint_json(root, "ops")
    assert proc.returncode == 1  # the loops are warnings, the finding in deploy.sh decides
    stderr = proc.stderr.decode()
    assert "orderlint: warning: ops/again: symbolic link loop, not followed" in stderr
    assert report["files"] == ["ops/deploy.sh"]
    assert ("ops/deploy.sh", 3, 11, "OL201") in findings(report)
    assert any(d["code"] == "OL002" and "loop.sh" in d["message"] for d in report["diagnostics"])
    named = run_cli("ops/loop.sh", cwd=root)  # named on the command line
    assert named.returncode == 2 and b"Traceback" not in named.stderr
    assert b"ops/loop.sh" in named.stderr


def test_file_vanishing_during_the_run(tmp_path, monkeypatch):
    import orderlint.pipeline as analysis

    root = project_tree(tmp_path, {"ops/gone.sh": b"#!/bin/bash\n" + MIGRATE, "ops/deploy.sh": b"#!/bin/bash\n" + MIGRATE})
    real = analysis.discover

    def discover_then_delete(paths, excludes=()):
        found = real(paths, excludes)
        (root / "ops" / "gone.sh").unlink()
        return found

    monkeypatch.setattr(analysis, "discover", discover_then_delete)
    code, out, err = execute_here(root, "ops", output_format="json")
    assert code == 1  # a warning: the run goes on
    assert "ops/gone.sh: cannot read (No such file or directory)" in err
    assert [i["path"] for i in json.loads(out)["invocations"]] == ["ops/deploy.sh"]


def test_folder_vanishing_during_the_walk(tmp_path, monkeypatch):
    import shutil

    root = project_tree(tmp_path, {"ops/a/x.sh": b"#!/bin/bash\n", "ops/b/y.sh": b"#!/bin/bash\n" + MIGRATE})
    real = os.scandir

    class Listed:  # the listing of ops/, taken before ops/a is removed
        def __init__(self, entries):
            self.entries = iter(list(entries))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def __iter__(self):
            return self

        def __next__(self):
            return next(self.entries)

    def scandir(path="."):
        if not isinstance(path, int) and os.fspath(path).endswith("ops"):
            with real(path) as entries:
                listed = Listed(entries)
            shutil.rmtree(root / "ops" / "a", ignore_errors=True)
            return listed
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, err = execute_here(root, "ops", output_format="json")
    assert code == 1  # a warning: the run goes on
    assert "ops/a: cannot read directory (No such file or directory)" in err
    assert json.loads(out)["files"] == ["ops/b/y.sh"]


def test_path_given_and_missing(tmp_path):
    root = project_tree(tmp_path, {"ops/deploy.sh": b"#!/bin/bash\n"})
    proc = run_cli("ops/nope.sh", cwd=root)
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == "orderlint: error: ops/nope.sh: no such file or directory"


# -- configuration files -------------------------------------------------------------------

def test_malformed_database_yml_names_file_and_line(tmp_path):
    yml = b"production:\n  primary:\n    adapter: postgresql\n    database: [unclosed\n  queue:\n    adapter: sqlite3\n"
    root = project_tree(tmp_path, {"ops/deploy.sh": b"#!/bin/bash\n" + MIGRATE, "config/database.yml": yml})
    proc = run_cli("ops", cwd=root)
    assert proc.returncode == 2
    message = proc.stderr.decode().strip()
    assert message.startswith("orderlint: error: config/database.yml:5: invalid YAML"), message
    assert b"Traceback" not in proc.stderr


def test_database_yml_that_is_not_a_mapping(tmp_path):
    root = project_tree(tmp_path, {"ops/deploy.sh": b"#!/bin/bash\n" + MIGRATE, "config/database.yml": b"- a\n- b\n"})
    proc = run_cli("ops", cwd=root)
    assert proc.returncode == 2
    assert "config/database.yml: expected a mapping of environments" in proc.stderr.decode()


def test_binary_database_yml(tmp_path):
    root = project_tree(tmp_path, {"ops/deploy.sh": b"#!/bin/bash\n" + MIGRATE,
                          "config/database.yml": b"\x00\x01\x02production:\xff\xfe\n"})
    proc = run_cli("ops", cwd=root)
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("orderlint: error: config/database.yml")
    assert b"Traceback" not in proc.stderr


def test_malformed_config_names_file_and_line(tmp_path):
    root = project_tree(tmp_path, {"ops/deploy.sh": b"#!/bin/bash\n",
                          ".orderlint.toml": b"fail-level = 'warning'\nselect = OL2\n"})
    proc = run_cli("ops", cwd=root)
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("orderlint: error: .orderlint.toml:2:"), proc.stderr.decode()


def test_non_utf8_config(tmp_path):
    root = project_tree(tmp_path, {"ops/deploy.sh": b"#!/bin/bash\n", ".orderlint.toml": b"fail-level = '\xff'\n"})
    proc = run_cli("ops", cwd=root)
    assert proc.returncode == 2
    assert "orderlint: error: .orderlint.toml: not UTF-8 text" in proc.stderr.decode()


# -- output ------------------------------------------------------------------------------

def test_megabyte_long_line_is_not_printed_whole(tmp_path):
    script = b"#!/bin/bash\nbin/rails db:migrate || true # " + b"x" * 3_000_000 + b"\n"
    root = project_tree(tmp_path, {"ops/long.sh": script})
    proc = run_cli("ops", cwd=root)
    assert proc.returncode == 1
    lines = proc.stdout.decode().splitlines()
    assert any(line.startswith("2 | bin/rails db:migrate || true") for line in lines)
    assert max(len(line) for line in lines) < 1000
    assert len(proc.stdout) < 10_000


def test_names_the_system_refuses(tmp_path):
    """Found by atheris: `source` of a 5,000-character name made stat() raise ENAMETOOLONG."""
    long = b"x" * 5000
    script = (b"#!/bin/bash\nsource ./" + long + b"\n./" + long + b"\nbash " + long + b"\n. " + long + b"/a\n"
              + MIGRATE)
    root = project_tree(tmp_path, {"ops/long.sh": script})
    proc, report = lint_json(root, "ops")
    assert proc.returncode == 1, proc.stderr.decode()
    assert ("ops/long.sh", 6, 11, "OL201") in findings(report)
    assert sum(d["code"] == "OL002" for d in report["diagnostics"]) == 2
    named = run_cli("ops/" + "y" * 5000, cwd=root)
    assert named.returncode == 2
    assert named.stderr.decode().strip().endswith(": File name too long")


def test_a_loop_after_a_repaired_pipeline_does_not_crash(tmp_path):
    # The repaired tree is edited in place; its nodes have no text of their own any more.
    root = project_tree(tmp_path, {"ops/deploy.sh": (
        b"#!/bin/bash\nbin/rails db:migrate:primary 2>&1 | tee -a log | grep -v X\n"
        b"bin/rails db:migrate:queue || echo warn >&2  # orderlint: disable=OL202 -- logged\n"
        b"for i in 1 2; do bin/rails db:seed; done\n")})
    proc = run_cli("ops", "--format", "json", "--no-cache", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    tasks = [(i["line"], i["task"]) for i in json.loads(proc.stdout)["invocations"]]
    assert (3, "db:migrate:queue") in tasks and (4, "db:seed") in tasks
