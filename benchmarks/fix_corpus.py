#!/usr/bin/env python3
"""`--fix --unsafe-fixes` over the local corpus of real ops scripts (tests/corpus/<owner>__<repo>/),
each repository in a copy: findings before and after, fixes set aside, files changed, changed
files that `bash -n` accepted before and refuses after, and whether a second pass changes anything.

    python benchmarks/fix_corpus.py [CORPUS]
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def orderlint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "orderlint", *args, "--no-cache"], cwd=cwd, capture_output=True)


def findings(cwd: Path) -> int:
    proc = orderlint(".", "--format", "json", cwd=cwd)
    try:
        return len(json.loads(proc.stdout)["diagnostics"])
    except (ValueError, KeyError):
        return 0


def bash_accepts(path: Path) -> bool:
    return subprocess.run(["bash", "-n", str(path)], capture_output=True).returncode == 0


def main() -> int:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "corpus"
    repos = sorted(p for p in corpus.glob("*__*") if p.is_dir())
    if not repos:
        print(f"no repository under {corpus} (the corpus is local: see tests/corpus/README.md)")
        return 1
    before = after = changed = broken = second = set_aside = 0
    with tempfile.TemporaryDirectory() as tmp:
        for repo in repos:
            work = Path(tmp) / repo.name
            shutil.copytree(repo, work)
            (work / ".git").mkdir(exist_ok=True)
            before += findings(work)
            proc = orderlint(".", "--fix", "--unsafe-fixes", cwd=work)
            set_aside += proc.stderr.decode().count("not applied")
            after += findings(work)
            for path in repo.rglob("*"):
                fixed = work / path.relative_to(repo)
                if path.is_file() and fixed.is_file() and path.read_bytes() != fixed.read_bytes():
                    changed += 1
                    broken += bash_accepts(path) and not bash_accepts(fixed)
            second += bool(orderlint(".", "--diff", "--unsafe-fixes", cwd=work).stdout)
    print(f"{len(repos)} repositories: {before} findings before, {after} after; {changed} files changed, "
          f"{broken} of them refused by `bash -n` after the fix; {set_aside} fixes set aside; "
          f"{second} repositories that a second pass would change")
    return 0 if broken == second == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
