"""Is a round of fixes good? Compare the findings before and after it, and parse what changed.

Findings are matched across the edits by rule and place: a place outside every edit is mapped
through them, a place inside the text an edit wrote is that edit (a rule that reports once a
script, OL301, by rule and file). A round is good when each
fixed finding is gone from its place, no place holds more findings of a rule than before, and
every changed file still parses: tree-sitter finds no new error, and no body of `{ }`, `do`,
`then` or `else` is left without a command (bash refuses those, tree-sitter does not). orderlint
runs no command: the tests check every fix of the fixtures and of generated scripts with
`bash -n` as well.
"""

from __future__ import annotations

from collections import Counter

from orderlint.fix.edits import Shift
from orderlint.messages import Message
from orderlint.shell.parse import parse_tree
from orderlint.shell.source import Source, empty_bodies


def raw_offset(d, data: bytes | None, cache: dict | None = None) -> int:
    """The byte of the file on disk where a finding starts (0 when the file is unknown)."""
    if data is None:
        return 0
    cache = {} if cache is None else cache
    src = cache.get(d.path)
    if src is None or src.raw is not data:
        src = cache[d.path] = Source(d.path, data)
    at = src.offset(d.line - 1, d.column - 1)
    return src.to_raw(at) if at is not None else 0


def _keys(diagnostics, texts: dict[str, bytes], shifts: dict[str, Shift], after: bool) -> list[tuple]:
    from orderlint.rules import RULES

    keys = []
    cache: dict = {}
    for d in diagnostics:
        if d.code in RULES and RULES[d.code].once_per_script:  # the same finding, wherever its first task is
            keys.append((d.path, d.code, ("script",)))
            continue
        at = raw_offset(d, texts.get(d.path), cache)
        shift = shifts.get(d.path)
        place: tuple = ("at", at)
        if shift is not None:
            mapped, edit = shift.back(at) if after else shift.forward(at)
            place = ("edit", edit) if edit is not None else ("at", mapped if after else at)
        keys.append((d.path, d.code, place))
    return keys


def parses(before: bytes, after: bytes) -> Message | None:
    """Why the fixed text no longer parses, or None."""
    from orderlint.shell.parse import normalize, split_binary

    def text(data: bytes) -> bytes:
        return split_binary(normalize(data))[0]

    if parse_tree(text(after)).root_node.has_error and not parse_tree(text(before)).root_node.has_error:
        return Message("autofix.rejected-parse")
    if empty_bodies(text(after)) > empty_bodies(text(before)):
        return Message("autofix.rejected-empty-body")
    return None


def verify(fixed, before, after, old: dict[str, bytes], new: dict[str, bytes], edits) -> Message | None:
    """Why a round is not good (None: good). `fixed`: the findings whose fixes it applied;
    `before`/`after`: every finding; `old`/`new`: file bytes; `edits`: the round's edits."""
    by_path: dict[str, list] = {}
    for e in edits:
        by_path.setdefault(e.path, []).append(e)
    shifts = {path: Shift(es) for path, es in by_path.items()}
    for path in by_path:
        if old.get(path) is not None and new.get(path) is not None:
            why = parses(old[path], new[path])
            if why is not None:
                return Message("autofix.rejected-in", path=path, why=why)
    count_before = Counter(_keys(before, old, shifts, after=False))
    count_after = Counter(_keys(after, new, shifts, after=True))
    removed = Counter(_keys(fixed, old, shifts, after=False))
    for key, n in removed.items():
        if count_after[key] > max(0, count_before[key] - n):
            return Message("autofix.rejected-kept", code=key[1])
    for key, n in count_after.items():
        if n > count_before[key]:
            found = next(d for d in after if (d.path, d.code) == key[:2])
            return Message("autofix.rejected-new", code=found.code, path=found.path, line=found.line)
    return None
