"""`--jobs N`: the flow of the entry scripts, in N processes (the progress bar is `orderlint.cli.progress`).

The parent discovers, reads and parses every file once, then forks N workers that inherit
all of it (nothing is pickled on the way in; tree-sitter trees do not pickle anyway). Each
worker extracts and runs the flow of a share of the entry scripts and sends back plain data:
the executions, the flow notes, the libraries each script sourced, and the files it read or
looked for that the parent had not (for the result cache and OL001). The parent merges them in
entry order, so the results are those of a one-process run, byte for byte, and does
everything after the flow (models, rules, outputs) itself.

Forking needs a platform with `fork` (Linux, the BSDs); elsewhere the run stays in one
process. Small runs stay in one process too: starting workers costs more than it saves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

PARALLEL_MIN_ENTRIES = 16  # fewer entry scripts than this: one process

_JOB: tuple | None = None  # (analyzer, entries, root), inherited by the forked workers


@dataclass
class EntryRun:
    """What the rest of the analysis reads from an entry script's interpreter."""

    by_id: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)
    files_read: set = field(default_factory=set)

    @classmethod
    def of(cls, interp) -> "EntryRun":
        return cls(interp.by_id, interp.notes, interp.files_read)


def workers(jobs: int) -> int:
    if jobs <= 0:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return jobs


def _work(indices: list[int]) -> tuple:
    """Run a chunk of entry scripts; what it found, and what it read that the parent had not."""
    from orderlint.shell.resolve import MISSING

    analyzer, entries, root, known, known_missing = _JOB  # type: ignore[misc]
    out = []
    for i in indices:
        path, ls = entries[i]
        used_by: dict[str, list[str]] = {}
        interp = analyzer.run_entry(path, ls, root, used_by)
        analyzer.loader.trim()
        out.append((i, EntryRun.of(interp), list(used_by)))
    new_paths = [str(p) for p in analyzer.loader.paths() if p not in known]
    new_missing = [str(p) for p in MISSING - known_missing]
    _pickle_compiled_frozen()
    return out, new_paths, new_missing, analyzer.loader.truncated()


_REGISTERED: set[str] = set()


def _pickle_compiled_frozen() -> None:
    """Frozen dataclasses of the compiled build (setup.py) unpickle through setattr, which their
    frozenness refuses: pickle them as their class and fields, set back one by one."""
    import copyreg
    import dataclasses
    import sys

    for name, module in list(sys.modules.items()):
        if not name.startswith("orderlint.") or name in _REGISTERED or str(getattr(module, "__file__", "")).endswith(".py"):
            continue
        _REGISTERED.add(name)
        for cls in list(vars(module).values()):
            if isinstance(cls, type) and cls.__module__ == name and dataclasses.is_dataclass(cls) \
                    and cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
                copyreg.pickle(cls, _reduce_frozen)


def _reduce_frozen(obj) -> tuple:
    import dataclasses

    return _rebuild_frozen, (type(obj), tuple((f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj)))


def _rebuild_frozen(cls: type, items: tuple) -> object:
    obj = cls.__new__(cls)
    for name, value in items:
        object.__setattr__(obj, name, value)
    return obj


def run_entries(analyzer, entries: list, root, used_by: dict[str, list[str]],
                progress: Callable[[int, int], None]) -> list[tuple] | None:
    """[(path, loaded, EntryRun)] in entry order, computed by worker processes; None: run them here."""
    global _JOB
    import multiprocessing

    n = min(workers(analyzer.jobs), len(entries))
    if n < 2 or len(entries) < PARALLEL_MIN_ENTRIES or "fork" not in multiprocessing.get_all_start_methods():
        return None
    from orderlint.shell.resolve import MISSING

    size = max(1, min(32, len(entries) // (n * 8)))
    chunks = [list(range(i, min(i + size, len(entries)))) for i in range(0, len(entries), size)]
    _JOB = (analyzer, entries, root, set(analyzer.loader.paths()), set(MISSING))
    results: dict[int, tuple] = {}
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            for chunk, paths, missing, truncated in pool.imap_unordered(_work, chunks):
                for i, run, libs in chunk:
                    results[i] = (run, libs)
                analyzer.extra_paths.update(paths)
                MISSING.update(Path(p) for p in missing)
                analyzer.loader.set_truncated(truncated)  # for OL001, as a one-process run knows them
                progress(len(results), len(entries))
    finally:
        _JOB = None
    out = []
    for i, (path, ls) in enumerate(entries):
        run, libs = results[i]
        for lib in libs:
            users = used_by.setdefault(lib, [])
            if ls.parsed.path not in users:
                users.append(ls.parsed.path)
        out.append((path, ls, run))
    return out
