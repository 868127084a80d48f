"""resolve: the project root, and the files that `source` / `.` bring in.

A sourced path is followed only when it is literal once `$(dirname "$0")`,
`${BASH_SOURCE[0]}` and literal variables are replaced, and only inside the project root,
after resolving `..` and symlinks. Everything else is an OL002 reason, never a read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from orderlint.extract import build_script
from orderlint.model import OrderlintError
from orderlint.parse import ParsedFile, parse_file
from orderlint.syntax import Script

MAX_SCRIPT_BYTES = 64 * 1024 * 1024
# Sourced paths looked for and not found, for the run cache (a file created there later
# changes the results).
MISSING: set[Path] = set()


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


@dataclass(frozen=True, slots=True)
class LoadedScript:
    parsed: ParsedFile
    script: Script
    absolute: Path


class ScriptLoader:
    """Reads, parses and extracts each file once, whoever asks for it."""

    def __init__(self) -> None:
        self._cache: dict[Path, LoadedScript | str] = {}

    def paths(self) -> list[Path]:
        """Every file this loader was asked for, read or not: what a cached run depends on."""
        return list(self._cache)

    def load(self, path: Path, data: bytes | None = None, display: str | None = None) -> LoadedScript:
        key = path.resolve() if data is None else path
        cached = self._cache.get(key)
        if isinstance(cached, LoadedScript):
            return cached
        if isinstance(cached, str):
            raise OrderlintError(cached)
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
        script = build_script(shown, parsed.data, parsed.tree)
        loaded = LoadedScript(parsed.without_tree(), script, key)  # trees are big: parsed again when needed
        self._cache[key] = loaded
        return loaded


def resolve_source(text: str | None, current_dir: Path, root: Path) -> tuple[Path | None, str | None]:
    """(file, None) when `source TEXT` is followed, else (None, why not)."""
    if text is None or not text.strip():
        return None, "its path is not a literal"
    candidate = Path(text)
    if not candidate.is_absolute():
        candidate = current_dir / candidate
    try:
        real = candidate.resolve()
    except (OSError, RuntimeError):
        return None, f"`{text}` cannot be resolved (symlink loop?)"
    try:
        real.relative_to(root)
    except ValueError:
        return None, f"`{text}` is outside the project root ({display_path(root) or '.'})"
    if not real.is_file():
        MISSING.add(real)
        # Sourced by name, bash also looks in the current directory: the project root here.
        if "/" not in text:
            alt = (root / text).resolve()
            if alt.is_file():
                return alt, None
            MISSING.add(alt)
        return None, f"`{text}` does not exist"
    return real, None
