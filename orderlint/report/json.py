"""JSON: stable and versioned (`"version": 1`)."""

from __future__ import annotations

from orderlint.report import Items, Report, json_text

VERSION = 1


def invocation_dict(inv) -> dict:
    return {
        "path": inv.path,
        "line": inv.line,
        "column": inv.column,
        "end_line": inv.end_line,
        "end_column": inv.end_column,
        "task": inv.task,
        "databases": list(inv.databases),
        "roles": dict(zip(inv.databases, inv.roles)),  # primary, queue, cache, cable or peer
        "environment": inv.environment.label(),
        "on_failure": inv.on_failure,
        "on_failure_reason": str(inv.reason) if inv.reason else "",
        "via": list(inv.via),
        "arguments": list(inv.arguments),
        "script": inv.script,
    }


def diagnostic_dict(d) -> dict:
    out = {
        "path": d.path,
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line,
        "end_column": d.end_column,
        "code": d.code,
        "name": d.name,
        "severity": d.severity.label,
        "message": d.message,
    }
    if d.related:
        out["related"] = [{"path": r.path, "line": r.line, "note": r.note} for r in d.related]
    if d.fix is not None:
        out["fix"] = fix_dict(d.fix)
    return out


def fix_dict(fix) -> dict:
    """Byte-exact edits of the files as they are on disk (end exclusive, UTF-8 content)."""
    return {
        "applicability": fix.applicability.value,
        "message": str(fix.message),
        "edits": [{"path": e.path, "start_byte": e.start_byte, "end_byte": e.end_byte, "content": e.text}
                  for e in fix.edits],
    }


def render(report: Report) -> str:
    results = report.results
    doc = {
        "version": VERSION,
        "files": results.files,
        "invocations": Items(invocation_dict, results.invocations),
        "diagnostics": Items(diagnostic_dict, report.diagnostics),
    }
    return json_text(doc)
