from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from orderlint.messages import Message
from orderlint.model import Diagnostic, Severity
from orderlint.rules import Rule

if TYPE_CHECKING:
    from orderlint.results import Invocation
    from orderlint.shell.parse import ParsedFile

SEPARATORS = frozenset("#;&|)}")  # after the task: the CR ends another word than the task's command's


class CrlfLineEndings(Rule):
    """## What it does
    Reports a script whose lines end in CR LF (Windows line endings), naming the lines. It is
    an error when a line that runs a database task ends in CR, a warning otherwise.

    orderlint reads such a file as if its lines ended in LF, so its other findings are those
    of the script once converted.

    ## Why is this bad?
    bash ends a line at LF only: the CR stays in the line's last word. `bin/rails db:migrate`
    followed by CR LF passes `db:migrate\\r` to Rails, which has no such task and fails; `then`
    followed by CR is not the keyword `then`, `set -e` followed by CR is an invalid option, and
    a shebang line that ends in CR names an interpreter that does not exist
    (`/bin/bash^M: bad interpreter`). The file usually came from a Windows editor or a
    checkout with `core.autocrlf=true`.

    ## Example
    ```bash
    #!/usr/bin/env bash\r
    # every line of this file ends in CR LF (cat -A shows ^M$)\r
    set -euo pipefail\r
    bin/rails db:migrate\r
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    # converted with `dos2unix`; `* text eol=lf` in .gitattributes keeps it so
    set -euo pipefail
    bin/rails db:migrate
    ```
    """

    code = "OL005"
    name = "crlf-line-endings"
    severity = Severity.WARNING
    summary = "lines end in CR LF; an error on a line that runs a database task"


def _ranges(rows: Iterable[int]) -> str:
    """`lines 1–4, 7 end` for 0-based rows 0, 1, 2, 3, 6; `line 3 ends` for row 2."""
    spans: list[list[int]] = []
    for row in sorted(set(rows)):
        if spans and row == spans[-1][1] + 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    text = ", ".join(f"{a + 1}" if a == b else f"{a + 1}–{b + 1}" for a, b in spans)
    single = len(spans) == 1 and spans[0][0] == spans[0][1]
    return Message("OL005.line-ends" if single else "OL005.lines-end", lines=text)


def _glued(inv: "Invocation", pf: "ParsedFile") -> bool:
    """Whether the CR at the end of the task's line lands in its command (the task word or an
    argument after it), not in a comment or another command after it."""
    rest = pf.line_text(inv.end_line - 1)[inv.end_column - 1:]
    return not SEPARATORS.intersection(rest)


def crlf_diagnostics(parsed: dict[str, "ParsedFile"], invocations: Iterable["Invocation"]) -> list[Diagnostic]:
    """One OL005 finding for each file read that has lines ending in CR LF."""
    rule = CrlfLineEndings
    with_cr = {path: pf for path, pf in parsed.items() if pf.crlf_rows}
    if not with_cr:
        return []
    hit: dict[str, dict[int, "Invocation"]] = {}
    for inv in invocations:
        pf = with_cr.get(inv.path)
        if pf is not None and inv.end_line - 1 in pf.crlf_rows and _glued(inv, pf):
            hit.setdefault(inv.path, {}).setdefault(inv.end_line - 1, inv)
    out = []
    for path, pf in sorted(with_cr.items()):
        rows = pf.crlf_rows
        lines = _ranges(rows)
        fix = Message("OL005.fix", path=path)
        tasks = hit.get(path)
        if tasks:
            row = min(tasks)
            inv = tasks[row]
            if pf.line_text(row)[inv.end_column - 1:].strip():
                what = Message("OL005.task-argument", task=inv.task, line=row + 1)
            else:
                what = Message("OL005.task-name", task=inv.task, line=row + 1)
            message = Message("OL005.task", lines=lines, what=what, fix=fix)
            out.append(Diagnostic(path, inv.end_line, inv.column, inv.end_line, inv.end_column, rule.code, rule.name,
                                  Severity.ERROR, message))
            continue
        first = rows[0]
        shebang = first == 0 and pf.line_text(0).startswith("#!")
        message = Message("OL005.file-shebang" if shebang else "OL005.file", lines=lines, fix=fix)
        out.append(Diagnostic(path, first + 1, 1, first + 1, max(1, len(pf.line_text(first)) + 1), rule.code,
                              rule.name, Severity.WARNING, message))
    return out
