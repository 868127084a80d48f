"""Terminal output, as the linters people know print it: the findings first, ruff-style
(`path:line:col: CODE message`, then the source line with carets), then a summary that counts
what it says. The task listing (each script's tasks in execution order) is behind
`--show-tasks` / `orderlint tasks`; `--statistics` counts the findings of each rule instead.

Options come from `report.options`: `color`, `show_tasks`, `tasks_only`, `quiet`,
`statistics`, `errors` (how many inputs could not be checked: then no "All checks passed!").
Colours are rich styles rendered to ANSI codes (rich.style only: its console is not needed
to colour a few words, and costs tens of milliseconds to import).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from orderlint.model import Severity
from orderlint.report import Report

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
OUTCOME_STYLE = {"aborts": "green", "continues-with-warning": "yellow", "continues-silently": "red",
                 "unknown": "dim"}
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
EXCERPT = 160  # characters of a source line shown under a finding


def show(text: str) -> str:
    """Script text made inert: control characters visible (no line can start with `::`)."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def excerpt(text: str, column: int, span: int) -> tuple[str, int, int]:
    """A window of a long line around the finding, and the caret's new column and width."""
    if len(text) <= EXCERPT:
        return text, column, span
    start = max(0, column - 1 - EXCERPT // 3)
    window = text[start:start + EXCERPT]
    prefix = "…" if start else ""
    suffix = "…" if start + EXCERPT < len(text) else ""
    column = column - start + len(prefix)
    return prefix + window + suffix, column, max(1, min(span, EXCERPT - (column - 1)))


class Out:
    """Lines of text made of (text, style) pieces; styled with ANSI codes when `color`."""

    def __init__(self, color: bool) -> None:
        self.color = color
        self.parts: list[str] = []
        self._styles: dict = {}

    def __call__(self, *pieces) -> None:
        """One line; each piece is a string or a (string, style) pair."""
        for piece in pieces:
            text, style = (piece, None) if isinstance(piece, str) else piece
            self.parts.append(self._paint(text, style) if self.color and style and text else text)
        self.parts.append("\n")

    def _paint(self, text: str, style: str) -> str:
        rich_style = self._styles.get(style)
        if rich_style is None:
            from rich.style import Style

            rich_style = self._styles[style] = Style.parse(style)
        from rich.color import ColorSystem

        return rich_style.render(text, color_system=ColorSystem.STANDARD)

    def text(self) -> str:
        return "".join(self.parts)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render(report: Report, color: bool | None = None) -> str:
    opts = report.options
    out = Out(bool(opts.get("color")) if color is None else color)
    if opts.get("show_tasks") or opts.get("tasks_only"):
        tasks(out, report)
    if opts.get("tasks_only"):
        if not opts.get("quiet"):
            results = report.results
            invocations = len(results.invocations)
            out(f"{plural(invocations, 'database task') if invocations else 'No database task'} in "
                f"{plural(len(results.files), 'file')}.")
        return out.text()
    if opts.get("statistics"):
        statistics(out, report)
    else:
        for d in report.diagnostics:
            finding(out, d, report)
    if not opts.get("quiet"):
        summary(out, report)
    return out.text()


def tasks(out: Out, report: Report) -> None:
    from orderlint.results import tasks_environment

    results = report.results
    by_script = defaultdict(list)
    for inv in results.invocations:
        by_script[inv.script].append(inv)
    for script in results.scripts:
        invs = by_script.get(script.path, [])
        if script.role == "library" and script.path in results.used_by:
            continue
        env = tasks_environment(invs, script.environment).label()
        out((show(script.path), "bold"), ("  environment: " + show(env), "dim"))
        if not invs:
            out(("  no database task", "dim"))
        for inv in invs:
            where = f"{inv.line}:{inv.column}" if inv.path == script.path else f"{inv.path}:{inv.line}:{inv.column}"
            via = ("  via " + show(" → ".join(inv.via)), "dim") if inv.via else ""
            out(f"  {show(where):>10}  ", (show(inv.task), "bold"), f"  [{show(', '.join(inv.databases))}]  ",
                (f"on failure: {inv.on_failure}", OUTCOME_STYLE.get(inv.on_failure)), via)
        out()
    for lib, users in sorted(results.used_by.items()):
        out((f"{show(lib)} is used by {show(', '.join(users))}", "dim"))
    if results.used_by:
        out()


def fixable(d, report: Report) -> bool:
    """ruff's `[*]`: a fix that `--fix` applies (an unsafe one only with `--unsafe-fixes`)."""
    return d.fix is not None and (d.fix.safe or bool(report.options.get("unsafe_fixes")))


def finding(out: Out, d, report: Report) -> None:
    style = SEVERITY_STYLE[d.severity]
    mark = ("[*] ", "bold cyan") if fixable(d, report) else ""
    out((f"{show(d.path)}:{d.line}:{d.column}:", "bold"), " ", (d.code, style), " ", mark, show(d.message))
    parsed = report.results.parsed.get(d.path)
    label = (f" {d.name} ({d.severity.label})", "dim")
    if parsed is not None:
        text = parsed.line_text(d.line - 1).expandtabs(1)
        if text.strip():
            gutter = f"{d.line} | "
            span = max(1, (d.end_column - d.column) if d.end_line == d.line else len(text) - d.column + 1)
            text, column, span = excerpt(CONTROL.sub(" ", text), d.column, span)
            out((gutter, "blue"), show(text))
            out(" " * (len(gutter) + column - 1), ("^" * span, style), label)
            label = None
    if label is not None:
        out("  =", label)
    for rel in d.related:
        out((f"  note: {show(rel.path)}:{rel.line}: {show(rel.note)}", "dim"))
    out()


def statistics(out: Out, report: Report) -> None:
    """`ruff --statistics`: how many findings each rule made, most first."""
    rows = statistics_rows(report.diagnostics)
    if not rows:
        return
    width = max(len(str(count)) for _, _, count in rows)
    for code, name, count in rows:
        out(f"{count:>{width}}\t", (code, "bold"), f"\t{name}")
    out()


def statistics_rows(diagnostics) -> list[tuple[str, str, int]]:
    counts = Counter((d.code, d.name) for d in diagnostics)
    return sorted(((code, name, n) for (code, name), n in counts.items()), key=lambda r: (-r[2], r[0]))


def summary(out: Out, report: Report) -> None:
    diagnostics = report.diagnostics
    results = report.results
    if diagnostics:
        counts = Counter(d.severity for d in diagnostics)
        parts = ", ".join(plural(counts[s], s.label) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
                          if counts[s])
        files = len({d.path for d in diagnostics})
        out((f"Found {plural(len(diagnostics), 'finding')}", "bold"), f" ({parts}) in {plural(files, 'file')}.")
        fixes(out, report)
        return
    if report.options.get("fixed"):
        fixes(out, report)
    if report.options.get("errors") or not results.files:
        return  # some input could not be checked (its error follows), or there was nothing to check
    invocations = len(results.invocations)
    out(("All checks passed!", "bold green"), f" {plural(len(results.files), 'file')} checked, "
        f"{plural(invocations, 'database task') if invocations else 'no database task'}.")


def fixes(out: Out, report: Report) -> None:
    """ruff's fix summary: what was fixed, what `--fix` would fix, what `--unsafe-fixes` would add."""
    opts = report.options
    fixing, unsafe = bool(opts.get("fixing")), bool(opts.get("unsafe_fixes"))
    fixable_now = sum(1 for d in report.diagnostics if fixable(d, report))
    hidden = 0 if unsafe else sum(1 for d in report.diagnostics if d.fix is not None and not d.fix.safe)
    hint = f"{plural(hidden, 'hidden fix').replace('fixs', 'fixes')} can be enabled with `--unsafe-fixes`"
    if fixing:
        line = f"{opts.get('fixed', 0)} fixed"
        if hidden:
            line += f", {hidden} more with `--unsafe-fixes`"
        out(("[*] ", "bold cyan"), line + ".")
    elif fixable_now:
        out(("[*] ", "bold cyan"), f"{fixable_now} fixable with `--fix`" + (f" ({hint})" if hidden else "") + ".")
    elif hidden:
        out(f"No fix available ({hint}).")
