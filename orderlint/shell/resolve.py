"""resolve: the project root, and the files that `source` / `.` bring in.

A sourced path is followed only when it is literal once `$(dirname "$0")`,
`${BASH_SOURCE[0]}` and literal variables are replaced, and only inside the project root,
after resolving `..` and symlinks. Everything else is an OL002 reason, never a read.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from orderlint.messages import Message
from orderlint.model import OrderlintError
from orderlint.shell.parse import ParsedFile, parse_file, parse_tree

if TYPE_CHECKING:  # extraction is imported when a file is first read (not for find_project_root alone)
    from orderlint.shell.syntax import Script

MAX_SCRIPT_BYTES = 64 * 1024 * 1024
# Extracted files kept between entry scripts (libraries sourced again and again), with their
# trees (their inert statements are built from them on demand).
KEEP_BUILT = 32
# Sourced paths looked for and not found, for the run cache (a file created there later
# changes the results).
MISSING: set[Path] = set()


@lru_cache(maxsize=1024)
def real_path(path: Path) -> Path:
    """Path.resolve, once per path in a process: thousands of scripts name the same few files."""
    return path.resolve()


def find_project_root(start: Path) -> Path:
    """The git work tree holding `start`, else the folder of the nearest config, else the cwd."""
    start = Path(os.path.realpath(start))  # not Path.resolve: a symbolic link loop must not raise
    here = start if start.is_dir() else start.parent
    config_dir = None
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
        if config_dir is None and ((folder / ".orderlint.toml").is_file() or (folder / "pyproject.toml").is_file()):
            config_dir = folder
    return config_dir or Path.cwd().resolve()


def display_path(path: Path) -> str:
    """Paths are shown relative to the current directory when they are below it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


class LoadedScript:
    """A file read and parsed; its syntax is extracted when the flow stage first asks for it
    (most shell scripts on a machine can never run a Rails task and are never extracted)."""

    __slots__ = ("parsed", "absolute", "library", "_script", "truncated_rows", "on_build", "tree")

    def __init__(self, parsed: ParsedFile, absolute: Path, library: bool, script: Script | None = None,
                 on_build=None, tree=None) -> None:
        self.parsed = parsed
        self.absolute = absolute
        self.library = library
        self._script = script
        self.truncated_rows: tuple[int, ...] | None = script.truncated_rows if script is not None else None
        self.on_build = on_build
        self.tree = tree  # the tree read parsed, kept when the file is extracted next (no second parse)

    @property
    def built(self) -> bool:
        return self.truncated_rows is not None  # extracted at least once (the syntax may be released since)

    @property
    def released(self) -> bool:
        """Not extracted, or its syntax released: the analysis holds nothing of it but its text."""
        return self._script is None

    @property
    def script(self) -> Script:
        if self._script is None:
            tree, self.tree = self.tree, None
            from orderlint.shell.extract import build_script

            self._script = build_script(self.parsed.path, self.parsed.data, tree or parse_tree(self.parsed.data))
            self.truncated_rows = self._script.truncated_rows
            if self.on_build is not None:
                self.on_build(self)
        return self._script

    def release(self) -> None:
        """Drop the extracted syntax (tens of times the file's size); built again if asked for."""
        self._script = None
        self.parsed.pack()


class ScriptLoader:
    """Reads, parses and extracts each file once, whoever asks for it."""

    def __init__(self) -> None:
        self._cache: dict[Path, LoadedScript | str] = {}
        self._built: dict[Path, LoadedScript] = {}  # extracted files, oldest first
        self.overlay: dict[Path, bytes] = {}  # real path -> text read instead of the file (fixes not yet written)

    def paths(self) -> list[Path]:
        """Every file this loader was asked for, read or not: what a cached run depends on."""
        return list(self._cache)

    def load(self, path: Path, data: bytes | None = None, display: str | None = None,
             keep_tree: bool = False) -> LoadedScript:
        """`keep_tree`: the caller extracts the file right away (else trees of a whole run would
        pile up; the file is parsed again when extracted)."""
        key = real_path(path) if data is None else path
        cached = self._cache.get(key)
        if isinstance(cached, LoadedScript):
            return cached
        if isinstance(cached, str):
            raise OrderlintError(cached)
        if data is None and key in self.overlay:
            data = self.overlay[key]
        try:
            if data is None:
                if path.stat().st_size > MAX_SCRIPT_BYTES:
                    raise OrderlintError(f"{display_path(path)}: larger than {MAX_SCRIPT_BYTES >> 20} MB, skipped")
                data = path.read_bytes()
        except OSError as exc:
            message = f"{display_path(path)}: cannot read ({exc.strerror or exc})"
            self._cache[key] = message
            raise OrderlintError(message) from None
        shown = display or display_path(path)
        parsed = parse_file(shown, data)
        from orderlint.shell.extract import library_shape

        library = library_shape(parsed.tree, parsed.data)
        # Extracted when the flow first asks (trees are big: parsed again then); see `trim`.
        tree = parsed.drop_tree()
        loaded = LoadedScript(parsed, key, library, on_build=self._built_now, tree=tree if keep_tree else None)
        self._cache[key] = loaded
        return loaded

    def truncated(self) -> dict[str, tuple[int, ...]]:
        """Rows too deeply nested to follow, of every file extracted here (from a worker process)."""
        return {str(k): v.truncated_rows for k, v in self._cache.items()
                if isinstance(v, LoadedScript) and v.truncated_rows}

    def set_truncated(self, rows: dict[str, tuple[int, ...]]) -> None:
        for key, value in rows.items():
            loaded = self._cache.get(Path(key))
            if isinstance(loaded, LoadedScript) and loaded.truncated_rows is None:
                loaded.truncated_rows = value

    def _built_now(self, loaded: LoadedScript) -> None:
        self._built[loaded.absolute] = loaded

    def trim(self, keep: int = KEEP_BUILT) -> None:
        """Release the syntax of all but the `keep` most recently extracted files, so that memory
        stays flat however large the tree. Call it between two entry scripts, never during a flow
        run (the flow keys some caches by object identity)."""
        while len(self._built) > keep:
            oldest = next(iter(self._built))
            self._built.pop(oldest).release()


REACHES_OTHER_CODE = re.compile(rb"rails|rake|\.sh\b|\.bash\b|\./|(?:^|[\s;&|({])(?:source|\.)\s+\S")


def can_reach_rails(data: bytes) -> bool:
    """Whether running the script could run a Rails task at all: it names rails or rake, or it
    sources a file or runs another script. A script that does none of these (most shell scripts
    on a machine) needs no flow analysis: it has no task and nothing to report but parse errors."""
    return REACHES_OTHER_CODE.search(data) is not None


def resolve_source(text: str | None, current_dir: Path, root: Path) -> tuple[Path | None, Message | None]:
    """(file, None) when `source TEXT` is followed, else (None, why not)."""
    if text is None or not text.strip():
        return None, Message("OL002.dynamic")
    candidate = Path(text)
    if not candidate.is_absolute():
        candidate = current_dir / candidate
    try:
        real = real_path(candidate)
    except (OSError, RuntimeError, ValueError):
        return None, Message("OL002.unresolvable", path=text)
    try:
        real.relative_to(root)
    except ValueError:
        return None, Message("OL002.outside-root", path=text, root=display_path(root) or ".")
    if not _is_file(real):
        MISSING.add(real)
        # bash reads a relative path (`source ops/lib/x.sh`) from the current directory, and
        # also looks there for a bare name: the project root here, where ops scripts are run.
        if not text.startswith("/"):
            try:
                alt = real_path(root / text)
                alt.relative_to(root)
            except (OSError, RuntimeError, ValueError):
                alt = None
            if alt is not None and _is_file(alt):
                return alt, None
            if alt is not None:
                MISSING.add(alt)
        return None, Message("OL002.missing", path=text)
    return real, None


def _is_file(path: Path) -> bool:
    """Path.is_file, also False for names the system refuses (too long, NUL bytes)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False
