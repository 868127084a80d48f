"""rules stage: run every selected rule over every script; filter, dedupe and sort the findings."""

from __future__ import annotations

import fnmatch

from orderlint.results import Results
from orderlint.messages import Context, render
from orderlint.model import Diagnostic, Severity
from orderlint.rules import RULES
from orderlint.settings import Settings


def _longest(code: str, prefixes: tuple[str, ...]) -> int | None:
    lengths = [0 if p == "ALL" else len(p) for p in prefixes if p == "ALL" or code.startswith(p)]
    return max(lengths) if lengths else None


def code_selected(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    """ruff-style prefixes (`OL2` is OL201–OL203); the more specific of select and ignore wins."""
    chosen = _longest(code, select) if select else 0
    if chosen is None:
        return False
    dropped = _longest(code, ignore)
    return dropped is None or chosen > dropped


def run_rules(results: Results, settings: Settings, read=None) -> list[Diagnostic]:
    """`read(path)`: the bytes of a file fixes are computed on (default: the file on disk)."""
    from orderlint.rules._fix import Sources, read_disk

    found: list[Diagnostic] = list(results.diagnostics)
    texts = Sources(getattr(results, "parsed", {}), read or read_disk)
    own: dict[tuple, Severity] = {}  # places where a script's own analysis reports a rule
    callers: set[int] = set()  # findings in a file other than the entry script that reached them
    for script in results.scripts:
        script.texts = texts
        for rule in RULES.values():
            for f in rule.check(script):
                d = Diagnostic(f.path, f.line, f.column, f.end_line, f.end_column, rule.code, rule.name,
                               f.severity if f.severity is not None else rule.severity, f.message,
                               f.related, f.fix)
                if f.path == script.path:
                    place = (d.path, d.line, d.column, d.code)
                    own[place] = max(own.get(place, d.severity), d.severity)
                else:
                    callers.add(len(found))
                found.append(d)
    # A script that is an entry of its own and also run by another (a deploy file's step, a
    # parent script) is told in its own words: what a caller adds to the same finding at the
    # same place is how it runs the script, not another problem. A caller's finding stays when
    # the script's own analysis has none there, or a milder one.
    found = [d for n, d in enumerate(found)
             if n not in callers or own.get((d.path, d.line, d.column, d.code), -1) < d.severity]
    out: dict[tuple, Diagnostic] = {}
    for d in found:
        if not code_selected(d.code, settings.select, settings.ignore):
            continue
        if any(fnmatch.fnmatch(d.path, glob) or fnmatch.fnmatch(d.path, f"*/{glob}")
               for glob, codes in settings.per_file_ignores.items()
               for c in codes if d.code.startswith(c)):
            continue
        if d.code in settings.severity:
            d = Diagnostic(d.path, d.line, d.column, d.end_line, d.end_column, d.code, d.name,
                           settings.severity[d.code], d.text, d.related, d.fix)
        # One finding seen from two entry scripts differs only in how its places are named
        # (`line 11` in the library itself, `lib.sh:11` from its caller): one finding, kept in
        # the words of its own file.
        here = render(d.text, "en", Context(here=d.path))
        key = (d.path, d.line, d.column, d.code, here)
        kept = out.get(key)
        if kept is None or (kept.message != here and d.message == here):
            out[key] = d
    return sorted(out.values(), key=lambda d: d.sort_key)


def exit_code(diagnostics: list[Diagnostic], fail_level: Severity) -> int:
    return 1 if any(d.severity >= fail_level for d in diagnostics) else 0
