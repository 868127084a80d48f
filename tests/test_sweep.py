"""The real-world sweep: every shell script of this machine through the whole pipeline.

Slow (a minute or two): excluded from the default run, run by `.ci/run` with `pytest -m slow`.
No traceback, no hang (60 s per script), no exit code other than 0/1/2, no exit 2 without a
message, and byte-identical outputs in every format across two runs with different hash seeds.
The repository's fixtures and a generated ops tree are swept too: the machine's scripts run no
Rails task, those do.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from corpus import machine_scripts  # noqa: E402
from gen_tree import generate  # noqa: E402
from sweep import sweep  # noqa: E402

pytestmark = pytest.mark.slow


def test_machine_scripts_never_crash_hang_or_differ(tmp_path):
    files = machine_scripts(dedupe=False)
    if len(files) < 200:
        pytest.skip(f"only {len(files)} shell scripts on this machine")
    fixtures = sorted(p for p in (REPO / "fixtures").rglob("*") if p.is_file() and p.suffix in (".sh", ".bash"))
    tree = tmp_path / "tree"
    generate(tree, 150, seed=7)
    generated = sorted(tree.rglob("*.sh"))
    problems, stats = sweep(files + fixtures + generated, jobs=os.cpu_count() or 1, timeout=60.0)
    assert stats["files"] > 1000
    assert not problems, "\n".join(problems[:50])
