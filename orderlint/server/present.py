"""What the editor shows, without the protocol's types: positions in the client's code units,
the hover of a task, where a suppression directive goes. Every sentence is a message id
rendered in the client's language (`server.…` in the catalogues)."""

from __future__ import annotations

from dataclasses import dataclass

from orderlint.messages import Context, Join, Loc, Message, Step, render

# -- positions -------------------------------------------------------------------------------


def units(text: str, encoding: str) -> int:
    """Length of `text` in the client's code units (utf-16 unless negotiated otherwise)."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def char_index(line: str, count: int, encoding: str) -> int:
    """The character index of a position given in code units."""
    if encoding == "utf-32":
        return min(count, len(line))
    seen = 0
    for index, ch in enumerate(line):
        if seen >= count:
            return index
        seen += len(ch.encode("utf-8")) if encoding == "utf-8" else (2 if ord(ch) > 0xFFFF else 1)
    return len(line)


class Text:
    """A document's text as the client holds it, with line access for position conversions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.bom = text.startswith("\ufeff")  # the analysis reads the file without it

    def line(self, row: int) -> str:
        if 0 <= row < len(self.lines):
            return self.lines[row].rstrip("\r")
        return ""

    def position(self, line1: int, column1: int, encoding: str) -> tuple[int, int]:
        """(row, code units) of a 1-based line and character column of the analysis."""
        row = max(0, line1 - 1)
        chars = max(0, column1 - 1) + (1 if self.bom and row == 0 else 0)
        return row, units(self.line(row)[:chars], encoding)

    def byte_position(self, offset: int, encoding: str) -> tuple[int, int]:
        """(row, code units) of a byte offset of the file as the analysis read it (UTF-8)."""
        data = self.text.encode("utf-8")
        offset = max(0, min(offset, len(data)))
        row = data.count(b"\n", 0, offset)
        start = data.rfind(b"\n", 0, offset) + 1
        return row, units(data[start:offset].decode("utf-8", "replace"), encoding)

    def column1(self, row: int, count: int, encoding: str) -> int:
        """The analysis' 1-based character column of a client position."""
        chars = char_index(self.line(row), count, encoding)
        return chars + 1 - (1 if self.bom and row == 0 and chars > 0 else 0)


# -- hover -----------------------------------------------------------------------------------


def _tasks(invs) -> Join:
    return Join([Message("server.hover.task-at", task=i.task, where=Loc(i.path, i.line, home=i.script))
                 for i in invs])


def _one(script, inv, lang: str, shown_in: str) -> str:
    from orderlint.rules import environment_text

    order = list(script.invocations)
    n = order.index(inv)
    parts = [Message("server.hover.head", task=inv.task, n=n + 1, total=len(order), script=script.path)]
    if inv.databases:
        parts.append(Message("server.hover.databases", dbs=Join(inv.databases, "comma")))
    else:
        parts.append(Message("server.hover.no-database"))
    parts.append(Message("server.hover.environment", env=environment_text(inv.environment)))
    outcome = Message(inv.on_failure)
    if isinstance(inv.reason, Message):
        parts.append(Message("server.hover.failure-why", outcome=outcome, reason=inv.reason))
    else:
        parts.append(Message("server.hover.failure", outcome=outcome))
    if isinstance(inv.fix, Message) and inv.on_failure != "aborts":
        parts.append(Message("server.hover.fix", fix=inv.fix))
    before = [i for i in order[:n] if i.id in inv.must_before] or order[max(0, n - 1):n]
    after = order[n + 1:n + 2]
    parts.append(Message("server.hover.after", tasks=_tasks(before[-2:])) if before else
                 Message("server.hover.first"))
    parts.append(Message("server.hover.before", tasks=_tasks(after)) if after else Message("server.hover.last"))
    policy = script.settings.policy
    step = policy.step_of(inv.task, inv.base, inv.databases, inv.primary)
    if step is not None:
        parts.append(Message("server.hover.step", step=Step(policy.steps[step].name), n=step + 1,
                             total=len(policy.steps)))
    if inv.via:
        parts.append(Message("server.hover.via", via=" → ".join(inv.via)))
    context = Context(here=shown_in, script=script.path)
    return "  \n".join(render(p, lang, context) for p in parts)


def hover_markdown(scripts, shown: str, line1: int, column1: int, lang: str) -> str | None:
    """The hover of the task under a position of `shown`: one block per script that runs it."""
    blocks = []
    for script in sorted(scripts, key=lambda s: (s.path != shown, s.path)):
        for inv in script.invocations:
            if inv.path != shown or not inv.line <= line1 <= inv.end_line:
                continue
            if line1 == inv.line and column1 < inv.column or line1 == inv.end_line and column1 > inv.end_column:
                continue
            blocks.append(_one(script, inv, lang, shown))
    return "\n\n---\n\n".join(dict.fromkeys(blocks)) or None


# -- suppression -----------------------------------------------------------------------------

CONTAINERS = frozenset({"compound_statement", "subshell", "do_group", "if_statement", "elif_clause", "else_clause",
                        "case_statement", "case_item", "function_definition", "while_statement", "for_statement",
                        "c_style_for_statement"})


@dataclass(frozen=True)
class Insertion:
    row: int  # 0-based line the directive goes above
    indent: str


def _last_row(node) -> int:
    row, col = node.end_point
    return row - 1 if col == 0 and row > node.start_point[0] else row  # a heredoc ends at the next line's start


def directive_place(data: bytes, row: int) -> Insertion:
    """Where `# orderlint: disable=…` goes to cover a finding on `row`: above the statement that
    holds the line (a continued command, a heredoc or a `&&` list starts earlier), inside the
    blocks that hold it, indented like it."""
    from orderlint.shell.parse import normalize, parse_tree

    data = normalize(data)
    node = parse_tree(data).root_node
    start = row
    while True:
        child = next((c for c in node.named_children
                      if c.type != "comment" and c.start_point[0] <= row <= _last_row(c)), None)
        if child is None:
            break
        if child.type in CONTAINERS and child.start_point[0] != row:
            node = child
            continue
        start = child.start_point[0]
        break
    lines = data.split(b"\n")
    text = lines[start].decode("utf-8", "replace") if start < len(lines) else ""
    return Insertion(start, text[:len(text) - len(text.lstrip(" \t"))])


def directive_text(code: str) -> str:
    return f"# orderlint: disable={code} -- "


def title(message: Message, lang: str) -> str:
    return render(message, lang)
