"""discover: the shell scripts under the given paths, in a deterministic order."""

from __future__ import annotations

import errno
import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

SHELL_SUFFIXES = (".sh", ".bash")
SHEBANG = re.compile(rb"^#!\s*(?:/\S*/)?(?:env\s+(?:-\S+\s+)*)?(bash|sh|dash|ksh)\b")
SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", "vendor", "tmp", "log"})


@dataclass(frozen=True, slots=True)
class Discovered:
    files: tuple[Path, ...]
    problems: tuple[str, ...] = field(default=())  # unreadable folders, loops, missing paths


def has_shell_shebang(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(128)
    except OSError:
        return False
    return bool(SHEBANG.match(head.lstrip(b"\xef\xbb\xbf")))


def is_script(path: Path) -> bool:
    if path.suffix in SHELL_SUFFIXES:
        return True
    return path.suffix == "" and has_shell_shebang(path)


def _excluded(path: Path, excludes: tuple[str, ...]) -> bool:
    text = path.as_posix()
    return any(fnmatch.fnmatch(text, pat) or fnmatch.fnmatch(path.name, pat) or
               fnmatch.fnmatch(text, f"*/{pat}") or fnmatch.fnmatch(text, f"{pat}/*") or
               fnmatch.fnmatch(text, f"*/{pat}/*") for pat in excludes)


def _loops(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def discover(paths: list[Path], excludes: tuple[str, ...] = ()) -> Discovered:
    found: dict[Path, None] = {}
    problems: list[str] = []
    for given in paths:
        if not given.exists() and not given.is_symlink():
            problems.append(f"{given}: no such file or directory")
            continue
        if given.is_file():
            found.setdefault(given, None)  # named explicitly: taken whatever its name
            continue
        if given.is_symlink() and not given.exists():
            problems.append(f"{given}: {'symbolic link loop' if _loops(given) else 'broken symbolic link'}")
            continue
        seen_dirs: set[tuple[int, int]] = set()

        def onerror(err: OSError) -> None:
            problems.append(f"{err.filename}: cannot read directory ({err.strerror})")

        for folder, dirs, files in os.walk(given, onerror=onerror, followlinks=True):
            try:
                st = os.stat(folder)
            except OSError as exc:
                problems.append(f"{folder}: {exc.strerror}")
                dirs[:] = []
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                problems.append(f"{folder}: symbolic link loop, not followed")
                dirs[:] = []
                continue
            seen_dirs.add(key)
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not _excluded(Path(folder, d), excludes))
            for name in sorted(files):
                path = Path(folder, name)
                if _excluded(path, excludes):
                    continue
                try:
                    if not path.is_file():
                        if path.is_symlink() and not path.exists():
                            continue
                        continue
                except OSError:
                    continue
                if is_script(path):
                    found.setdefault(path, None)
    return Discovered(tuple(found), tuple(problems))
