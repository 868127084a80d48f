"""parse: bytes of a shell script → a tree-sitter-bash syntax tree and the regions it could not parse."""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from orderlint.model import Pos

if TYPE_CHECKING:
    import tree_sitter

BOM = b"\xef\xbb\xbf"


@lru_cache(maxsize=1)
def _parser() -> "tree_sitter.Parser":
    import tree_sitter
    import tree_sitter_bash

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))


@lru_cache(maxsize=8)
def query(source: str) -> "tree_sitter.Query":
    """A tree-sitter query on bash trees, compiled once per process."""
    import tree_sitter
    import tree_sitter_bash

    return tree_sitter.Query(tree_sitter.Language(tree_sitter_bash.language()), source)


def normalize(data: bytes) -> bytes:
    """Drop a UTF-8 BOM and turn CRLF line ends into LF; line numbers stay those of the file."""
    if data.startswith(BOM):
        data = data[len(BOM):]
    if b"\r\n" in data:
        data = data.replace(b"\r\n", b"\n")  # a lone CR is no line end for bash
    return data


def parse_tree(data: bytes) -> "tree_sitter.Tree":
    return _parser().parse(data)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    path: str  # display path
    data: bytes  # normalized; cut before the first line holding a NUL byte
    _tree: "tree_sitter.Tree | None"  # dropped once extracted (memory): `tree` parses again on demand
    error_rows: tuple[tuple[int, int], ...]  # 0-based (first row, last row) of each unparsed region
    line_starts: "array[int] | tuple[int, ...]" = ()
    binary_from: int | None = None  # 0-based row of the first NUL byte: binary data from there on

    @property
    def tree(self) -> "tree_sitter.Tree":
        return self._tree if self._tree is not None else parse_tree(self.data)

    def without_tree(self) -> "ParsedFile":
        return ParsedFile(self.path, self.data, None, self.error_rows, self.line_starts, self.binary_from)

    def line_text(self, row: int) -> str:
        if not 0 <= row < len(self.line_starts):
            return ""
        start = self.line_starts[row]
        end = self.data.find(b"\n", start)
        return self.data[start:end if end >= 0 else len(self.data)].decode("utf-8", "replace")

    def char_column(self, pos: Pos) -> int:
        """1-based character column of a byte position (tabs count as one, like ShellCheck)."""
        if not 0 <= pos.row < len(self.line_starts):
            return pos.col + 1
        start = self.line_starts[pos.row]
        return len(self.data[start:start + pos.col].decode("utf-8", "replace")) + 1


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


def parse_file(path: str, raw: bytes) -> ParsedFile:
    data, binary_from = split_binary(normalize(raw))
    tree = parse_tree(data)
    return ParsedFile(path, data, tree, error_regions(tree), line_starts(data), binary_from)
