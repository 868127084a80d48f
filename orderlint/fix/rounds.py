"""Rounds of fixes, as ruff applies them: the fixes that do not conflict are applied together,
the result is analysed again, and again, until no fix applies. A round is kept only when the
new analysis says it did what it meant (`verify`); when a round is not good its fixes are tried
one by one, and a fix that is not good alone is set aside and reported: a bug of its rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from orderlint.fix.edits import apply_edits, non_conflicting
from orderlint.fix.verify import verify
from orderlint.messages import Message
from orderlint.model import Diagnostic, Fix

MAX_ANALYSES = 60  # a run stops fixing after that many analyses of the fixed text


@dataclass
class Outcome:
    texts: dict[str, bytes]  # path -> fixed bytes, for each file a fix changed
    originals: dict[str, bytes]  # path -> the bytes read first
    fixed: list[Diagnostic] = field(default_factory=list)  # findings whose fix was applied
    rejected: list[tuple[Diagnostic, Message]] = field(default_factory=list)  # fixes set aside, and why
    results: object = None  # the analysis of the fixed text
    diagnostics: list[Diagnostic] = field(default_factory=list)  # its findings
    first: list[Diagnostic] = field(default_factory=list)  # the findings before any fix

    @property
    def changed(self) -> dict[str, bytes]:
        return {p: t for p, t in self.texts.items() if t != self.originals.get(p)}


def applicable(d: Diagnostic, unsafe: bool) -> bool:
    return d.fix is not None and (d.fix.safe or unsafe)


CONTEXT = 80  # bytes around an edit that tell one fix from the same fix elsewhere in the file


def _key(d: Diagnostic, current: Callable[[str], bytes | None]) -> tuple:
    """A fix by what it does and where, in words that survive the edits of later rounds."""
    if d.fix is None:
        return (d.path, d.code)
    around = []
    for e in d.fix.edits:
        data = current(e.path) or b""
        around.append((e.path, data[max(0, e.start_byte - CONTEXT):e.end_byte + CONTEXT], e.text))
    return (d.path, d.code, d.fix.message, tuple(around))


def fix_rounds(analyze: Callable, read: Callable[[str], bytes | None], unsafe: bool) -> Outcome:
    """`analyze(texts)` analyses with `texts` (path -> bytes) read instead of the files and
    returns (results, diagnostics); `read(path)` gives a file's bytes on disk."""
    outcome = Outcome({}, {})

    def current(path: str) -> bytes | None:
        if path not in outcome.texts:
            data = read(path)
            if data is None:
                return None
            outcome.texts[path] = outcome.originals[path] = data
        return outcome.texts[path]

    results, diagnostics = analyze({})
    outcome.first = diagnostics
    analyses = 1
    set_aside: set[tuple] = set()
    while analyses < MAX_ANALYSES:
        candidates = [d for d in diagnostics if applicable(d, unsafe) and _key(d, current) not in set_aside]
        chosen = non_conflicting([d.fix for d in candidates])
        if not chosen:
            break
        tries = [chosen] if len(chosen) > 1 else []
        tries += [[fix] for fix in chosen]
        for batch in tries:
            analyses += 1
            attempt = _attempt(batch, candidates, diagnostics, current, analyze, outcome.texts)
            if attempt is None:
                why = Message("autofix.rejected-unreadable")
                new = None
            else:
                why, new, texts, fixed = attempt
            if why is None:
                outcome.texts.update(texts)
                outcome.fixed.extend(fixed)
                results, diagnostics = new
                break
            if len(batch) == 1:
                for d in candidates:
                    if d.fix == batch[0]:
                        set_aside.add(_key(d, current))
                        outcome.rejected.append((d, why))
                        break
            if analyses >= MAX_ANALYSES:
                break
    outcome.results, outcome.diagnostics = results, diagnostics
    return outcome


def _attempt(batch: list[Fix], candidates, before, current, analyze, base: dict[str, bytes]):
    edits = [e for fix in batch for e in fix.edits]
    old: dict[str, bytes] = {}
    for e in edits:
        data = current(e.path)
        if data is None:
            return None
        old[e.path] = data
    new_texts = {}
    for path, data in old.items():
        try:
            new_texts[path] = apply_edits(data, [e for e in edits if e.path == path])
        except ValueError:
            return None
    fixed = [d for d in candidates if d.fix in batch]
    results, after = analyze({**base, **new_texts})
    everything_old = {d.path: current(d.path) for d in before if current(d.path) is not None}
    everything_new = {**everything_old, **{d.path: current(d.path) for d in after if current(d.path) is not None},
                      **new_texts}
    everything_old.update(old)
    why = verify(fixed, before, after, everything_old, everything_new, edits)
    return why, (results, after), new_texts, fixed
