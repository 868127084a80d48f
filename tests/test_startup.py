"""Start-up: what each kind of run imports, and the start-up benchmark itself.

Timings depend on the machine (benchmarks/startup.py measures them); what a run imports does
not, so that is what these tests hold: `--version` loads nothing, a cache hit loads no analysis
module, no run loads typer, click or pydantic, and plain text output loads no rich console.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO

SCRIPT = "#!/bin/bash\nset -e\nbin/rails db:migrate:primary\nbin/rails db:migrate:queue || echo warn >&2\n"
PROBE = """
import json, os, sys
before = set(sys.modules)
sys.argv = ["orderlint", *json.loads(os.environ["PROBE_ARGS"])]
os._exit = lambda code: (_ for _ in ()).throw(SystemExit(code))  # report the modules instead of leaving
try:
    from orderlint.cli.main import main
    main()
except SystemExit:
    pass
sys.stdout.flush()
sys.stderr.write("\\nMODULES " + json.dumps(sorted(set(sys.modules) - before)) + "\\n")
"""
HEAVY = ("typer", "click", "pydantic")
ANALYSIS = ("orderlint.pipeline", "orderlint.flow", "orderlint.shell.extract", "orderlint.shell.syntax",
            "orderlint.rules", "orderlint.results")


def imported(*args: str, cwd, env: dict | None = None) -> set[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS")}
    environment.update(env or {}, PROBE_ARGS=json.dumps(list(args)))
    proc = subprocess.run([sys.executable, "-c", PROBE], cwd=cwd, env=environment, capture_output=True, timeout=120)
    line = next(l for l in proc.stderr.decode().splitlines() if l.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


def loaded(modules: set[str], prefixes) -> set[str]:
    return {m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes)}


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("ORDERLINT_CACHE_DIR", str(tmp_path / "cache"))  # outside the project: its folders stay put
    root = tmp_path / "app"
    (root / ".git").mkdir(parents=True)
    (root / "ops").mkdir()
    (root / "ops" / "migrate.sh").write_text(SCRIPT)
    return root


def test_version_imports_nothing(app):
    for flag in ("--version", "-V"):
        modules = imported(flag, cwd=app)
        # stdlib modules a fresh interpreter may not hold yet (`__future__` outside an editable install) are free
        assert loaded(modules, ("orderlint",)) <= {"orderlint", "orderlint.cli", "orderlint.cli.main"}
        assert loaded(modules, HEAVY + ("rich", "tree_sitter", "yaml")) == set()


def test_a_run_never_imports_typer_click_or_pydantic(app):
    modules = imported("ops", "--no-cache", cwd=app)
    assert "orderlint.pipeline" in modules
    assert not loaded(modules, HEAVY)
    assert not loaded(modules, ("rich",))  # plain text to a pipe: no rich at all
    assert not loaded(modules, ("orderlint.cli.cache", "hashlib"))  # --no-cache: the cache is not loaded


def test_colours_need_rich_style_only(app):
    modules = imported("ops", "--no-cache", "--color", "always", cwd=app)
    assert "rich.style" in modules and "rich.console" not in modules


def test_a_cache_hit_imports_no_analysis_module(app):
    first = imported("ops", cwd=app)
    assert "orderlint.pipeline" in first
    again = imported("ops", cwd=app)
    assert "orderlint.cli.cache" in again
    assert not loaded(again, ANALYSIS), sorted(loaded(again, ANALYSIS))
    assert not loaded(again, HEAVY)


def test_the_benchmark_prints_orderlint_beside_shellcheck():
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "startup.py"), "-n", "1", "--top", "3"],
                          capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    for case in ("version", "one script", "seed app (6 files)"):
        assert f"\n{case:<20} orderlint" in out and f"\n{case:<20} shellcheck" in out
    assert "target version: under 60 ms" in out and "target one script: under 100 ms" in out
    assert "python -X importtime" in out
    # the slowest imports: orderlint's own among them (which ones depends on the build, pure or compiled)
    assert "  orderlint." in out.split("python -X importtime", 1)[1]


def test_a_run_never_imports_the_language_server(app):
    modules = imported("ops", "--no-cache", cwd=app)
    assert not loaded(modules, ("orderlint.server", "pygls", "lsprotocol", "cattrs"))
