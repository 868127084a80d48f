"""Shared by the rules that fix what they find: the files' bytes, and a fix from edits.

A rule computes its fix next to its check, from the `Site` of a task (its word, its command,
the statement around it, found in the tree-sitter tree of the file as it is on disk). A fix
is offered only when each edit is certain; the fix stage verifies it again by analysing the
fixed files.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from orderlint.messages import Message
from orderlint.model import Applicability, Edit, Fix
from orderlint.shell.parse import ParsedFile, normalize, split_binary
from orderlint.shell.source import PLAIN, Site, Source

if TYPE_CHECKING:
    from orderlint.results import Invocation, ScriptAnalysis

SAFE, UNSAFE = Applicability.SAFE, Applicability.UNSAFE


def read_disk(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except (OSError, ValueError):
        return None


class Sources:
    """The files of one run, read again as bytes the first time a fix needs one. A file whose
    bytes no longer match the text the analysis read gets no fix, nor does a deploy file whose
    shell sits in YAML, JSON or a Dockerfile (fixes are made in shell scripts only)."""

    def __init__(self, parsed: dict, read: Callable[[str], bytes | None] = read_disk) -> None:
        self.parsed = parsed
        self.read = read
        self._cache: dict[str, Source | None] = {}

    def get(self, path: str) -> Source | None:
        if path in self._cache:
            return self._cache[path]
        found = None
        pf = self.parsed.get(path)
        if pf is not None and type(pf) is not ParsedFile:
            self._cache[path] = None  # a deploy file (YAML, Dockerfile…): its shell is quoted its own way
            return None
        raw = self.read(path)
        if pf is not None:
            text = pf.data
            if raw is None or split_binary(normalize(raw))[0] != text:
                raw = text if not pf.crlf_rows else None  # read from stdin: its text is its bytes
            found = Source(path, raw) if raw is not None else None
        elif raw is not None:
            found = Source(path, raw)
        if len(self._cache) > 64:
            self._cache.clear()
        self._cache[path] = found
        return found


def source_of(script: "ScriptAnalysis", path: str) -> Source | None:
    sources = getattr(script, "texts", None)
    return sources.get(path) if sources is not None else None


def site_of(script: "ScriptAnalysis", inv: "Invocation") -> Site | None:
    """The task word of `inv` in its file, when it is written there as the literal task."""
    if inv.line != inv.end_line:
        return None
    src = source_of(script, inv.path)
    if src is None:
        return None
    try:
        return src.site(inv.line - 1, inv.column - 1, inv.task)
    except (ValueError, IndexError, UnicodeError):
        return None


def make(edits: list[Edit | None], applicability: Applicability, message: Message) -> Fix | None:
    """A fix from edits that are all known; None when one is missing or two overlap."""
    if not edits or any(e is None for e in edits):
        return None
    ordered = sorted(edits, key=lambda e: (e.path, e.start_byte, e.end_byte))
    for a, b in zip(ordered, ordered[1:]):
        if a.path == b.path and b.start_byte < a.end_byte:
            return None
    return Fix(tuple(ordered), applicability, message)


def warn_text(task: str) -> str:
    """The non-blocking handler the policy asks for: a warning on stderr, then go on."""
    return f'echo "warning: {task} failed" >&2'


def insert_after(site: Site, stmt: tuple[int, int], line: str) -> Edit | None:
    """A new line with `line`, indented as the statement, right after the statement's line
    (None when something else follows the statement on its line, or the quoting forbids it)."""
    src = site.source
    _, eol = src.line_bounds(stmt[1])
    rest = src.text(stmt[1], eol).strip()
    if rest and not rest.startswith("#"):
        return None
    text = "\n" + src.indent(stmt[0]) + line
    return src.edit(eol, eol, text) if site.structural and site.layer.allows(text) else None


def append_handler(site: Site, stmt: tuple[int, int], handler: str) -> Edit | None:
    """` || HANDLER` right after the statement."""
    text = f" || {handler}"
    return site.source.edit(stmt[1], stmt[1], text) if site.layer.allows(text) else None


def replace(site: Site, span: tuple[int, int], text: str) -> Edit | None:
    """`text` instead of `span`: any text where the site allows structural edits, a plain word
    for the task word itself inside a double-quoted string."""
    if site.structural and site.layer.allows(text) or span == site.word and PLAIN.fullmatch(text):
        return site.source.edit(span[0], span[1], text)
    return None


def runner(site: Site) -> str | None:
    """What runs the task (`bin/rails `, `RAILS_ENV=production bundle exec rake `): the command's
    text before the task word, when the task is its last word and nothing else is on the line."""
    words = site.words()
    command = site.command
    if not words or command is None or words[-1][:2] != site.word or "\n" in site.source.text(command[0], command[1]):
        return None
    return site.source.text(command[0], site.word[0])


def delete_line(site: Site, stmt: tuple[int, int]) -> Edit | None:
    """The statement's whole line, when nothing else is written on it."""
    src = site.source
    start, eol = src.line_bounds(stmt[0])
    if src.text(start, stmt[0]).strip() or src.text(stmt[1], eol).strip() or src.row_of(stmt[1]) != src.row_of(start):
        return None
    end = eol + 1 if eol < len(src.data) else eol
    if end == eol and start > 0:  # the last line: take the line end before it instead
        start -= 1
    return src.edit(start, end, "")


ERREXIT = re.compile(rb"^[ \t]*set[ \t]+(?:[-+][A-Za-z]*[ \t]+)*(?:-[A-Za-z]*e[A-Za-z]*|-o[ \t]+errexit)\b", re.M)


def errexit_written(script: "ScriptAnalysis") -> bool:
    """Whether the entry script turns errexit on anywhere (`set -e`, `set -o errexit`, `bash -e`
    shebang): where it does not, a fix must stop the script itself (`|| exit 1`)."""
    src = source_of(script, script.path)
    if src is None:
        return False
    first = src.data.split(b"\n", 1)[0]
    return bool(ERREXIT.search(src.data)) or first.startswith(b"#!") and re.search(rb"\s-[A-Za-z]*e", first) is not None
