"""The result cache: a second run on an unchanged tree replays the first one's outputs.

A run is keyed by what decides its outputs before any script is read: orderlint's version and
the fingerprint of its own code, the resolved settings, the command-line options, the output
format, colour and report date, the current directory, the project root and the list of
scripts discovery finds. Under that key the cache keeps the outputs (stdout, every output
file, the error messages, the exit code) and a manifest of what the run read: the content hash
of every script, sourced file, `database.yml` and `Gemfile.lock`, every path looked for and not
found (`config/database.yml` above each script, missing `source` targets), and the listing
signature (mtime) of every folder those live in, so that a file created next to them
invalidates the entry too. A hit needs every one of them unchanged. `--no-cache` bypasses it;
a cache that cannot be read or written is ignored.

The cache lives in `$ORDERLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/orderlint`, else
`~/.cache/orderlint`; it keeps the most recent MAX_ENTRIES runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path

from orderlint import __version__

FORMAT = 1
MAX_ENTRIES = 64
_HASH = hashlib.blake2b


def cache_dir() -> Path:
    explicit = os.environ.get("ORDERLINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "orderlint"


def _code_fingerprint() -> str:
    """Size and mtime of orderlint's own modules: an edited checkout never replays old results."""
    package = Path(__file__).resolve().parent.parent
    h = _HASH(digest_size=16)
    for path in sorted(package.rglob("*.py")):
        try:
            st = path.stat()
        except OSError:
            continue
        h.update(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()


def file_digest(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return _HASH(handle.read(), digest_size=20).hexdigest()
    except OSError:
        return None


def _dir_signature(path: Path) -> str | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return f"dir:{st.st_mtime_ns}"


def _value(obj) -> object:
    """A stable, JSON-able picture of settings and options (dataclasses, enums, paths, sets)."""
    if hasattr(obj, "__dataclass_fields__"):
        return {f.name: _value(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, dict):
        return {str(k): _value(v) for k, v in sorted(obj.items(), key=lambda kv: str(kv[0]))}
    if isinstance(obj, (list, tuple)):
        return [_value(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted(str(_value(v)) for v in obj)
    if isinstance(obj, (str, int, float, bool)) or obj is None:
        return obj
    return repr(obj)


@dataclass
class Emitted:
    """What a run printed and wrote, replayed as is on a hit."""

    stdout: str = ""
    stderr: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    code: int = 0


class RunCache:
    def __init__(self, key: str, root: Path, discovered: list[Path]) -> None:
        self.key = key
        self.root = root
        self.discovered = discovered
        self.path = cache_dir() / "runs" / f"{key}.json"

    @classmethod
    def open(cls, options, settings, paths: list[Path], fmt: str, color: bool, date: str) -> "RunCache | None":
        try:
            from orderlint.shell.discover import discover
            from orderlint.shell.resolve import find_project_root

            root = find_project_root(paths[0] if paths else Path.cwd())
            found = discover(paths, settings.exclude)
            material = {
                "format": FORMAT, "version": __version__, "code": _code_fingerprint(), "python": sys.version,
                "cwd": os.getcwd(), "root": str(root),
                "options": _value(options), "settings": _value(settings), "fmt": fmt, "color": color, "date": date,
                "discovered": [str(p) for p in found.files], "problems": list(found.problems),
                "warnings": list(getattr(found, "warnings", ())),
                "baseline": file_digest(options.baseline) if options.baseline is not None else None,
            }
            key = _HASH(json.dumps(material, sort_keys=True).encode(), digest_size=20).hexdigest()
            return cls(key, root, list(found.files))
        except Exception:  # noqa: BLE001 - the cache must never stop a run
            return None

    # -- reading -----------------------------------------------------------------------------
    def lookup(self) -> Emitted | None:
        try:
            entry = json.loads(self.path.read_text(encoding="utf-8"))
            for name, expected in entry["manifest"].items():
                if expected is None:
                    current = None if not os.path.lexists(name) else "present"
                elif expected.startswith("dir:"):
                    current = _dir_signature(Path(name))
                else:
                    current = file_digest(Path(name))
                if current != expected:
                    return None
            out = entry["emitted"]
            os.utime(self.path)  # recently used: kept by the pruning
            return Emitted(out["stdout"], list(out["stderr"]), dict(out["files"]), int(out["code"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    # -- writing -----------------------------------------------------------------------------
    def manifest(self, analyzer, results) -> dict[str, str | None]:
        from orderlint.rails.databases import find_database_yml, role_inputs
        from orderlint.shell.resolve import MISSING

        files: set[Path] = set(p.resolve() for p in self.discovered)
        files.update(Path(p) for p in analyzer.loader.paths())
        files.update(Path(p) for p in getattr(analyzer, "extra_paths", ()))
        for script in results.scripts:
            files.update(Path(s) for s in script.sources)
        missing: set[Path] = set(MISSING) | set(getattr(analyzer, "missing", ()))
        for yml in analyzer.models:
            yml = Path(yml).resolve()
            files.add(yml)
            files.add(yml.parent.parent / "Gemfile.lock")
            for path in role_inputs(yml.parent.parent):  # what the databases' roles are read from
                (files if path.is_file() else missing).add(path)
        from orderlint.deploy.services import READ as COMPOSE_INPUTS

        for path in COMPOSE_INPUTS:  # compose files (and their env files) that gave a service's environment
            (files if path.is_file() else missing).add(path)
        folders: set[Path] = set()
        for script in self.discovered:
            here = script.resolve().parent
            found = find_database_yml(here, self.root)
            while True:  # every config/database.yml looked for on the way up
                candidate = here / "config" / "database.yml"
                if found is not None and candidate == found:
                    break
                missing.add(candidate)
                if here == self.root or here.parent == here:
                    break
                try:
                    here.relative_to(self.root)
                except ValueError:
                    break
                here = here.parent
        manifest: dict[str, str | None] = {}
        for path in sorted(files):
            digest = file_digest(path)
            manifest[str(path)] = digest
            folders.add(path.parent)
        for path in sorted(missing):
            if str(path) in manifest:
                continue
            manifest[str(path)] = None if not os.path.lexists(path) else file_digest(path)
            existing = path.parent
            while not existing.exists() and existing.parent != existing:
                existing = existing.parent
            folders.add(existing)
        for folder in sorted(folders):
            manifest[str(folder)] = _dir_signature(folder)
        return manifest

    def store(self, analyzer, results, emitted: Emitted) -> None:
        try:
            entry = {"manifest": self.manifest(analyzer, results),
                     "emitted": {"stdout": emitted.stdout, "stderr": emitted.stderr, "files": emitted.files,
                                 "code": emitted.code}}
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(entry, handle)
            os.replace(tmp, self.path)
            _prune(self.path.parent)
        except Exception:  # noqa: BLE001 - the cache must never stop a run
            return


def _prune(folder: Path) -> None:
    try:
        entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
    except OSError:
        return
    for old in entries[:-MAX_ENTRIES]:
        try:
            old.unlink()
        except OSError:
            pass
