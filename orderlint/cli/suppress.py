"""Inline suppressions: `# orderlint: disable=OL202 -- reason` and `# orderlint: disable-file=…`.

Where a directive applies:

- `# orderlint: disable=CODES -- reason` alone on its line covers the command on the next line
  (other comment lines may sit in between; a blank line may not). When that line starts a
  compound command (`if`, `case`, a loop, `{ }`, a subshell) or a function definition, the
  directive covers all of its lines; a heredoc belongs to its command.
- the same directive at the end of a line covers that line and every command that starts on it
  (so `if …; then  # orderlint: disable=…` covers the whole `if`).
- `# orderlint: disable-file=CODES -- reason` covers the whole file, wherever it is written
  (by convention right after the shebang).

A finding is covered when its first line is, in the file it is reported in: a finding reported
in a library is suppressed from the library, not from the script that calls it.

What the directives themselves produce, as OL004 (unused-suppression):

- warning: a code that suppresses nothing. Whether a code is used is decided against every
  rule's findings, before `select`/`ignore`/`per-file-ignores`, so the report does not change
  with the rules a run happens to select; an unknown code or a malformed directive is reported
  the same way. Unused directives are reported only in the files given to orderlint (a library
  read because a script sources it may hold directives for scripts this run did not see);
- info: a directive without a `-- reason` (accepted, but a suppression should say why).

`disable-file=OL004` silences those reports in a file. `--no-suppressions` ignores every
directive (and reports none of them).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace

from orderlint.messages import Join, Loc, Message
from orderlint.model import Diagnostic, Pos, Severity
from orderlint.shell.parse import ParsedFile, parse_file

UNUSED = "OL004"
DIRECTIVE = re.compile(r"#+\s*orderlint\s*:(?P<body>.*)$", re.I)
BODY = re.compile(r"\s*(?P<kind>[A-Za-z_-]+)\s*(?:=\s*(?P<codes>[^\s,]+(?:\s*,\s*[^\s,]+)*))?\s*"
                  r"(?:--\s*(?P<reason>.*?))?\s*$")
KINDS = ("disable", "disable-file")


@dataclass
class Directive:
    path: str
    line: int  # 1-based line of the comment
    column: int  # 1-based
    end_column: int
    text: str
    kind: str  # "disable", "disable-file", or "" when malformed
    codes: tuple[str, ...]
    reason: str
    lines: range  # the 1-based lines it covers (the whole file for disable-file)
    problem: "Message | Join | None" = None  # malformed: why
    used: set[str] = field(default_factory=set)

    def covers(self, d: Diagnostic) -> bool:
        return d.path == self.path and d.code in self.codes and (self.kind == "disable-file" or d.line in self.lines)


# -- reading directives ----------------------------------------------------------------------

def _comments(tree):
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "comment":
            yield node
            continue
        stack.extend(reversed(node.children))


def _spans(tree) -> dict[int, int]:
    """0-based row → last row of the commands that start on it (the longest one)."""
    spans: dict[int, int] = {}
    stack = list(tree.root_node.children)
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if not node.is_named or node.type == "comment":
            continue
        first, (last, col) = node.start_point[0], node.end_point
        if col == 0 and last > first:
            last -= 1  # ends at the start of the next line (heredoc bodies)
        spans[first] = max(spans.get(first, first), last)
    return spans


def read_directives(pf: ParsedFile) -> list[Directive]:
    if not pf.names_orderlint:
        return []  # no directive: no need for the syntax tree (nor the text)
    from orderlint.deploy.host import HostText

    if isinstance(pf, HostText):
        return _host_directives(pf)
    tree = pf.tree
    comments = list(_comments(tree))
    rows = pf.data.split(b"\n")
    comment_rows = {c.start_point[0] for c in comments if not rows[c.start_point[0]][:c.start_point[1]].strip()}
    spans = _spans(tree)
    total = len(rows)
    out = []
    for c in comments:
        text = pf.data[c.start_byte:c.end_byte].decode("utf-8", "replace")  # an edited tree has no .text
        match = DIRECTIVE.match(text)
        if not match:
            continue
        row = c.start_point[0]
        own_line = row in comment_rows
        directive = _parse(pf.path, row + 1, pf.char_column(_pos(c.start_point)), pf.char_column(_pos(c.end_point)),
                           text.strip(), match.group("body"))
        if directive.kind == "disable":
            if own_line:
                target = row + 1
                while target in comment_rows:
                    target += 1
                if target in spans and target < total and rows[target].strip():
                    directive.lines = range(target + 1, spans[target] + 2)
            else:
                directive.lines = range(row + 1, max(row, spans.get(row, row)) + 2)
        elif directive.kind == "disable-file":
            directive.lines = range(1, total + 1)
        out.append(directive)
    return out


HOST_COMMENT = re.compile(r"(?:^|(?<=\s))#+\s*orderlint\s*:.*$", re.I)


def _host_directives(pf) -> list[Directive]:
    """Directives in the `#` comments of a deploy file (YAML, TOML, Dockerfile, Procfile): on its
    own line a directive covers the step that starts on the next line; at the end of a line,
    the step that starts there (the lines the step's shell spans, as its reader recorded)."""
    if not pf.comments:
        return []
    rows = pf.data.decode("utf-8", "replace").split("\n")
    comment_rows = {r for r, line in enumerate(rows) if line.lstrip().startswith("#")}
    out = []
    for row, line in enumerate(rows):
        match = HOST_COMMENT.search(line)
        if not match or not DIRECTIVE.match(match.group()):
            continue
        text = match.group()
        start = len(line[:match.start()].encode("utf-8"))
        end = len(line.encode("utf-8"))
        directive = _parse(pf.path, row + 1, pf.char_column(Pos(row, start)), pf.char_column(Pos(row, end)),
                           text.strip(), DIRECTIVE.match(text).group("body"))
        if directive.kind == "disable":
            if row in comment_rows:
                target = row + 1
                while target in comment_rows:
                    target += 1
                if target < len(rows) and rows[target].strip():
                    directive.lines = range(target + 1, max(target, pf.spans.get(target, target)) + 2)
            else:
                directive.lines = range(row + 1, max(row, pf.spans.get(row, row)) + 2)
        elif directive.kind == "disable-file":
            directive.lines = range(1, len(rows) + 1)
        out.append(directive)
    return out


def _pos(point) -> Pos:
    return Pos(point[0], point[1])


def _parse(path: str, line: int, column: int, end_column: int, text: str, body: str) -> Directive:
    from orderlint.cli.config import closest_code, code_kind

    d = Directive(path, line, column, end_column, text, "", (), "", range(0))
    match = BODY.fullmatch(body)
    if not match:
        d.problem = Message("OL004.malformed")
        return d
    kind = match.group("kind").lower()
    if kind not in KINDS:
        close = difflib.get_close_matches(kind, KINDS, n=1)
        d.problem = (Message("OL004.unknown-directive", kind=match.group("kind"), close=close[0]) if close
                     else Message("OL004.unknown-directive-write", kind=match.group("kind")))
        return d
    if not match.group("codes"):
        d.problem = Message("OL004.needs-codes", kind=kind)
        return d
    d.kind = kind
    d.reason = (match.group("reason") or "").strip()
    good, problems = [], []
    for code in (c.strip() for c in match.group("codes").split(",") if c.strip()):
        kind = code_kind(code)
        if kind == "code":
            good.append(code.upper())
        elif kind == "prefix":  # directives name whole codes
            problems.append(Message("OL004.prefix", code=code))
        else:
            close = closest_code(code)
            problems.append(Message("OL004.unknown-code", code=code) if close is None else
                            Message("OL004.unknown-code-named", code=code, close=close[0], name=close[1]) if close[1]
                            else Message("OL004.unknown-code-like", code=code, close=close[0]))
    d.codes = tuple(good)
    d.problem = Join(problems) if problems else None
    return d


# -- applying them ---------------------------------------------------------------------------

def _parsed_files(results, diagnostics) -> dict[str, ParsedFile]:
    files = dict(results.parsed)
    for path in sorted({d.path for d in diagnostics} - set(files)):
        try:
            files[path] = parse_file(path, Path(path).read_bytes())
        except OSError:
            continue
    return files


def _report(d: Directive, message: Message | Join, severity: Severity, fix=None) -> Diagnostic:
    from orderlint.rules import RULES

    return Diagnostic(d.path, d.line, d.column, d.line, d.end_column, UNUSED, RULES[UNUSED].name, severity, message,
                      fix=fix)


def _removal(d: Directive, unused: list[str], texts) -> "Fix | None":
    """Drop the unused codes from the directive, or the whole directive (its line when it is
    alone on it) when none of its codes is used."""
    from orderlint.model import Applicability, Fix

    src = texts.get(d.path) if texts is not None else None
    start = src.offset(d.line - 1, d.column - 1) if src is not None else None
    end = src.offset(d.line - 1, d.end_column - 1) if src is not None else None
    if start is None or end is None:
        return None
    comment = src.text(start, end)
    match = DIRECTIVE.match(comment)
    body = BODY.fullmatch(match.group("body")) if match else None
    if body is None or not body.group("codes"):
        return None
    if set(d.codes) <= set(unused):
        line_start, eol = src.line_bounds(start)
        before = src.text(line_start, start)
        if before.strip():
            edit = src.edit(line_start + len(before.rstrip().encode()), end, "")
        else:
            edit = src.edit(line_start, eol + 1 if eol < len(src.data) else eol, "")
        return Fix((edit,), Applicability.SAFE, Message("OL004.fix-remove"))
    at = match.start("body") + body.start("codes")
    codes = body.group("codes")
    kept = ",".join(c.strip() for c in codes.split(",") if c.strip().upper() not in unused)
    offset = start + len(comment[:at].encode())
    edit = src.edit(offset, offset + len(codes.encode()), kept)
    return Fix((edit,), Applicability.SAFE, Message("OL004.fix-remove-codes", codes=", ".join(unused)))


def _every_finding(results, settings) -> list[Diagnostic]:
    """Every rule's findings, before select/ignore/per-file-ignores: what a directive can suppress."""
    from orderlint.rules.check import run_rules

    return run_rules(results, replace(settings, select=(), ignore=(), per_file_ignores={}, severity={}))


def apply_suppressions(results, diagnostics, settings) -> list[Diagnostic]:
    from orderlint.rules._fix import Sources
    from orderlint.rules.check import run_rules

    all_findings = _every_finding(results, settings)
    files = _parsed_files(results, list(diagnostics) + all_findings)
    directives = [d for pf in files.values() for d in read_directives(pf)]
    by_path: dict[str, list[Directive]] = {}
    for d in directives:
        by_path.setdefault(d.path, []).append(d)

    for finding in all_findings:
        for d in by_path.get(finding.path, ()):
            if d.covers(finding):
                d.used.add(finding.code)
    kept = [f for f in diagnostics if not any(d.covers(f) for d in by_path.get(f.path, ()))]

    reported = set(results.parsed)
    texts = next((s.texts for s in results.scripts if getattr(s, "texts", None) is not None), None) or \
        Sources(results.parsed)
    reports: list[Diagnostic] = []
    for d in directives:
        if d.path not in reported:
            continue
        problems = [d.problem] if d.problem else []
        unused = [c for c in d.codes if c != UNUSED and c not in d.used]
        fix = _removal(d, unused, texts) if unused and not d.problem and d.kind else None
        if unused:
            codes = ", ".join(unused)
            if d.kind == "disable-file":
                text = Message("OL004.unused-in-file", codes=codes)
            elif not d.lines:
                text = Message("OL004.nothing-to-cover")
            else:
                span = Loc(d.path, d.lines.start, d.lines.stop - 1)
                text = Message("OL004.unused-on", codes=codes, where=span)
            problems.insert(0, text)
        if problems:
            reports.append(_report(d, Message("OL004.problems", problems=Join(problems)), Severity.WARNING, fix))
        elif d.kind and not d.reason:
            directive = f"# orderlint: {d.kind}={','.join(d.codes)} -- why"
            reports.append(_report(d, Message("OL004.no-reason", directive=directive), Severity.INFO))

    # Directives that silence OL004 itself: `disable-file=OL004`, or a range that holds the directive.
    reports_kept = []
    for r in reports:
        silencers = [d for d in by_path.get(r.path, ()) if d.covers(r)]
        for d in silencers:
            d.used.add(UNUSED)
        if not silencers:
            reports_kept.append(r)
    for d in directives:
        if d.path in reported and UNUSED in d.codes and UNUSED not in d.used:
            message = Message("OL004.unused-in-file" if d.kind == "disable-file" else "OL004.unused-here",
                              codes=UNUSED)
            reports_kept.append(_report(d, message, Severity.WARNING))

    # OL004 goes through select/ignore/per-file-ignores/severity like every rule.
    selected = run_rules(SimpleNamespace(scripts=[], diagnostics=reports_kept), settings)
    return sorted(kept + selected, key=lambda x: x.sort_key)


__all__ = ["apply_suppressions", "read_directives", "Directive"]
