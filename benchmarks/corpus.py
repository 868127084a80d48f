"""The machine's own shell scripts: a corpus for the sweep and the benchmark.

Every `*.sh` / `*.bash` file and every file whose first line is a bash/sh shebang (whatever its
name: dpkg maintainer scripts, pyenv shims, git hooks…) under the usual system folders, never
inside virtual file systems (/proc, /sys, /dev, /run), deduplicated by content and sorted.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import sys
from pathlib import Path

ROOTS = ("/usr", "/etc", "/opt", "/root", "/home", "/srv", "/var/lib", "/usr/local")
VIRTUAL = ("/proc", "/sys", "/dev", "/run")
SHEBANG = re.compile(rb"^(?:\xef\xbb\xbf)?#!\s*(?:/\S*/)?(?:env\s+(?:-\S+\s+)*)?(bash|sh|dash|ksh)\b")
SUFFIXES = (".sh", ".bash")
# Names that are never shell but are many: skip them without opening.
NOT_SHELL = frozenset({".py", ".pyc", ".so", ".h", ".c", ".gz", ".png", ".svg", ".html", ".js", ".json", ".mo",
                       ".txt", ".md", ".rst", ".pm", ".pl", ".rb", ".xml", ".ko", ".a", ".o", ".jar",
                       ".zst", ".xz", ".ttf", ".pyi", ".css", ".ts", ".map", ".yaml", ".yml", ".toml"})
MAX_BYTES = 4 * 1024 * 1024


def _is_candidate(path: str, name: str) -> bool:
    if name.endswith(SUFFIXES):
        return True
    dot = name.rfind(".")
    if dot > 0 and name[dot:] in NOT_SHELL:
        return False
    try:
        with open(path, "rb") as handle:
            return bool(SHEBANG.match(handle.read(128)))
    except OSError:
        return False


def machine_scripts(roots: tuple[str, ...] = ROOTS, exclude: tuple[str, ...] = (), dedupe: bool = True) -> list[Path]:
    """Shell scripts of this machine, one per distinct content, in path order."""
    skip = tuple(os.path.abspath(e) for e in (*VIRTUAL, *exclude))
    seen_inodes: set[tuple[int, int]] = set()
    seen_content: set[bytes] = set()
    found: list[Path] = []
    for root in roots:
        if not os.path.isdir(root) or root.startswith(skip):
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not os.path.join(folder, d).startswith(skip))
            for name in sorted(files):
                path = os.path.join(folder, name)
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
                    continue
                key = (st.st_dev, st.st_ino)
                if key in seen_inodes or not _is_candidate(path, name):
                    continue
                seen_inodes.add(key)
                if dedupe:
                    try:
                        digest = hashlib.blake2b(Path(path).read_bytes(), digest_size=16).digest()
                    except OSError:
                        continue
                    if digest in seen_content:
                        continue
                    seen_content.add(digest)
                found.append(Path(path))
    return sorted(found)


if __name__ == "__main__":
    scripts = machine_scripts(exclude=tuple(sys.argv[1:]))
    total = sum(p.stat().st_size for p in scripts)
    print(f"{len(scripts)} scripts, {total / 1e6:.1f} MB", file=sys.stderr)
    print("\n".join(map(str, scripts)))
