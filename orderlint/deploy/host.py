"""host: what every deploy-file reader hands on — the steps of shell a host file runs, each with
the host's failure rules, and its text placed exactly where the host file holds it.

A reader sees the host file as a `Source` (its normalized text) and builds `Step`s from it with
`Source.shell` (shell text the host runs through a shell) or `Source.argv` (a command the host
runs without a shell: a Dockerfile's exec form, a compose list). Both take a `Placed` value:
the string the host runs and, for each of its characters, the character of the file it comes
from, so that a task in a folded YAML block or a continued Dockerfile line is reported at its
own line and column.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from orderlint.model import Pos
from orderlint.shell.parse import ParsedFile, normalize
from orderlint.shell.syntax import Command, Part, Seq, Word


class HostText(ParsedFile):
    """A deploy file as read: its text (for quoted lines and columns) and, for suppression
    directives, its comment character and the lines each step spans."""

    __slots__ = ("kind", "spans", "comments")

    def __init__(self, path: str, data: bytes, kind: str, error_rows=(), spans=None, comments: bool = True) -> None:
        super().__init__(path, data, None, tuple(error_rows))
        self.kind = kind
        self.spans: dict[int, int] = dict(spans or {})  # 0-based first row of a step → its last row
        self.comments = comments  # `#` starts a comment (not in JSON)


@dataclass(frozen=True)
class Placed:
    """A string a host runs, and for each of its characters the offset in the host text it comes from."""

    value: str
    index: tuple[int, ...]

    def __getitem__(self, item: slice) -> "Placed":
        return Placed(self.value[item], self.index[item])

    def strip(self) -> "Placed":
        start = len(self.value) - len(self.value.lstrip())
        end = len(self.value.rstrip())
        return self[start:end]


@dataclass(frozen=True)
class Step:
    """One piece of shell the host runs, in its order, with its failure rules."""

    body: Seq
    start: Pos  # where the host names it (the key, the instruction)
    end_row: int  # 0-based last row it spans in the host file
    label: str  # what the host calls it: `run:`, `release:`, `RUN`…
    group: str = ""  # the job, process or service: steps of one group run in order, groups apart
    errexit: bool = False  # the shell runs with `-e`
    pipefail: bool = False
    shell: str = "sh -c"  # how the host starts the shell, for the reasons it gives
    may_fail: str = ""  # the setting that lets it fail without failing the group (`continue-on-error: true`)
    conditional: bool = False  # it may not run (`if:` other than success)
    after_failure: bool = False  # it also runs when an earlier step failed (`if: always()`)
    env: tuple[tuple[str, str | None], ...] = ()  # literal variables it runs with (None: set, not literal)
    cwd: str = ""  # the folder it runs in, relative to the host's (`working-directory:`)
    rows: tuple[int, ...] = ()  # 0-based rows its shell is written on, when not start…end_row (templates)
    script: str = ""  # the shell text the host runs, as the shell reads it (tests run it in bash)


@dataclass
class HostFile:
    kind: str
    text: HostText
    steps: list[Step] = field(default_factory=list)
    folder: str = ""  # where its commands run, relative to the file's folder (`../..` for a workflow)


EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.S)


class Source:
    """A host file's text, with what readers need to place strings and build steps from it."""

    def __init__(self, path: str, raw: bytes, kind: str) -> None:
        self.path = path
        self.kind = kind
        self.data = normalize(raw)
        self.text = self.data.decode("utf-8", "replace")
        starts = [0]
        for m in re.finditer("\n", self.text):
            starts.append(m.end())
        self.starts = starts
        self.error_rows: list[tuple[int, int]] = []
        self.spans: dict[int, int] = {}
        self.last_script = ""  # the text `shell` last parsed

    # -- positions ----------------------------------------------------------------------------
    def offset(self, row: int, col: int) -> int:
        """Character offset of a 0-based (row, character column)."""
        if row >= len(self.starts):
            return len(self.text)
        return min(self.starts[row] + col, len(self.text))

    def row(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def pos(self, offset: int) -> Pos:
        row = self.row(offset)
        start = self.starts[row]
        return Pos(row, len(self.text[start:offset].encode("utf-8", "surrogateescape")))

    def line(self, row: int) -> str:
        if not 0 <= row < len(self.starts):
            return ""
        start = self.starts[row]
        end = self.text.find("\n", start)
        return self.text[start:end if end >= 0 else len(self.text)]

    # -- placing strings ----------------------------------------------------------------------
    def exact(self, start: int, end: int) -> Placed:
        return Placed(self.text[start:end], tuple(range(start, end)))

    def align(self, value: str, start: int, end: int) -> Placed:
        """Place `value` (a string a parser decoded from text[start:end]: unquoted, unescaped,
        folded) on that text: each character on the next one that matches, skipping
        indentation, line breaks, quotes and escapes in between."""
        text = self.text
        end = min(end, len(text))
        index = []
        j = start
        for c in value:
            k, skipped = j, 0
            while k < end and text[k] != c:
                if text[k] not in " \t\n":
                    skipped += 1
                    if skipped > 2:
                        break
                k += 1
            if k < end and text[k] == c:
                index.append(k)
                j = k + 1
            else:
                index.append(max(start, min(j, end - 1)))
        return Placed(value, tuple(index))

    def locator(self, placed: Placed):
        """(row, byte column) in the text of `placed` → the position in the host file."""
        value = placed.value
        line_starts = [0] + [m.end() for m in re.finditer("\n", value)]
        cache: dict[int, list[int]] = {}

        def locate(row: int, col: int) -> Pos:
            if not placed.index:
                return Pos(0, 0)
            if row >= len(line_starts):
                return self.pos(placed.index[-1] + 1)
            first = line_starts[row]
            widths = cache.get(row)
            if widths is None:
                stop = line_starts[row + 1] if row + 1 < len(line_starts) else len(value)
                widths, total = [], 0
                for ch in value[first:stop]:
                    widths.append(total)
                    total += len(ch.encode("utf-8", "surrogateescape"))
                widths.append(total)
                cache[row] = widths
            i = first + max(0, bisect_right(widths, col) - 1)
            if i >= len(placed.index):
                return self.pos(placed.index[-1] + 1)
            return self.pos(placed.index[i])

        return locate

    # -- building steps -----------------------------------------------------------------------
    def shell(self, placed: Placed, expressions: bool = False) -> Seq:
        """Shell text the host runs through a shell, parsed with its positions in the host file.
        `expressions`: `${{ … }}` is the host's own (a workflow's), replaced before the shell
        reads it; it stands for an unknown value of the same width."""
        from orderlint.shell.extract import parse_placed

        text = placed.value
        if expressions:
            text = EXPRESSION.sub(_placeholder, text)
        self.last_script = text
        body, errors = parse_placed(self.path, text, self.locator(Placed(text, placed.index)))
        locate = self.locator(placed)
        for first, last in errors:
            self.error_rows.append((locate(first, 0).row, locate(last, 0).row))
        return body

    def argv(self, words: list[Placed]) -> Seq:
        """A command the host runs without a shell: each word is one argument as written."""
        built = []
        for w in words:
            if not w.index:
                continue
            start, end = self.pos(w.index[0]), self.pos(w.index[-1] + 1)
            raw = self.text[w.index[0]:w.index[-1] + 1]
            built.append(Word((Part("lit", w.value),), self.path, start, end, raw, w.value, start))
        if not built:
            return Seq((), Pos(0, 0))
        return Seq((Command(tuple(built), (), built[0].start, built[-1].end),), built[0].start)

    def command(self, words: list[Placed]) -> tuple[Seq, bool | None, str]:
        """What a command run without a shell runs: (its syntax, errexit, how it starts). When
        it starts a shell on a string (`["bash", "-c", "…"]`), that string is the shell's, placed
        character by character (a multi-line or folded string keeps its lines); errexit is then
        that shell's (`-e`), else None."""
        SHELLS = ("sh", "bash", "dash", "ash")
        if words and words[0].value.rsplit("/", 1)[-1] in SHELLS:
            errexit = pipefail = False
            i = 1
            while i < len(words) and words[i].value.startswith("-") and words[i].value != "-c":
                flag = words[i].value
                if flag in ("-o", "+o") and i + 1 < len(words):
                    pipefail = pipefail or (flag == "-o" and words[i + 1].value == "pipefail")
                    errexit = errexit or (flag == "-o" and words[i + 1].value == "errexit")
                    i += 2
                    continue
                if "c" in flag[1:] and not flag.startswith("--"):
                    errexit = errexit or "e" in flag[1:]
                    break
                errexit = errexit or (not flag.startswith("--") and "e" in flag[1:])
                i += 1
            if i < len(words) and (words[i].value == "-c" or "c" in words[i].value[1:]) and i + 1 < len(words):
                how = " ".join(w.value for w in words[:i + 1])
                return self.shell(words[i + 1]), errexit, how
        return self.argv(words), None, ""

    def split(self, placed: Placed) -> list[Placed]:
        """A command line split into words the way a shell splits a simple command (quotes,
        backslashes), without running any shell: compose's and fly's string commands."""
        words: list[Placed] = []
        value, index = placed.value, placed.index
        chars: list[str] = []
        where: list[int] = []
        quote = ""
        i = 0
        started = False
        while i < len(value):
            c = value[i]
            if quote:
                if c == quote:
                    quote = ""
                elif c == "\\" and quote == '"' and i + 1 < len(value) and value[i + 1] in '"\\$`':
                    i += 1
                    chars.append(value[i])
                    where.append(index[i])
                else:
                    chars.append(c)
                    where.append(index[i])
            elif c in "'\"":
                quote = c
                started = True
            elif c == "\\" and i + 1 < len(value):
                i += 1
                chars.append(value[i])
                where.append(index[i])
                started = True
            elif c.isspace():
                if started or chars:
                    words.append(Placed("".join(chars), tuple(where) or (index[i],)))
                chars, where, started = [], [], False
            else:
                chars.append(c)
                where.append(index[i])
                started = True
            i += 1
        if started or chars:
            words.append(Placed("".join(chars), tuple(where) or (index[-1],)))
        return words

    def host_text(self) -> HostText:
        return HostText(self.path, self.data, self.kind, merge_rows(self.error_rows), self.spans,
                        comments=self.kind != "app.json")


def _placeholder(m: "re.Match[str]") -> str:
    """`${{ matrix.env }}` → `${_matrix_env__}`: a variable of the same width, named after it."""
    width = len(m.group()) - 3
    name = re.sub(r"\W", "_", m.group()[3:-2])[:width].ljust(width, "_")
    return "${" + name + "}"


def merge_rows(rows: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(rows):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return tuple(merged)


ENV_NAMES = ("RAILS_ENV", "RACK_ENV")


def literal_env(pairs) -> tuple[tuple[str, str | None], ...]:
    """Variables a host sets for a step: a value with `${{ }}`/`$` in it is no literal."""
    out = []
    for name, value in pairs:
        if not isinstance(name, str):
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        if isinstance(value, (int, float)):
            value = str(value)
        literal = value if isinstance(value, str) and "$" not in value else None
        out.append((name, literal))
    return tuple(out)
