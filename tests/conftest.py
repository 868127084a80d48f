"""Shared helpers: run the orderlint CLI as a user would and read its JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args: str, cwd: Path = REPO, input: bytes | None = None, env: dict | None = None):
    import os

    environment = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "orderlint", *args], cwd=cwd, input=input,
                          capture_output=True, env=environment, timeout=300)


@lru_cache(maxsize=None)
def json_report(target: str, cwd: str = str(REPO)) -> dict:
    proc = run_cli(target, "--format", "json", cwd=Path(cwd))
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return json.loads(proc.stdout)


def project_tree(tmp_path: Path, files: dict[str, bytes]) -> Path:
    """A project root (a `.git` folder) under tmp_path holding the given files."""
    root = tmp_path / "app"
    (root / ".git").mkdir(parents=True)
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root
