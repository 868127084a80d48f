"""source: a file's bytes as they are on disk, and where its commands are, for fixes.

A fix is a set of byte-exact edits of the original file. This module finds, from the
tree-sitter tree of the file, the ranges a fix touches (a task word, its command, the
statement that holds it, the `|| true` after it) and turns edits written against the
normalized text (LF line ends, no BOM) into edits of the bytes on disk: offsets shifted past
a BOM and the CR of CRLF lines, new line ends written as the file writes them.

Shell re-parsed out of a string is located too where the quoting makes an edit certain: in a
single-quoted string and a heredoc the text is the inner script byte for byte, so structural
edits are allowed (with text that cannot end the quoting); in a double-quoted string only a
word made of plain characters may be replaced by another such word.

Only this module reads tree-sitter nodes; callers get `Site`s and byte offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from orderlint.model import Edit
from orderlint.shell.parse import BOM, normalize, parse_tree, split_binary

if TYPE_CHECKING:
    import tree_sitter

PLAIN = re.compile(r"[A-Za-z0-9_:./=-]+")
# A statement may be fixed on its own where its parent runs it as one step of a sequence.
SEQUENCES = {"program", "compound_statement", "do_group", "subshell", "else_clause", "case_item", "if_statement",
             "elif_clause"}
# Characters inserted text may not hold inside each kind of embedding (None: any structural edit refused).
FORBIDDEN = {"file": "", "single": "'", "heredoc": "$`\\"}


@dataclass(frozen=True)
class Layer:
    """Where a (re-)parsed piece of shell sits in the file: its tree and first byte."""

    kind: str  # "file" | "single" | "heredoc" | "double"
    base: int
    tree: "tree_sitter.Tree | None"

    def allows(self, text: str) -> bool:
        forbidden = FORBIDDEN.get(self.kind)
        return forbidden is not None and not any(c in text for c in forbidden)


class Source:
    """The bytes of one file on disk; offsets below are of its normalized text unless named raw."""

    def __init__(self, path: str, raw: bytes) -> None:
        self.path = path
        self.raw = raw
        self.data = split_binary(normalize(raw))[0]
        self._tree: tree_sitter.Tree | None = None
        self.bom = len(BOM) if raw.startswith(BOM) else 0
        self.starts = [0]  # normalized line starts
        self.raw_starts = [self.bom]  # the same lines in the raw bytes
        self.crlf: list[bool] = []
        at = self.data.find(b"\n")
        raw_at = self.bom
        while at >= 0:
            line_len = at - self.starts[-1]
            crlf = raw[raw_at + line_len:raw_at + line_len + 2] == b"\r\n"
            self.crlf.append(crlf)
            raw_at += line_len + (2 if crlf else 1)
            self.starts.append(at + 1)
            self.raw_starts.append(raw_at)
            at = self.data.find(b"\n", at + 1)
        self.crlf.append(False)

    @property
    def tree(self) -> "tree_sitter.Tree":
        if self._tree is None:
            self._tree = parse_tree(self.data)
        return self._tree

    # -- offsets -------------------------------------------------------------------------
    def row_of(self, offset: int) -> int:
        import bisect

        return bisect.bisect_right(self.starts, offset) - 1

    def offset(self, row: int, char_col: int) -> int | None:
        """Normalized offset of a 0-based row and 0-based character column."""
        if not 0 <= row < len(self.starts):
            return None
        start = self.starts[row]
        end = self.data.find(b"\n", start)
        line = self.data[start:end if end >= 0 else len(self.data)].decode("utf-8", "replace")
        return start + len(line[:char_col].encode("utf-8", "replace"))

    def to_raw(self, offset: int) -> int:
        row = self.row_of(offset)
        return self.raw_starts[row] + offset - self.starts[row]

    def newline(self, offset: int) -> str:
        """The line end of the line holding `offset` (or the file's first, for text inserted at the end)."""
        row = min(self.row_of(offset), len(self.crlf) - 1)
        if row == len(self.crlf) - 1 and row > 0:
            row -= 1
        return "\r\n" if self.crlf[row] else "\n"

    def edit(self, start: int, end: int, text: str) -> Edit:
        """An edit of the raw bytes from normalized offsets and LF-ended text."""
        return Edit(self.path, self.to_raw(start), self.to_raw(end), text.replace("\n", self.newline(start)))

    def text(self, start: int, end: int) -> str:
        return self.data[start:end].decode("utf-8", "replace")

    def line_bounds(self, offset: int) -> tuple[int, int]:
        """Start of the line holding `offset`, and the offset of its LF (or the end of the text)."""
        row = self.row_of(offset)
        end = self.data.find(b"\n", self.starts[row])
        return self.starts[row], end if end >= 0 else len(self.data)

    def indent(self, offset: int) -> str:
        start, end = self.line_bounds(offset)
        line = self.data[start:end]
        return line[:len(line) - len(line.lstrip(b" \t"))].decode()

    # -- where things are ------------------------------------------------------------------
    def site(self, row: int, char_col: int, text: str) -> "Site | None":
        """The command whose word `text` starts at (row, column); None when it cannot be found
        exactly (the word is escaped, or sits in quoting no edit can be certain in)."""
        start = self.offset(row, char_col)
        if start is None:
            return None
        end = start + len(text.encode())
        if self.data[start:end] != text.encode():
            return None
        layer: Layer | None = Layer("file", 0, self.tree)
        for _ in range(4):  # nested embeddings: ssh host 'bash -c "…"'
            assert layer is not None and layer.tree is not None  # a "double" layer has no tree: it returned below
            node = layer.tree.root_node.named_descendant_for_byte_range(start - layer.base, end - layer.base)
            if node is None:
                return None
            if node.type == "word" and node.end_byte - node.start_byte == end - start:
                command = _enclosing_command(node)
                return Site(self, layer, node, command) if command is not None else None
            layer = self._embedded(layer, node, start, end)
            if layer is None:
                return None
            if layer.kind == "double":
                return Site(self, layer, None, None, (start, end))
        return None

    def _embedded(self, outer: Layer, node: "tree_sitter.Node | None", start: int, end: int) -> Layer | None:
        while node is not None and node.type not in ("raw_string", "string", "heredoc_body"):
            node = node.parent
        if node is None:
            return None
        base = outer.base + node.start_byte
        if node.type == "string":
            inner = self.data[base + 1:outer.base + node.end_byte - 1]
            return Layer("double", base + 1, None) if PLAIN.fullmatch(self.text(start, end)) and \
                b"\\" not in inner[:start - base] else None
        if outer.kind != "file":
            return None
        if node.type == "raw_string":
            body = self.data[base + 1:outer.base + node.end_byte - 1]
            return Layer("single", base + 1, parse_tree(body))
        redirect = node.parent
        delimiter = next((c for c in redirect.children if c.type == "heredoc_start"), None) if redirect else None
        if delimiter is None or not delimiter.text or delimiter.text[:1] not in (b"'", b'"'):
            return None  # an unquoted delimiter: the outer shell expands the body first
        return Layer("heredoc", base, parse_tree(self.data[base:outer.base + node.end_byte]))


def _enclosing_command(word: "tree_sitter.Node") -> "tree_sitter.Node | None":
    node = word.parent
    while node is not None and node.type in ("concatenation", "string", "command_name"):
        node = node.parent
    return node if node is not None and node.type == "command" else None


class Site:
    """A task word in its command, and the statement around it (offsets normalized)."""

    def __init__(self, source: Source, layer: Layer, word, command, span: tuple[int, int] | None = None) -> None:
        self.source, self.layer, self._word, self._command = source, layer, word, command
        base = layer.base
        self.word = span if span is not None else (base + word.start_byte, base + word.end_byte)

    @property
    def structural(self) -> bool:
        """Whether edits beyond the word itself can be made here."""
        return self._command is not None and self.layer.kind in FORBIDDEN

    def _range(self, node) -> tuple[int, int]:
        return self.layer.base + node.start_byte, self.layer.base + node.end_byte

    @property
    def command(self) -> tuple[int, int] | None:
        return self._range(self._command) if self._command is not None else None

    def words(self) -> list[tuple[int, int, str]]:
        """The command's name and arguments: (start, end, text)."""
        if self._command is None:
            return []
        out = []
        for child in self._command.children:
            if child.type == "command_name" or child.is_named and child.type != "variable_assignment" and \
                    self._command.field_name_for_child(list(self._command.children).index(child)) == "argument":
                s, e = self._range(child)
                out.append((s, e, self.source.text(s, e)))
        return out

    def statement(self) -> tuple[int, int] | None:
        """The command when it is a statement of its own in a sequence (not a condition, not
        part of a list, pipeline or background job, no heredoc), else None."""
        node = self._command
        if node is None or not self.structural:
            return None
        if node.parent is not None and node.parent.type == "redirected_statement":
            if any(c.type == "heredoc_redirect" for c in node.parent.children):
                return None
            node = node.parent
        return self._range(node) if _standalone(node) else None

    def removable(self) -> bool:
        """Whether the statement can go without leaving an empty body (`{ }`, `do done`)."""
        node = self._command
        if node is not None and node.parent is not None and node.parent.type == "redirected_statement":
            node = node.parent
        parent = node.parent if node is not None else None
        if parent is None or parent.type not in ("program", "compound_statement", "do_group", "subshell"):
            return False
        return sum(1 for c in parent.named_children if c.type != "comment") > 1 or parent.type == "program"

    def or_discard(self) -> tuple[int, int] | None:
        """The `true` (or `:`) of `COMMAND || true` when the command is that list's left side."""
        node = self._command
        if node is None or not self.structural:
            return None
        if node.parent is not None and node.parent.type == "redirected_statement":
            node = node.parent
        parent = node.parent
        if parent is None or parent.type != "list" or parent.child_count != 3 or parent.children[0] != node \
                or parent.children[1].type != "||":
            return None
        right = parent.children[2]
        if right.type == "command" and right.child_count == 1 and right.text in (b"true", b":"):
            return self._range(right)
        return None

    def declaration(self) -> tuple[tuple[int, int], str, str, tuple[int, int]] | None:
        """`local NAME=$(COMMAND)` as a statement: its range, the builtin, the name, and the
        range of `NAME=$(…)`; None for anything else (flags, several names, a list)."""
        node = self._command
        if node is None or not self.structural:
            return None
        sub = node.parent
        if sub is None or sub.type != "command_substitution":
            return None
        assignment = sub.parent
        if assignment is None or assignment.type != "variable_assignment" or assignment.child_by_field_name(
                "value") != sub:
            return None
        decl = assignment.parent
        if decl is None or decl.type != "declaration_command" or decl.child_count != 2 or not _standalone(decl):
            return None
        builtin = decl.children[0].type
        if builtin not in ("local", "export", "declare", "typeset"):
            return None
        name = assignment.child_by_field_name("name")
        return self._range(decl), builtin, self.source.text(*self._range(name)), self._range(assignment)


def _standalone(node) -> bool:
    parent = node.parent
    if parent is None or parent.type not in SEQUENCES:
        return False
    index = list(parent.children).index(node)
    if parent.field_name_for_child(index) == "condition" or parent.type == "case_item" and \
            parent.field_name_for_child(index) == "value":
        return False
    following = parent.children[index + 1] if index + 1 < parent.child_count else None
    return following is None or following.type != "&"


BODIES = ("compound_statement", "do_group", "else_clause", "subshell")


def empty_bodies(data: bytes) -> int:
    """How many `{ }`, `do done`, `then`, `else` bodies hold no command: bash refuses them
    (`syntax error near unexpected token`), tree-sitter does not."""
    count = 0
    stack = [parse_tree(data).root_node]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type in BODIES:
            if not any(c.is_named and c.type != "comment" for c in node.children):
                count += 1
        elif node.type in ("if_statement", "elif_clause"):
            after_then, found = False, False
            for c in node.children:
                if c.type == "then":
                    after_then = True
                elif after_then and c.type in ("elif_clause", "else_clause", "fi"):
                    break
                elif after_then and c.is_named and c.type != "comment":
                    found = True
            count += 0 if found else 1
    return count
