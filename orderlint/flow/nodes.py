"""nodes: what the flow reads from a syntax node without running it.

Its line, a short name for messages (`describe`), its descendants and file, whether a loop
body breaks out, whether a statement looks at `$?` first thing.
"""

from __future__ import annotations

from orderlint.model import Pos
from orderlint.shell.syntax import (
    AndOr,
    Background,
    Case,
    Command,
    If,
    Inert,
    Node,
    Not,
    Pipeline,
    Seq,
    Subshell,
    Test,
    Word,
)


def _line(word_or_pos) -> int:
    pos = word_or_pos.start if hasattr(word_or_pos, "start") else word_or_pos
    return pos.row + 1


def describe(node: Node) -> str:
    """A short name for a command, for messages: `run_migrations`, `bin/rails db:migrate`."""
    if isinstance(node, Command):
        if node.words:
            text = " ".join(w.raw.replace("\n", " ") for w in node.words[:3])
            return text if len(text) <= 40 else text[:39] + "…"
        if node.assigns:
            return node.assigns[0].name + "=…"
        return "command"
    if type(node) is Inert:
        return describe(node.full())
    if isinstance(node, Seq):
        return describe(node.items[0]) if len(node.items) == 1 else "{ … }"
    if isinstance(node, Subshell):
        return "( … )"
    if isinstance(node, (Not, Background)):
        return describe(node.body)
    if isinstance(node, AndOr):
        return describe(node.left)
    if isinstance(node, Pipeline):
        return describe(node.stages[0])
    return type(node).__name__.lower()


def _descendants(node):
    """Every node below `node`, pre-order and left to right; words are yielded, not opened."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, tuple):
            stack.extend(reversed(n))
        elif hasattr(n, "__dataclass_fields__") and not isinstance(n, (Word, Pos)):
            stack.extend(reversed([getattr(n, f) for f in n.__dataclass_fields__ if f != "summary"]))


def _node_path(node) -> str | None:
    """The file a node was written in: that of its first word."""
    for n in _descendants(node):
        if isinstance(n, (Word, Inert)):
            return n.path
        if isinstance(n, Command):
            words = list(n.words) + [a.value for a in n.assigns if a.value is not None]
            if words:
                return words[0].path
    return None


def _breaks_out(node) -> bool:
    """Can a loop body leave the loop itself (not a nested loop): a `break`, or an `exit` or
    `return` (`if task; then exit 0; fi` ends the retries on success as `break` does)?"""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Command):
            if n.words and n.words[0].literal in ("break", "exit", "return"):
                return True
        elif isinstance(n, Seq):
            stack.extend(n.items)
        elif isinstance(n, AndOr):
            stack.extend((n.left, n.right))
        elif isinstance(n, Not):
            stack.append(n.body)
        elif isinstance(n, If):
            for cond, body in n.clauses:
                stack.extend((cond, body))
            if n.orelse is not None:
                stack.append(n.orelse)
        elif isinstance(n, Case):
            stack.extend(item.body for item in n.items)
    return False


def _reads_status(node: Node) -> bool:
    """Does the statement look at `$?` (or an `rc=$?` capture) first thing?"""
    if isinstance(node, Command):
        words = list(node.words) + [a.value for a in node.assigns if a.value is not None]
        return any(p.kind == "param" and p.text == "?" for w in words for p in w.parts)
    if isinstance(node, Test):
        return any(isinstance(o, Word) and any(p.kind == "param" and p.text == "?" for p in o.parts)
                   for o in node.operands)
    if isinstance(node, If):
        return _reads_status(node.clauses[0][0])
    if isinstance(node, Seq):
        return bool(node.items) and _reads_status(node.items[0])
    if isinstance(node, (AndOr,)):
        return _reads_status(node.left)
    if isinstance(node, Not):
        return _reads_status(node.body)
    if isinstance(node, Case):
        return any(p.kind == "param" and p.text == "?" for p in node.subject.parts)
    return False
