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
    problems: tuple[str, ...] = field(default=())  # named paths that are missing, broken or loop: errors
    # Entries below a given folder that cannot be read or loop back: the walk goes on without them.
    warnings: tuple[str, ...] = field(default=())


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


def excluded(path: Path, excludes: tuple[str, ...]) -> bool:
    """Whether an `exclude` glob matches the path, its file name or one of its folders."""
    text = path.as_posix()
    if text.startswith("./"):
        text = text[2:]
    return any(fnmatch.fnmatch(text, pat) or fnmatch.fnmatch(path.name, pat) or
               fnmatch.fnmatch(text, f"*/{pat}") or fnmatch.fnmatch(text, f"{pat}/*") or
               fnmatch.fnmatch(text, f"*/{pat}/*") for pat in excludes)


_excluded = excluded  # the name the pipeline's first version used


def _loops(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _link_below(top: str, folder: str) -> str:
    """The first symbolic link on the way from `top` down to `folder` (the link that loops)."""
    parts = Path(os.path.relpath(folder, top)).parts
    here = top
    for part in parts:
        here = os.path.join(here, part)
        if os.path.islink(here):
            return here
    return folder


def discover(paths: list[Path], excludes: tuple[str, ...] = ()) -> Discovered:
    found: dict[Path, None] = {}
    problems: list[str] = []
    warnings: list[str] = []
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
        seen_dirs: dict[tuple[int, int], None] = {}
        walked: dict[str, tuple[int, int]] = {}  # each folder of the walk, by the path it was reached at

        def onerror(err: OSError) -> None:
            warnings.append(f"{err.filename}: cannot read directory ({err.strerror}), skipped")

        for folder, dirs, files in os.walk(given, onerror=onerror, followlinks=True):
            try:
                st = os.stat(folder)
            except OSError as exc:
                warnings.append(f"{folder}: {exc.strerror}, skipped")
                dirs[:] = []
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                # A link back to a folder it is in is a loop; a second link to a folder already
                # walked (`current -> releases/v2`) brings nothing new and is no problem.
                above = os.path.dirname(folder)
                while above in walked and walked[above] != key:
                    above = os.path.dirname(above)
                if above in walked:
                    warnings.append(f"{_link_below(above, folder)}: symbolic link loop, not followed")
                dirs[:] = []
                continue
            seen_dirs[key] = None
            walked[folder] = key
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not excluded(Path(folder, d), excludes))
            for name in sorted(files):
                path = Path(folder, name)
                if excluded(path, excludes):
                    continue
                try:
                    if not path.is_file():
                        if path.is_symlink() and _loops(path) and path.suffix in SHELL_SUFFIXES:
                            warnings.append(f"{path}: symbolic link loop, not followed")
                        continue  # a broken link, a socket, a fifo…
                except OSError:
                    continue
                if is_script(path):
                    if not os.access(path, os.R_OK):
                        warnings.append(f"{path}: cannot read (Permission denied), skipped")
                        continue
                    found.setdefault(path, None)
    return Discovered(tuple(found), tuple(problems), tuple(warnings))
