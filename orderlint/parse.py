"""parse: bytes of a shell script → a tree-sitter-bash syntax tree and the regions it could not parse."""

from __future__ import annotations

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


def normalize(data: bytes) -> bytes:
    """Drop a UTF-8 BOM and turn CRLF/CR line ends into LF; line numbers stay those of the file."""
    if data.startswith(BOM):
        data = data[len(BOM):]
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data


def parse_tree(data: bytes) -> "tree_sitter.Tree":
    return _parser().parse(data)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    path: str  # display path
    data: bytes  # normalized
    tree: "tree_sitter.Tree"
    error_rows: tuple[tuple[int, int], ...]  # 0-based (first row, last row) of each unparsed region

    def line_text(self, row: int) -> str:
        lines = self.data.split(b"\n")
        if 0 <= row < len(lines):
            return lines[row].decode("utf-8", "replace")
        return ""

    def char_column(self, pos: Pos) -> int:
        """1-based character column of a byte position (tabs count as one, like ShellCheck)."""
        start = _line_start(self.data, pos.row)
        if start < 0:
            return pos.col + 1
        return len(self.data[start:start + pos.col].decode("utf-8", "replace")) + 1


def _line_start(data: bytes, row: int) -> int:
    offset = 0
    for _ in range(row):
        offset = data.find(b"\n", offset)
        if offset < 0:
            return -1
        offset += 1
    return offset


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


def parse_file(path: str, raw: bytes) -> ParsedFile:
    data = normalize(raw)
    tree = parse_tree(data)
    return ParsedFile(path=path, data=data, tree=tree, error_rows=error_regions(tree))
