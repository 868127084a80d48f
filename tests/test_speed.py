"""Speed features keep the results exact: the result cache, `--jobs`, the progress bar, `--version`."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, run_cli

sys.path.insert(0, str(REPO / "benchmarks"))

from gen_tree import generate  # noqa: E402


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("tree")
    (root / ".git").mkdir()
    generate(root, 60, seed=3)
    return root


def lint(root: Path, cache: Path, *args: str):
    proc = run_cli(".", "--format", "json", *args, cwd=root, env={"ORDERLINT_CACHE_DIR": str(cache)})
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return proc


def test_second_run_replays_the_first(tree, tmp_path):
    cache = tmp_path / "cache"
    first = lint(tree, cache)
    entries = list((cache / "runs").glob("*.json"))
    assert len(entries) == 1
    second = lint(tree, cache)
    assert second.stdout == first.stdout and second.returncode == first.returncode
    assert list((cache / "runs").glob("*.json")) == entries  # a hit: nothing new written
    uncached = lint(tree, cache, "--no-cache")
    assert uncached.stdout == first.stdout


def _entries(cache: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in (cache / "runs").glob("*.json")}


@pytest.mark.parametrize("change", ["script", "library", "database.yml", "new-script", "new-source-target",
                                    "new-database-yml", "config", "option"])
def test_cache_misses_when_anything_read_changes(tmp_path, change):
    root = tmp_path / "app"
    (root / ".git").mkdir(parents=True)
    (root / "ops" / "lib").mkdir(parents=True)
    (root / "ops" / "sub" / "deeper").mkdir(parents=True)
    (root / "config").mkdir()
    (root / "ops" / "lib" / "common.sh").write_text("migrate() { bin/rails db:migrate; }\n")
    (root / "ops" / "deploy.sh").write_text("#!/bin/bash\nsource ./lib/common.sh\nsource ./lib/extra.sh\nmigrate\n")
    (root / "ops" / "sub" / "deeper" / "reset.sh").write_text("#!/bin/bash\nbin/rails db:reset\n")
    (root / "config" / "database.yml").write_text("production:\n  primary:\n    adapter: postgresql\n")
    cache = tmp_path / "cache"
    lint(root, cache, "ops")
    stored = _entries(cache)
    assert len(stored) == 1
    if change == "script":
        (root / "ops" / "deploy.sh").write_text("#!/bin/bash\nsource ./lib/common.sh\nmigrate || true\n")
    elif change == "library":
        (root / "ops" / "lib" / "common.sh").write_text("migrate() { bin/rails db:migrate || true; }\n")
    elif change == "database.yml":
        (root / "config" / "database.yml").write_text(
            "production:\n  primary:\n    adapter: postgresql\n  queue:\n    adapter: sqlite3\n")
    elif change == "new-script":
        (root / "ops" / "seed.sh").write_text("#!/bin/bash\nbin/rails db:seed\n")
    elif change == "new-source-target":  # `source ./lib/extra.sh` was missing (OL002), now it is there
        (root / "ops" / "lib" / "extra.sh").write_text("bin/rails db:seed\n")
    elif change == "new-database-yml":  # a nearer config/database.yml for ops/sub/deeper/reset.sh
        (root / "ops" / "sub" / "config").mkdir()
        (root / "ops" / "sub" / "config" / "database.yml").write_text("development:\n  primary:\n    adapter: sqlite3\n")
    elif change == "config":
        (root / ".orderlint.toml").write_text("ignore = [\"OL301\"]\n")
    after = lint(root, cache, "ops", *(["--fail-level", "error"] if change == "option" else []))
    assert _entries(cache) != stored, "the run was replayed from the cache"  # a new entry, or this one rewritten
    fresh = lint(root, tmp_path / "fresh-cache", "ops", *(["--fail-level", "error"] if change == "option" else []))
    assert after.stdout == fresh.stdout


def test_cache_entry_that_is_corrupt_is_ignored(tree, tmp_path):
    cache = tmp_path / "cache"
    first = lint(tree, cache)
    for entry in (cache / "runs").glob("*.json"):
        entry.write_text("{not json")
    second = lint(tree, cache)
    assert second.stdout == first.stdout


def test_unwritable_cache_never_fails_the_run(tree, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    proc = lint(tree, blocker / "cache")
    assert json.loads(proc.stdout)["files"]


def test_jobs_give_the_same_results(tree, tmp_path):
    one = lint(tree, tmp_path, "--no-cache", "--jobs", "1")
    every = lint(tree, tmp_path, "--no-cache", "--jobs", "0")
    two = run_cli(".", "--no-cache", "--jobs", "2", "--format", "markdown", "--date", "2000-01-01", cwd=tree)
    one_md = run_cli(".", "--no-cache", "--format", "markdown", "--date", "2000-01-01", cwd=tree)
    assert one.stdout == every.stdout
    assert two.stdout == one_md.stdout


def test_jobs_carry_nesting_diagnostics_back(tmp_path):
    root = tmp_path / "app"
    (root / ".git").mkdir(parents=True)
    (root / "ops").mkdir()
    for i in range(20):
        (root / "ops" / f"s{i:02d}.sh").write_text("#!/bin/bash\n" + "if true; then\n" * 200 + "bin/rails db:migrate\n"
                                                   + "fi\n" * 200)
    one = run_cli("ops", "--no-cache", "--format", "json", cwd=root)
    two = run_cli("ops", "--no-cache", "--format", "json", "--jobs", "2", cwd=root)
    assert one.stdout == two.stdout
    assert sum("nested this deep" in d["message"] for d in json.loads(one.stdout)["diagnostics"]) == 20


def test_progress_bar_draws_only_for_long_runs():
    from rich.console import Console

    from orderlint.cli import progress as bars

    with bars.progress_bar(force=True) as progress:
        progress(5, 10)  # short: nothing drawn
    seen = []

    class Bar:
        def __init__(self, *columns, console, transient):
            assert isinstance(console, Console) and console.stderr and transient
            seen.append("made")

        def start(self):
            seen.append("start")

        def add_task(self, name, total):
            return 1

        def update(self, task, completed, total):
            seen.append((completed, total))

        def stop(self):
            seen.append("stop")

    import rich.progress

    real = rich.progress.Progress
    rich.progress.Progress = Bar
    try:
        with bars.progress_bar(force=True) as progress:
            progress(1, 500)
            progress(500, 500)
        with bars.progress_bar(force=False) as progress:
            progress(1, 500)
    finally:
        rich.progress.Progress = real
    assert seen == ["made", "start", (1, 500), (500, 500), "stop"]


def test_no_progress_bar_when_stderr_is_not_a_terminal(tree, tmp_path):
    proc = run_cli(".", "--no-cache", cwd=tree)
    assert proc.stderr == b""


def test_version_is_fast():
    import subprocess

    times = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "orderlint", "--version"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    assert sorted(times)[2] < 0.5  # 60 ms on the development machine; generous for loaded CI machines


def test_benchmark_says_which_targets_are_met():
    from bench import targets

    figures = {"version_ms": 51, "machine": {"mb_per_s": 3.2, "ratio": 12.0, "peak_mb": 120},
               "memory_growth_mb": {1250: 70, 10000: 80}}
    lines = targets(figures)
    assert "met      orderlint --version under 150 ms: 51 ms" in lines
    assert "met      machine: at least 3 MB/s on one core: 3.2 MB/s" in lines
    assert "NOT met  machine: at least 30x ShellCheck's throughput: 12.0x" in lines
    assert "NOT met  machine: peak memory under 100 MB: 120 MB" in lines
    assert any(line.startswith("met") and "flat" in line for line in lines)


def test_benchmark_says_what_the_targets_leave_beyond_the_floor():
    from bench import budgets

    # 100 scripts, 0.3 MB: 3 MB/s allows 0.1 s in all; the floor takes 0.05 s of it.
    figures = {"machine": {"files": 100, "mb": 0.3, "seconds": 0.25, "floor_seconds": 0.05,
                           "shellcheck_seconds": 6.0}}
    assert budgets(figures) == [
        "machine: 3 MB/s leaves 0.50 ms a script beyond the floor; orderlint spends 2.00 ms",
        "machine: 30x ShellCheck leaves 1.50 ms a script beyond the floor; orderlint spends 2.00 ms",
    ]
