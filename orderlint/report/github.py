"""GitHub Actions workflow commands: one `::error …::message` annotation per finding.

Escaped exactly as actions/toolkit does (`packages/core/src/command.ts`): in the message
`%`, CR and LF; in property values also `:` and `,`. A script line holding `%0A`, `::`, a
comma or a newline can therefore never end the annotation early or start a command of its
own. Columns are given only for spans on one line; errors come first, then warnings, then
notices (info findings).
"""

from __future__ import annotations

from orderlint.model import Diagnostic, Severity
from orderlint.report import Report

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(d: Diagnostic) -> str:
    one_line = d.end_line == d.line
    properties: list[tuple[str, object]] = [("file", d.path), ("line", d.line)]
    if one_line:
        properties.append(("col", d.column))
    properties.append(("endLine", max(d.end_line, d.line)))
    if one_line:
        properties.append(("endColumn", d.end_column))
    properties.append(("title", f"{d.code} {d.name}"))
    message = d.message
    for rel in d.related:
        message += f"\nnote: {rel.path}:{rel.line}: {rel.note}"
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    return f"::{COMMAND[d.severity]} {props}::{escape_data(message)}"


def render(report: Report) -> str:
    ordered = sorted(report.diagnostics, key=lambda d: (-int(d.severity), d.sort_key))
    return "".join(annotation(d) + "\n" for d in ordered)
