"""Lay the corpus copies out again from SOURCES.md (the copies are not committed).

For each row of tests/corpus/SOURCES.md, `git show COMMIT:PATH` from a local git snapshot of the
repository (`--mirrors DIR`, one `DIR/<owner>+<repo>/repo` git directory each), written byte for
byte to `tests/corpus/<owner>__<repo>/<path>`; a `Gemfile.lock` is cut to its `rails (x.y.z)`
line. Rows whose repository or commit is not there are listed, to be copied by other means.
Labels are not applied here: see LABELS.md.

    python benchmarks/corpus_layout.py --mirrors /path/to/mirrors [--force]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "corpus"
ROW = re.compile(r"^\|\s*([A-Za-z0-9][\w.-]*)/([\w.-]+)\s*\|\s*`([^`]+)`\s*\|\s*`([0-9a-f]{40})`\s*\|")


def rows(sources: Path):
    for line in sources.read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m:
            yield m.groups()


def rails_line(lock: bytes) -> bytes:
    for line in lock.splitlines(keepends=True):
        if re.match(rb"^    rails \(", line):
            return line
    raise ValueError("no rails line")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirrors", type=Path, required=True)
    ap.add_argument("--force", action="store_true", help="overwrite copies already present")
    args = ap.parse_args(argv)
    missing = []
    for owner, name, path, commit in rows(CORPUS / "SOURCES.md"):
        target = CORPUS / f"{owner}__{name}" / path
        if target.exists() and not args.force:
            continue
        gitdir = args.mirrors / f"{owner}+{name}" / "repo"
        if (gitdir / ".git").is_dir():
            gitdir = gitdir / ".git"
        proc = subprocess.run(["git", "--git-dir", str(gitdir), "show", f"{commit}:{path}"], capture_output=True)
        if proc.returncode:
            missing.append(f"{owner}/{name} {path} {commit}: {proc.stderr.decode().strip()[:120]}")
            continue
        data = proc.stdout
        if Path(path).name == "Gemfile.lock":
            data = rails_line(data)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for m in missing:
        print("not copied:", m, file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
