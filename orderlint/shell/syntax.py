"""orderlint's own small syntax types: what extract builds from the tree-sitter tree.

Rules and the flow stage see only these, never tree-sitter nodes. Positions are in the
coordinates of the file the text was written in, also for shell re-parsed out of strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

from orderlint.model import Pos


@dataclass(slots=True, unsafe_hash=True)
class Part:
    """A piece of a word: literal text, a variable or parameter, a command substitution."""

    kind: str  # "lit" | "var" | "param" | "cmd" | "dyn"
    text: str = ""  # literal text, or the variable / parameter name
    quoted: bool = False
    default: str | None = None  # literal default of ${VAR:-default}
    body: "Node | None" = None  # the commands of a command substitution


@dataclass(slots=True, unsafe_hash=True)
class Word:
    parts: tuple[Part, ...]
    path: str
    start: Pos
    end: Pos
    raw: str
    # The text a nested shell would read from this word (quotes removed, same length per
    # line so columns still map) and where it starts; None when the word is not one string.
    script: str | None = None
    script_start: Pos | None = None
    _literal: Any = field(default=..., compare=False, repr=False)  # `...`: not computed yet

    @property
    def literal(self) -> str | None:
        found = self._literal
        if found is ...:
            found = "".join(p.text for p in self.parts) if all(p.kind == "lit" for p in self.parts) else None
            object.__setattr__(self, "_literal", found)  # asked for again and again by the flow
        return found  # type: ignore[return-value]

    @property
    def substitutions(self) -> tuple["Node", ...]:
        for p in self.parts:
            if p.kind == "cmd":
                return tuple(p.body for p in self.parts if p.kind == "cmd" and p.body is not None)
        return ()  # most words: no `$(…)` at all

    def with_parts(self, parts: tuple[Part, ...]) -> "Word":
        return Word(parts, self.path, self.start, self.end, self.raw, self.script, self.script_start)


@dataclass(slots=True, unsafe_hash=True)
class Assign:
    name: str
    value: Word | None
    start: Pos


@dataclass(slots=True, unsafe_hash=True)
class Heredoc:
    text: str
    start: Pos
    expands: bool  # unquoted delimiter: the outer shell expands it first
    path: str = ""  # the file it is written in


@dataclass(slots=True, unsafe_hash=True)
class Command:
    words: tuple[Word, ...]
    assigns: tuple[Assign, ...]
    start: Pos
    end: Pos
    stdin: Heredoc | None = None
    declaration: str | None = None  # "local", "export", "declare", "readonly" …
    redirects_stderr_or_out: bool = False


@dataclass(slots=True, unsafe_hash=True)
class Seq:
    items: tuple["Node", ...]
    start: Pos
    summary: Any = field(default=None, compare=False, repr=False)  # flow's cache: see flow._summary


@dataclass(slots=True, unsafe_hash=True)
class AndOr:
    left: "Node"
    op: str  # "&&" | "||"
    right: "Node"
    start: Pos
    summary: Any = field(default=None, compare=False, repr=False)  # flow's cache: see flow._summary


@dataclass(slots=True, unsafe_hash=True)
class Not:
    body: "Node"
    start: Pos
    summary: Any = field(default=None, compare=False, repr=False)  # flow's cache: see flow._summary


@dataclass(slots=True, unsafe_hash=True)
class Pipeline:
    stages: tuple["Node", ...]
    start: Pos
    summary: Any = field(default=None, compare=False, repr=False)  # flow's cache: see flow._summary


@dataclass(slots=True, unsafe_hash=True)
class Test:
    """`[ … ]`, `[[ … ]]` or `(( … ))`: operands kept as words for env and `$?` checks."""

    operands: tuple[Word | str, ...]  # words, and operators as plain strings
    start: Pos
    end: Pos
    arith: bool = False  # `(( … ))`: an arithmetic expression, its status 1 when its value is 0


@dataclass(slots=True, unsafe_hash=True)
class If:
    clauses: tuple[tuple["Node", "Node"], ...]  # (condition, body) for if and each elif
    orelse: "Node | None"
    start: Pos
    summary: Any = field(default=None, compare=False, repr=False)  # flow's cache: see flow._summary


@dataclass(slots=True, unsafe_hash=True)
class CaseItem:
    patterns: tuple[Word, ...]
    body: "Node"
    falls_through: bool


@dataclass(slots=True, unsafe_hash=True)
class Case:
    subject: Word
    items: tuple[CaseItem, ...]
    start: Pos
    summary: Any = field(default=None, compare=False, repr=False)  # flow's cache: see flow._summary


@dataclass(slots=True, unsafe_hash=True)
class Loop:
    kind: str  # "while" | "until" | "for"
    condition: "Node | None"
    body: "Node"
    start: Pos
    items: tuple[Word, ...] | None = None  # for … in ITEMS
    variable: str | None = None  # for VARIABLE in …
    summary: Any = field(default=None, compare=False, repr=False)  # flow's cache: see flow._summary


@dataclass(slots=True, unsafe_hash=True)
class Subshell:
    body: "Node"
    start: Pos
    summary: Any = field(default=None, compare=False, repr=False)  # flow's cache: see flow._summary


@dataclass(slots=True, unsafe_hash=True)
class Background:
    body: "Node"
    start: Pos


@dataclass(slots=True, unsafe_hash=True)
class FunctionDef:
    name: str
    body: "Node"
    start: Pos
    end: Pos
    path: str = ""


@dataclass(slots=True, unsafe_hash=True)
class Opaque:
    """Something orderlint does not model (an unparsed region, a too-deep subtree)."""

    start: Pos
    why: str = ""


class Inert:
    """A statement that only runs external commands and sets ordinary variables: no Rails, no
    other script, nothing of the shell's own machinery (options, traps, `cd`, `exit`, `$?`).
    Extraction summarises it without building its words: what it runs, sets and reads, whether
    it writes to stderr and whether it may fail. `full()` builds it when the flow needs more (one
    of its commands is a function of the script)."""

    __slots__ = ("start", "end", "path", "names", "assigned", "reads", "stderr", "may_fail", "call", "_build",
                 "_full")

    def __init__(self, start: Pos, end: Pos, path: str, names: frozenset[str], assigned: frozenset[str],
                 reads: frozenset[str], stderr: bool, may_fail: bool, build, call: str | None = None) -> None:
        self.start, self.end, self.path = start, end, path
        self.names, self.assigned, self.reads = names, assigned, reads
        self.stderr, self.may_fail = stderr, may_fail
        self.call = call  # the name it runs when it is one simple command: `log_info "…" >&2`
        self._build = build
        self._full: Node | None = None

    def full(self) -> "Node":
        if self._full is None:
            self._full = self._build() or Seq((), self.start)
            self._build = None
        return self._full

    def __repr__(self) -> str:
        return f"Inert({self.start.row + 1}:{self.start.col + 1}, runs {sorted(self.names)})"


Node = Union[Command, Seq, AndOr, Not, Pipeline, Test, If, Case, Loop, Subshell, Background, FunctionDef, Opaque,
             Inert]


@dataclass(slots=True, unsafe_hash=True)
class Script:
    path: str
    body: Seq
    functions: dict[str, FunctionDef] = field(default_factory=dict)
    sources: tuple[Command, ...] = ()  # `source`/`.` commands, in file order
    truncated_rows: tuple[int, ...] = ()  # rows where nesting was too deep to follow
