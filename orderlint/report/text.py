"""Terminal output: each script's tasks in execution order, then diagnostics with a caret."""

from __future__ import annotations

import io
import re
from collections import defaultdict

from rich.console import Console
from rich.markup import escape

from orderlint.results import tasks_environment
from orderlint.flow import ABORTS, SILENT, UNKNOWN, WARNS
from orderlint.model import Severity
from orderlint.report import Report

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
OUTCOME_STYLE = {ABORTS: "green", WARNS: "yellow", SILENT: "red", UNKNOWN: "dim"}
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
EXCERPT = 160  # characters of a source line shown under a finding


def show(text: str) -> str:
    """Script text made inert: control characters visible (no line can start with `::`), no markup."""
    return escape(CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text))


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


def render(report: Report, color: bool = False, width: int = 100) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False,
                      soft_wrap=True)
    results = report.results
    by_script = defaultdict(list)
    for inv in results.invocations:
        by_script[inv.script].append(inv)
    for script in results.scripts:
        invs = by_script.get(script.path, [])
        if script.role == "library" and script.path in results.used_by:
            continue
        head = f"[bold]{show(script.path)}[/bold]"
        env = tasks_environment(invs, script.environment).label()
        console.print(f"{head}  [dim]environment: {show(env)}[/dim]")
        if not invs:
            console.print("  [dim]no database task[/dim]")
        for inv in invs:
            where = f"{inv.line}:{inv.column}" if inv.path == script.path else f"{inv.path}:{inv.line}:{inv.column}"
            dbs = ", ".join(inv.databases)
            style = OUTCOME_STYLE.get(inv.on_failure, "")
            via = f"  [dim]via {show(' → '.join(inv.via))}[/dim]" if inv.via else ""
            console.print(f"  {show(where):>10}  [bold]{show(inv.task)}[/bold]  \\[{show(dbs)}]  "
                          f"[{style}]on failure: {inv.on_failure}[/{style}]{via}", markup=True)
        console.print()
    for lib, users in sorted(results.used_by.items()):
        console.print(f"[dim]{show(lib)} is used by {show(', '.join(users))}[/dim]")
    if results.used_by:
        console.print()
    for d in report.diagnostics:
        style = SEVERITY_STYLE[d.severity]
        console.print(f"[bold]{show(d.path)}:{d.line}:{d.column}:[/bold] [{style}]{d.code}[/{style}] "
                      f"{show(d.message)} [dim]({d.name}, {d.severity.label})[/dim]")
        parsed = results.parsed.get(d.path)
        if parsed is not None:
            text = parsed.line_text(d.line - 1).expandtabs(1)
            if text.strip():
                gutter = f"{d.line} | "
                span = max(1, (d.end_column - d.column) if d.end_line == d.line else len(text) - d.column + 1)
                text, column, span = excerpt(CONTROL.sub(" ", text), d.column, span)
                console.print(f"[dim]{gutter}[/dim]{show(text)}")
                console.print(" " * (len(gutter) + column - 1) + f"[{style}]{'^' * span}[/{style}]")
        for rel in d.related:
            console.print(f"  [dim]note: {show(rel.path)}:{rel.line}: {show(rel.note)}[/dim]")
    counts = defaultdict(int)
    for d in report.diagnostics:
        counts[d.severity] += 1
    files = len(results.files)
    if report.diagnostics:
        parts = [f"{counts[s]} {s.label}{'s' if counts[s] != 1 else ''}" for s in
                 (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]
        console.print(f"Found {len(report.diagnostics)} finding{'s' if len(report.diagnostics) != 1 else ''} "
                      f"({', '.join(parts)}) in {files} file{'s' if files != 1 else ''}.")
    else:
        console.print(f"All checks passed: {len(results.invocations)} database task"
                      f"{'s' if len(results.invocations) != 1 else ''} in {files} file{'s' if files != 1 else ''}.")
    return buffer.getvalue()
