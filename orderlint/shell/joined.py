"""Statements that tree-sitter-bash joins across a line end, put apart again.

tree-sitter-bash 0.25 (grammar since "do not nest repeated pipeline statements") lets a `list`
(`x && y`, `x || y`) be a stage of a pipeline, and keeps that reading alive next to the right
one as a declared conflict. After a pipeline of three or more stages, the reading where the
last stages start such a list has no line end it can accept, so the newline is skipped as
whitespace: the first words of the next line become arguments of the pipeline's last command,
and once that line reaches `&&` or `||` (or a redirection: the stage is then a redirected
pipeline) the joined reading parses without any error and wins.

    a | b | c            (pipeline a (list (pipeline b (command c d)) e))
    d || e               bash runs `a | b | c`, then `d || e`

Bash never lets an unescaped newline stand between the words of a simple command, so the loss
shows as a newline inside a command node. `repair` finds them (only under a pipeline stage that is
a `list` or a redirected pipeline or list, the shapes that produce them), writes `;` in place of the first blank after
the command's last word (the same byte count, so every byte offset stays that of the file),
parses again, and when the `;` took the place of the newline itself, edits the new tree back so
that every node has its row and column in the file. A tree that still joins statements after a
few rounds, or that the `;` makes unparsable, is kept as it was and its rows are returned: the
caller reports them (OL001) rather than lose a command silently.

One more shape has no repair of the same length: `! { a; b; }` is read as the command `{ a`
negated, then `b`, then a command `}`. Its rows are returned too (`misread`).

The pipeline-with-a-list shape itself (`a | b | c || e` read as `a | (b | c || e)`) is set right
where the syntax is built (`extract`); no line is lost there.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tree_sitter

# Nodes of one simple command or redirection: a newline between two of their children ends the statement.
SIMPLE = frozenset({"command", "declaration_command", "unset_command", "variable_assignments", "file_redirect",
                    "herestring_redirect"})
QUERY = """
(pipeline (list) @stage)
(pipeline (redirected_statement body: [(pipeline) (list)]) @stage)
(negated_command (command name: (command_name) @name))
"""
MAX_ROUNDS = 4


@lru_cache(maxsize=1)
def _query(language: "tree_sitter.Language") -> "tree_sitter.Query":
    import tree_sitter

    return tree_sitter.Query(language, QUERY)


Misread = tuple[tuple[int, str], ...]  # (0-based row, "joined" | "negated-group" | "negated-compound")


def repair(parser: "tree_sitter.Parser", data: bytes) -> "tuple[tree_sitter.Tree, Misread]":
    """The tree of `data` with joined statements put apart, and where it is still wrong: the
    0-based rows of any line end still lost in it, and of each `! { … }`."""
    tree = parser.parse(data)
    if b"|" not in data:
        return tree, misread(parser, tree, data) if b"!" in data else ()
    captured = _captures(parser, tree)
    found = joins(parser, tree, data, captured)
    if not found:
        return tree, misread(parser, tree, data, captured) if b"!" in data else ()
    original, text = tree, data
    newlines: list[int] = []  # offsets where `;` replaced the newline itself
    for _ in range(MAX_ROUNDS):
        cuts = [cut for cut, _ in found if cut is not None]
        if len(cuts) < len(found):
            break
        edited = bytearray(text)
        for cut in cuts:
            if edited[cut] == 0x0A:
                newlines.append(cut)
            edited[cut] = 0x3B  # ";"
        text = bytes(edited)
        tree = parser.parse(text)
        found = joins(parser, tree, text)
        if not found:
            break
    if found or (tree.root_node.has_error and not original.root_node.has_error):
        rows = {(data.count(b"\n", 0, at), "joined") for _, at in joins(parser, original, data)}
        return original, tuple(sorted(rows | set(misread(parser, original, data))))
    for at in sorted(newlines, reverse=True):  # each edit leaves the positions before it alone
        row = text.count(b"\n", 0, at)
        col = at - (text.rfind(b"\n", 0, at) + 1)
        tree.edit(start_byte=at, old_end_byte=at + 1, new_end_byte=at + 1, start_point=(row, col),
                  old_end_point=(row, col + 1), new_end_point=(row + 1, 0))
    return tree, misread(parser, tree, text) if b"!" in data else ()


def misread(parser: "tree_sitter.Parser", tree: "tree_sitter.Tree", data: bytes,
             captured: dict | None = None) -> Misread:
    """The rows of each `! { … }`, which the grammar reads as a command named `{`, and of each
    `!` before another compound command or a second `!` (`! if …`, `! for …`, `! ! …`), read
    as a command named `if`, `for`, `!`… (`captured`: the query's captures on this tree, when
    already made)."""
    names = (captured if captured is not None else _captures(parser, tree)).get("name", ())
    found = set()
    for n in names:
        word = data[n.start_byte:n.end_byte]
        if word == b"{":
            found.add((n.start_point[0], "negated-group"))
        elif word in _COMPOUND_WORDS:
            found.add((n.start_point[0], "negated-compound"))
    return tuple(sorted(found))


_COMPOUND_WORDS = frozenset({b"if", b"for", b"while", b"until", b"case", b"select", b"!", b"[["})


def _captures(parser: "tree_sitter.Parser", tree: "tree_sitter.Tree") -> dict:
    import tree_sitter

    return tree_sitter.QueryCursor(_query(parser.language)).captures(tree.root_node)


def joins(parser: "tree_sitter.Parser", tree: "tree_sitter.Tree", data: bytes,
          captured: dict | None = None) -> list[tuple[int | None, int]]:
    """Each newline that a simple command swallowed: (the offset where a `;` ends the command
    before it, or None when there is no blank to put it in; the newline's offset)."""
    stages = (captured if captured is not None else _captures(parser, tree)).get("stage", ())
    out: list[tuple[int | None, int]] = []
    seen: set[int] = set()
    for stage in stages:
        stack = [stage]
        while stack:
            node = stack.pop()
            if node.type in SIMPLE and node.start_byte not in seen:
                seen.add(node.start_byte)
                out.extend(_swallowed(node, data))
            stack.extend(node.named_children)
    return sorted(set(out), key=lambda found: found[1])


def _swallowed(node: "tree_sitter.Node", data: bytes) -> list[tuple[int | None, int]]:
    children = node.children
    out = []
    for i in range(1, len(children)):
        before, after = children[i - 1], children[i]
        newline = _unescaped_newline(data, before, after.start_byte)
        if newline is None:
            continue
        k = i - 1
        while k > 0 and children[k].type == "comment":  # the `;` goes before the comment
            k -= 1
        out.append((_blank(data, children[k].end_byte, newline), newline))
    return out


def _unescaped_newline(data: bytes, before: "tree_sitter.Node", end: int) -> int | None:
    at = data.find(b"\n", before.end_byte, end)
    while at >= 0:
        if at == before.end_byte and before.type == "comment":
            return at  # a comment's backslash continues nothing
        slashes = 0
        while at - slashes - 1 >= 0 and data[at - slashes - 1] == 0x5C:
            slashes += 1
        if slashes % 2 == 0:
            return at
        at = data.find(b"\n", at + 1, end)
    return None


def _blank(data: bytes, at: int, limit: int) -> int | None:
    """The first space, tab or newline from `at` on (line continuations skipped)."""
    while at <= limit:
        byte = data[at]
        if byte == 0x5C and data[at + 1:at + 2] == b"\n":
            at += 2
        elif byte in (0x20, 0x09, 0x0A):
            return at
        else:
            return None
    return None
