"""parse: bytes of a shell script → a tree-sitter-bash syntax tree and the regions it could not parse."""

from __future__ import annotations

import re
import zlib
from array import array
from functools import lru_cache
from typing import TYPE_CHECKING

from orderlint.model import Pos
from orderlint.shell.joined import Misread, repair
from orderlint.shell.timed import untimed

if TYPE_CHECKING:
    import tree_sitter

BOM = b"\xef\xbb\xbf"
NAMES_ORDERLINT = re.compile(rb"orderlint", re.IGNORECASE)


@lru_cache(maxsize=1)
def _language() -> "tree_sitter.Language":
    import tree_sitter
    import tree_sitter_bash

    return tree_sitter.Language(tree_sitter_bash.language())


@lru_cache(maxsize=1)
def _parser() -> "tree_sitter.Parser":
    import tree_sitter

    return tree_sitter.Parser(_language())


@lru_cache(maxsize=8)
def _query(source: str) -> "tree_sitter.Query":
    import tree_sitter

    return tree_sitter.Query(_language(), source)


def captures(source: str, node: "tree_sitter.Node") -> "dict[str, list[tree_sitter.Node]]":
    """The nodes under `node` that a tree-sitter query captures, by capture name (the query is
    compiled once per process)."""
    import tree_sitter

    return tree_sitter.QueryCursor(_query(source)).captures(node)


def normalize(data: bytes) -> bytes:
    """Drop a UTF-8 BOM and turn CRLF line ends into LF; line numbers stay those of the file."""
    if data.startswith(BOM):
        data = data[len(BOM):]
    if b"\r\n" in data:
        data = data.replace(b"\r\n", b"\n")  # a lone CR is no line end for bash
    return data


def parse_tree(data: bytes) -> "tree_sitter.Tree":
    """The tree of `data`, with the statements tree-sitter-bash joins across a line end put apart
    (see `orderlint.shell.joined`)."""
    return parse_checked(data)[0]


def parse_checked(data: bytes) -> "tuple[tree_sitter.Tree, Misread]":
    """The tree of `data`, and the 0-based rows where it is still wrong, with why (OL001)."""
    return repair(_parser(), untimed(data))


class ParsedFile:
    """A file as read: its normalized text, its tree while it is needed, and where it did not parse.

    Once the analysis is done with a file, `pack` compresses its text: reports quote a few of
    its lines at most, and a run over thousands of scripts would otherwise keep all of them.
    """

    __slots__ = ("path", "_data", "_packed", "_tree", "error_rows", "_line_starts", "binary_from", "ascii",
                 "names_orderlint", "crlf_rows", "misread_rows")

    def __init__(self, path: str, data: bytes, tree: "tree_sitter.Tree | None",
                 error_rows: tuple[tuple[int, int], ...], starts: "array[int] | None" = None,
                 binary_from: int | None = None) -> None:
        self.path = path  # display path
        self._data: bytes | None = data  # normalized; cut before the first line holding a NUL byte
        self._packed: bytes | None = None  # the same, compressed, once packed
        self._tree = tree  # dropped once extracted (memory): `tree` parses again on demand
        self.error_rows = error_rows  # 0-based (first row, last row) of each unparsed region
        self._line_starts = starts
        self.binary_from = binary_from  # 0-based row of the first NUL byte: binary data from there on
        self.ascii = data.isascii()  # byte columns are character columns
        self.names_orderlint = NAMES_ORDERLINT.search(data) is not None  # may hold suppression directives
        self.crlf_rows: tuple[int, ...] = ()  # 0-based rows that ended in CR LF before `normalize` (OL005)
        self.misread_rows: Misread = ()  # (0-based row, why) where the tree is wrong (OL001)

    @property
    def data(self) -> bytes:
        if self._data is not None:
            return self._data
        return zlib.decompress(self._packed or b"")  # rarely: a library extracted again, a quoted line

    @property
    def line_starts(self) -> "array[int]":
        return self._text()[1]

    def _text(self) -> "tuple[bytes, array[int]]":
        """The text and its line offsets; made when first asked (most files never quote a line),
        kept while the text is (not once packed)."""
        data = self.data
        starts = self._line_starts
        if starts is None:
            starts = line_starts(data)
            if self._data is not None:
                self._line_starts = starts
        return data, starts

    @property
    def tree(self) -> "tree_sitter.Tree":
        return self._tree if self._tree is not None else parse_tree(self.data)

    def drop_tree(self) -> "tree_sitter.Tree | None":
        """Forget the tree (memory: `tree` parses again if asked); the tree it held."""
        tree, self._tree = self._tree, None
        return tree

    def pack(self) -> None:
        """Keep the text compressed from now on (a few times smaller), and no line table."""
        if self._data is not None:
            self._packed = zlib.compress(self._data, 1)
            self._data = None
            self._line_starts = None

    def line_text(self, row: int) -> str:
        data, starts = self._text()
        if not 0 <= row < len(starts):
            return ""
        start = starts[row]
        end = data.find(b"\n", start)
        return data[start:end if end >= 0 else len(data)].decode("utf-8", "replace")

    def char_column(self, pos: Pos) -> int:
        """1-based character column of a byte position (tabs count as one, like ShellCheck)."""
        if self.ascii:
            return pos.col + 1
        data, starts = self._text()
        if not 0 <= pos.row < len(starts):
            return pos.col + 1
        start = starts[pos.row]
        return len(data[start:start + pos.col].decode("utf-8", "replace")) + 1


def line_starts(data: bytes) -> "array[int]":
    """Offsets of the lines, packed (four bytes a line: kept for every file of a run)."""
    starts = array("L", [0])
    find = data.find
    at = find(b"\n")
    while at >= 0:
        starts.append(at + 1)
        at = find(b"\n", at + 1)
    return starts


def error_regions(tree: "tree_sitter.Tree") -> tuple[tuple[int, int], ...]:
    """Rows covered by ERROR or MISSING nodes, merged; iterative so deep trees cannot overflow."""
    if not tree.root_node.has_error:
        return ()
    regions: list[tuple[int, int]] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if not node.has_error:
            continue
        if node.type == "ERROR" or node.is_missing:
            regions.append((node.start_point[0], node.end_point[0]))
            continue
        stack.extend(node.children)
    merged: list[tuple[int, int]] = []
    for first, last in sorted(regions):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return tuple(merged)


def split_binary(data: bytes) -> tuple[bytes, int | None]:
    """Text before the line of the first NUL byte, and that line's row (None: no NUL byte).

    Bash stops reading a script at its `exit`, so self-extracting scripts (`gzexe`, makeself)
    carry binary data after it; a file with a NUL byte on line 1 is no script at all.
    """
    nul = data.find(b"\0")
    if nul < 0:
        return data, None
    start = data.rfind(b"\n", 0, nul) + 1
    return data[:start], data.count(b"\n", 0, start)


def crlf_rows(raw: bytes) -> tuple[int, ...]:
    """0-based rows of the lines that end in CR LF (bash keeps the CR in the line's last word)."""
    if b"\r\n" not in raw:
        return ()
    return tuple(row for row, line in enumerate(raw.split(b"\n")) if line.endswith(b"\r"))


def parse_file(path: str, raw: bytes) -> ParsedFile:
    data, binary_from = split_binary(normalize(raw))
    tree, misread = parse_checked(data)
    parsed = ParsedFile(path, data, tree, error_regions(tree), None, binary_from)
    parsed.misread_rows = misread
    parsed.crlf_rows = crlf_rows(raw[:len(raw) if binary_from is None else raw.find(b"\0")])
    return parsed
