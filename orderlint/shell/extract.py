"""extract: a tree-sitter-bash tree → orderlint's syntax types (orderlint.shell.syntax).

Shell written inside strings and heredocs (`bash -c '…'`, `ssh host '…'`, `eval "…"`) is parsed
again by `parse_nested`, with its positions mapped back into the file it was written in.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache, partial
from typing import TYPE_CHECKING

from orderlint.shell.launch import LAUNCHERS, SHELLS, is_env_name
from orderlint.model import Pos
from orderlint.shell.parse import captures, parse_tree
from orderlint.shell.syntax import (
    AndOr,
    Assign,
    Background,
    Case,
    CaseItem,
    Command,
    FunctionDef,
    Heredoc,
    If,
    Inert,
    Loop,
    Node,
    Not,
    Opaque,
    Part,
    Pipeline,
    Script,
    Seq,
    Subshell,
    Test,
    Word,
)

if TYPE_CHECKING:
    import tree_sitter

# Deeper than this, a subtree is kept as Opaque: scripts nest a handful of levels, and the
# limit keeps recursion far from Python's stack limit on hostile input.
MAX_DEPTH = 120

STATEMENT_TYPES = frozenset({
    "command", "variable_assignment", "variable_assignments", "declaration_command",
    "unset_command", "redirected_statement", "pipeline", "list", "negated_command", "subshell",
    "compound_statement", "if_statement", "case_statement", "while_statement", "until_statement",
    "for_statement", "c_style_for_statement", "function_definition", "test_command", "ERROR",
})

# `$0` or `${BASH_SOURCE[0]}`, maybe through `realpath` / `readlink -f` (the script's real path).
_SCRIPT_NAME = r""""?\$\{?(0|BASH_SOURCE)(?:\[0\])?\}?"?"""
_SCRIPT_REF = (rf"""(?:--\s+)?(?:{_SCRIPT_NAME}|"?\$\(\s*(?:realpath|readlink\s+-[fe]|greadlink\s+-f)\s+"""
               rf"""(?:--\s+)?{_SCRIPT_NAME}\s*\)"?)""")
_DIRNAME_OF_SCRIPT = rf"""dirname\s+{_SCRIPT_REF}"""
_DIRNAME_SUBST = re.compile(
    rf"""^\s*(?:{_DIRNAME_OF_SCRIPT}"""
    rf"""|(?:(?P<cd>cd\s+(?:-P\s+)?(?:--\s+)?)|realpath\s+(?:-[se]\s+)?(?:--\s+)?)"""
    rf"""\"?\$\(\s*{_DIRNAME_OF_SCRIPT}\s*\)(?P<below>(?:/[\w.-]+)*)/?"?\s*"""
    r"""(?(cd)(?:(?:&>|>)\s*/dev/null\s*)?(?:2>&1\s*)?(?:&&|;)\s*pwd(?:\s+-P)?))\s*$"""
)
_ESCAPED = re.compile(r"\\(.)", re.S)
_STRING_ESCAPE = re.compile(r"\\([\"\\$`\n])")  # what a backslash escapes inside double quotes
_LITERAL_NODES = frozenset({"word", "number", "extglob_pattern", "regex", "special_variable_name", "variable_name"})

# Builtins that change what the flow tracks: options, variables, the working directory, control.
STATEFUL = frozenset({
    "exit", "return", "break", "continue", "set", "shopt", "trap", "cd", "pushd", "popd", "source", ".",
    "eval", "exec", "wait", "shift", "local", "export", "declare", "typeset", "readonly", "unset", "read",
    "getopts", "mapfile", "readarray", "let", "alias", "builtin", "command", "false",
})
DECLARATIONS = frozenset({"local", "declare", "typeset", "readonly", "export"})
# Commands that cannot fail in a way that matters here.
ALWAYS_OK = frozenset({
    "true", ":", "echo", "printf", "logger", "cd", "pushd", "popd", "export", "local", "declare",
    "readonly", "typeset", "shift", "wait", "trap", "unset", "sleep", "shopt", "umask", "set",
    "hash", "alias", "unalias", "read", "mkdir", "touch",
})

# Inert statements (see syntax.Inert) are told apart in two steps. First their text: anything
# that may name a task, read a status, find the script's folder, feed a heredoc, run a script
# or go to the background keeps the statement whole. Then what tree-sitter found in it, from
# one query per file: the command names, the variables set and read, the redirections.
NOT_INERT_TEXT = re.compile(
    rb"rails|rake|db:|\$\?|\$\{[#!]?\?|PIPESTATUS|dirname|BASH_SOURCE|\$\{?0|<<|\.sh\b|\.bash\b"
    rb"|(?<![&>|<])&(?![&>])")
INERT_CANDIDATES = frozenset({
    "command", "redirected_statement", "pipeline", "list", "subshell", "compound_statement", "if_statement",
    "while_statement", "until_statement", "for_statement", "c_style_for_statement", "negated_command",
    "test_command",
})
PLAIN_NAME = re.compile(r"[\w.+:@%,][\w.+:@%,-]*")
_INDEX_QUERY = """
(command_name) @name
(variable_assignment name: (_) @assign)
(simple_expansion (variable_name) @read)
(expansion (variable_name) @read)
(file_redirect) @redirect
(test_command) @test
(compound_statement "((") @test
(negated_command) @not
(command_substitution) @substitution
[(heredoc_redirect) (herestring_redirect) (case_statement) (function_definition) (unset_command)
 (declaration_command) (ERROR)] @block
"""
MAX_FAIL_DEPTH = 40
LAUNCHER_NAMES = frozenset(LAUNCHERS) | frozenset(SHELLS)  # they may run another script of the project


class _Index:
    """What tree-sitter found in a file, by kind and sorted by position, looked up by byte range;
    and `blockers`, every position that keeps the statement around it from being inert."""

    __slots__ = ("starts", "nodes", "texts", "blockers")

    def __init__(self, root, data: bytes) -> None:
        found = captures(_INDEX_QUERY, root)
        self.starts: dict[str, list[int]] = {}
        self.nodes: dict[str, list] = {}
        self.texts: dict[str, list[str]] = {}
        for kind, nodes in found.items():
            nodes.sort(key=lambda n: n.start_byte)
            self.nodes[kind] = nodes
            self.starts[kind] = [n.start_byte for n in nodes]
            if kind in ("name", "assign", "read"):
                self.texts[kind] = [data[n.start_byte:n.end_byte].decode("utf-8", "replace") for n in nodes]
        blockers = [m.start() for m in NOT_INERT_TEXT.finditer(data)]
        blockers += self.starts.get("block", ())
        # another script, a launcher, the shell's own machinery
        blockers += (at for at, name in zip(self.starts.get("name", ()), self.texts.get("name", ()))
                     if not PLAIN_NAME.fullmatch(name) or name in STATEFUL or name in LAUNCHER_NAMES)
        # the environment's name: assigned, or read (tests on it narrow the environment)
        for kind in ("assign", "read"):
            blockers += (at for at, name in zip(self.starts.get(kind, ()), self.texts.get(kind, ()))
                         if is_env_name(name.split("[", 1)[0]))
        for test in self.nodes.get("test", ()):  # the flow runs what a test substitutes
            blockers += self.starts_within("substitution", test.start_byte, test.end_byte)
        blockers.sort()
        self.blockers = blockers

    def _range(self, kind: str, start: int, end: int) -> tuple[int, int]:
        starts = self.starts.get(kind)
        if not starts:
            return 0, 0
        return bisect_left(starts, start), bisect_left(starts, end)

    def within(self, kind: str, start: int, end: int) -> list:
        i, j = self._range(kind, start, end)
        return self.nodes[kind][i:j] if j > i else []

    def texts_within(self, kind: str, start: int, end: int) -> list[str]:
        i, j = self._range(kind, start, end)
        return self.texts[kind][i:j] if j > i else []

    def starts_within(self, kind: str, start: int, end: int) -> list[int]:
        i, j = self._range(kind, start, end)
        return self.starts[kind][i:j] if j > i else []

    def blocked(self, start: int, end: int) -> bool:
        i = bisect_left(self.blockers, start)
        return i < len(self.blockers) and self.blockers[i] < end


class _Builder:
    def __init__(self, path: str, data: bytes, origin: Pos, index: _Index | None = None) -> None:
        self.path = path
        self.data = data
        self.origin = origin
        self.origin_row, self.origin_col = origin.row, origin.col
        self.truncated: list[int] = []
        self.index = index  # None: every statement is built whole

    # -- positions -----------------------------------------------------------------------
    def pos(self, point: "tree_sitter.Point") -> Pos:
        row, col = point
        if row == 0:
            return Pos(self.origin_row, self.origin_col + col)
        return Pos(self.origin_row + row, col)

    def text(self, node: "tree_sitter.Node") -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def to_stderr(self, redirect: "tree_sitter.Node") -> bool:
        """`>&2`, `1>&2`: the command's output goes where warnings go."""
        return self.text(redirect).replace(" ", "").startswith((">&2", "1>&2"))

    # -- statements ----------------------------------------------------------------------
    def block(self, nodes, start: Pos, depth: int) -> Seq:
        items: list[Node] = []
        for child in nodes:
            kind = child.type
            if kind == "&" and items:
                items[-1] = Background(items[-1], items[-1].start)
            elif kind in STATEMENT_TYPES:
                built: Node | None = self.inert(child, depth + 1) if self.index is not None else None
                if built is None:
                    built = self.statement(child, depth + 1)
                if built is not None:
                    items.append(built)
        return Seq(tuple(items), start)

    def statement(self, node: "tree_sitter.Node", depth: int) -> Node | None:
        start = self.pos(node.start_point)
        if depth > MAX_DEPTH:
            self.truncated.append(start.row)
            return Opaque(start, f"nested more than {MAX_DEPTH} levels deep")
        kind = node.type
        if kind == "command":
            return self.command(node, depth)
        if kind in ("variable_assignment", "variable_assignments"):
            assigns = [node] if kind == "variable_assignment" else [
                c for c in node.named_children if c.type == "variable_assignment"]
            return Command((), tuple(self.assign(a, depth) for a in assigns), start, self.pos(node.end_point))
        if kind in ("declaration_command", "unset_command"):
            return self.declaration(node, depth)
        if kind == "redirected_statement":
            return self.redirected(node, depth)
        if kind == "pipeline":
            return self.pipeline([c for c in node.named_children if c.type in STATEMENT_TYPES], start, depth)
        if kind == "list":
            parts = [c for c in node.children if c.type in STATEMENT_TYPES or c.type in ("&&", "||")]
            if len(parts) == 3 and parts[1].type in ("&&", "||"):
                left = self.statement(parts[0], depth + 1)
                right = self.statement(parts[2], depth + 1)
                if left is not None and right is not None:
                    return _and_or(left, parts[1].type, right, start)
            return self.block(node.children, start, depth)
        if kind == "negated_command":
            inner = [c for c in node.named_children if c.type in STATEMENT_TYPES]
            negated = self.statement(inner[0], depth + 1) if inner else None
            return Not(negated, start) if negated is not None else None
        if kind == "subshell":
            return Subshell(self.block(node.children, start, depth), start)
        if kind == "compound_statement":
            if node.children and node.children[0].type == "((":
                return Test(self.test_operands(node, depth), start, self.pos(node.end_point), arith=True)
            return self.block(node.children, start, depth)
        if kind == "test_command":
            return Test(self.test_operands(node, depth), start, self.pos(node.end_point))
        if kind == "if_statement":
            return self.if_statement(node, depth)
        if kind == "case_statement":
            return self.case_statement(node, depth)
        if kind in ("while_statement", "until_statement"):
            cond_nodes = node.children_by_field_name("condition")
            condition = self.block(cond_nodes, start, depth)
            body = node.child_by_field_name("body")
            keyword = node.children[0].type if node.children and node.children[0].type in ("while", "until") \
                else kind.split("_")[0]
            return Loop(keyword, condition, self.body(body, depth), start)
        if kind == "for_statement":
            values = node.children_by_field_name("value")
            items = tuple(self.word(v, depth) for v in values) if values else None
            name = node.child_by_field_name("variable")
            variable = self.text(name) if name is not None else None
            return Loop("for", None, self.body(node.child_by_field_name("body"), depth), start, items, variable=variable)
        if kind == "c_style_for_statement":
            return Loop("for", None, self.body(node.child_by_field_name("body"), depth), start, None)
        if kind == "function_definition":
            name_node = node.child_by_field_name("name")
            body = node.child_by_field_name("body")
            built = self.statement(body, depth + 1) if body is not None else None
            return FunctionDef(self.text(name_node) if name_node else "", built or Seq((), start),
                               start, self.pos(node.end_point), self.path)
        if kind == "ERROR":
            # Keep what tree-sitter recovered inside the region; the region itself is OL001.
            return self.block(node.children, start, depth)
        return None

    def pipeline(self, stage_nodes: list, start: Pos, depth: int) -> Node | None:
        stages = [self.statement(c, depth + 1) for c in stage_nodes]
        return _pipeline([s for s in stages if s is not None], start)

    # -- inert statements ------------------------------------------------------------------
    def inert(self, node, depth: int) -> Inert | None:
        """The summary of a statement that only runs external commands, or None."""
        kind = node.type
        if kind not in INERT_CANDIDATES:
            return None
        start, end = node.start_byte, node.end_byte
        index = self.index
        assert index is not None  # called only with an index
        if index.blocked(start, end):
            return None
        command = node.child_by_field_name("body") if kind == "redirected_statement" else node
        if command is None:
            return None  # `> file` alone: nothing to run
        simple = command.type == "command"
        assigned = {name.split("[", 1)[0] for name in index.texts_within("assign", start, end)}
        if assigned and simple:
            return None  # `X=1` and `X=1 cmd` keep their value: the flow reads it
        names = set(index.texts_within("name", start, end))
        if index.starts_within("test", start, end):
            names.add("[")  # a test may fail
        if index.starts_within("not", start, end):
            names.add("!")  # a status turned over may fail
        stderr = any(self.to_stderr(r) and _redirects_a_command(r) for r in index.within("redirect", start, end))
        name = command.child_by_field_name("name") if simple else None
        return Inert(self.pos(node.start_point), self.pos(node.end_point), self.path, frozenset(names),
                     frozenset(assigned), frozenset(index.texts_within("read", start, end)), stderr,
                     _may_fail(node, self.data, 0), partial(self.statement, node, depth),
                     self.text(name) if name is not None else None)

    def body(self, node, depth: int) -> Seq:
        if node is None:
            return Seq((), self.origin)
        return self.block(node.children, self.pos(node.start_point), depth)

    def if_statement(self, node, depth: int) -> If:
        clauses: list[tuple[Node, Node]] = []
        orelse: Node | None = None

        def split(children) -> tuple[list, list]:
            cond, body, seen_then = [], [], False
            for c in children:
                if c.type == "then":
                    seen_then = True
                elif c.type in ("elif_clause", "else_clause", "fi"):
                    break
                elif seen_then:
                    body.append(c)
                else:
                    cond.append(c)
            return cond, body

        cond, body = split(node.children)
        start = self.pos(node.start_point)
        clauses.append((self.block(cond, start, depth), self.block(body, start, depth)))
        for child in node.children:
            if child.type == "elif_clause":
                cond, body = split(child.children)
                cstart = self.pos(child.start_point)
                clauses.append((self.block(cond, cstart, depth), self.block(body, cstart, depth)))
            elif child.type == "else_clause":
                orelse = self.block(child.children, self.pos(child.start_point), depth)
        return If(tuple(clauses), orelse, start)

    def case_statement(self, node, depth: int) -> Case:
        value = node.child_by_field_name("value")
        subject = self.word(value, depth) if value is not None else self.empty_word(node)
        items = []
        for item in node.named_children:
            if item.type != "case_item":
                continue
            patterns = tuple(self.word(p, depth) for p in item.children_by_field_name("value"))
            term = item.child_by_field_name("termination") or item.child_by_field_name("fallthrough")
            falls = term is not None and term.type in (";&", ";;&")
            body_nodes = [c for c in item.children if c.type in STATEMENT_TYPES or c.type == "&"]
            items.append(CaseItem(patterns, self.block(body_nodes, self.pos(item.start_point), depth), falls))
        return Case(subject, tuple(items), self.pos(node.start_point))

    def redirected(self, node, depth: int) -> Node | None:
        body_node = node.child_by_field_name("body")
        stdin: Heredoc | None = None
        to_stderr = False
        tail = None
        for child in node.children_by_field_name("redirect"):
            if child.type == "heredoc_redirect":
                stdin = self.heredoc(child) or stdin
                tail = tail or _heredoc_tail(child)
            elif child.type == "herestring_redirect":
                stdin = self.herestring(child, depth) or stdin
            elif child.type == "file_redirect":
                to_stderr = to_stderr or self.to_stderr(child)
        if body_node is None:
            return None
        body = self.statement(body_node, depth + 1)
        if isinstance(body, Command):
            body = Command(body.words, body.assigns, body.start, body.end, stdin or body.stdin,
                           body.declaration, body.redirects_stderr_or_out or to_stderr)
        elif isinstance(body, AndOr) and to_stderr:
            body = _last_to_stderr(body)
        if tail is not None and body is not None:
            return _after_heredoc(self, body, tail, depth)
        return body

    def herestring(self, node, depth: int) -> Heredoc | None:
        target = next(iter(node.named_children), None)
        if target is None:
            return None
        w = self.word(target, depth)
        if w.script is None or w.script_start is None:
            return None
        return Heredoc(w.script, w.script_start, expands=True, path=self.path)

    def heredoc(self, node) -> Heredoc | None:
        body = next((c for c in node.children if c.type == "heredoc_body"), None)
        start_tok = next((c for c in node.children if c.type == "heredoc_start"), None)
        if body is None:
            return None
        quoted = start_tok is not None and any(q in self.text(start_tok) for q in "'\"\\")
        return Heredoc(self.text(body), self.pos(body.start_point), expands=not quoted, path=self.path)

    def command(self, node, depth: int) -> Command:
        words: list[Word] = []
        assigns: list[Assign] = []
        stdin = None
        for child in node.children:
            kind = child.type
            if kind == "variable_assignment":
                assigns.append(self.assign(child, depth))
            elif kind == "command_name":
                inner = child.named_children[0] if child.named_children else child
                words.append(self.word(inner, depth))
            elif kind == "heredoc_redirect":
                stdin = self.heredoc(child) or stdin
            elif kind == "herestring_redirect":
                stdin = self.herestring(child, depth) or stdin
            elif kind in ("file_redirect", "comment", "subscript") or not child.is_named:
                continue
            else:
                words.append(self.word(child, depth))
        return Command(tuple(words), tuple(assigns), self.pos(node.start_point), self.pos(node.end_point), stdin)

    def declaration(self, node, depth: int) -> Command:
        keyword = node.children[0].type if node.children else "declare"
        words: list[Word] = []
        assigns: list[Assign] = []
        for child in node.children[1:]:
            if child.type == "variable_assignment":
                assigns.append(self.assign(child, depth))
            elif child.is_named:
                words.append(self.word(child, depth))
        return Command(tuple(words), tuple(assigns), self.pos(node.start_point), self.pos(node.end_point),
                       None, keyword)

    def assign(self, node, depth: int) -> Assign:
        name_node = node.child_by_field_name("name")
        value_node = node.child_by_field_name("value")
        name = self.text(name_node) if name_node is not None else ""
        if name_node is not None and name_node.type == "subscript":
            inner = name_node.child_by_field_name("name")
            name = self.text(inner) if inner is not None else name
        value = self.word(value_node, depth) if value_node is not None else None
        return Assign(name, value, self.pos(node.start_point))

    def test_operands(self, node, depth: int) -> tuple[Word | str, ...]:
        out: list[Word | str] = []
        stack = list(reversed(node.children))
        while stack:
            child = stack.pop()
            kind = child.type
            if kind in ("binary_expression", "unary_expression", "parenthesized_expression",
                        "postfix_expression", "ternary_expression"):
                stack.extend(reversed(child.children))
            elif kind in ("[", "]", "[[", "]]", "((", "))", "(", ")"):
                continue
            elif not child.is_named or kind == "test_operator":
                out.append(self.text(child))
            else:
                out.append(self.word(child, depth))
        return tuple(out)

    # -- words ---------------------------------------------------------------------------
    def empty_word(self, node) -> Word:
        p = self.pos(node.start_point)
        return Word((), self.path, p, p, "")

    def word(self, node, depth: int) -> Word:
        start, end = self.pos(node.start_point), self.pos(node.end_point)
        raw = self.text(node)
        parts = tuple(self.parts(node, False, depth))
        script, script_start = None, None
        kind = node.type
        if kind == "word":
            script, script_start = raw, start
        elif kind == "raw_string":
            script, script_start = raw[1:-1], Pos(start.row, start.col + 1)
        elif kind == "string":
            # Keep every character in place (an escape's backslash becomes a space) so that
            # columns of the re-parsed shell map one to one onto the file.
            script = raw[1:-1]
            if "\\" in script:
                script = re.sub(r"\\([\"\\$`])", r" \1", script)
            script_start = Pos(start.row, start.col + 1)
        return Word(parts, self.path, start, end, raw, script, script_start)

    def parts(self, node, quoted: bool, depth: int, out: list[Part] | None = None) -> list[Part]:
        """The parts of a word, appended to `out` (a new list when None)."""
        if out is None:
            out = []
        kind = node.type
        if kind in _LITERAL_NODES:
            text = self.text(node)
            out.append(Part("lit", text if quoted or "\\" not in text else _ESCAPED.sub(r"\1", text), quoted))
        elif kind == "raw_string":
            out.append(Part("lit", self.text(node)[1:-1], True))
        elif kind == "ansi_c_string":
            out.append(Part("lit", self.text(node)[2:-1], True))
        elif kind in ("string", "translated_string"):
            inner = [c for c in node.children if c.type not in ('"', '$"')]
            if not inner:
                out.append(Part("lit", "", True))
            for child in inner:
                if child.type == "string_content":
                    text = self.text(child)
                    out.append(Part("lit", _STRING_ESCAPE.sub(r"\1", text) if "\\" in text else text, True))
                else:
                    self.parts(child, True, depth, out)
        elif kind == "concatenation":
            for child in node.children:
                self.parts(child, quoted, depth, out)
        elif kind == "simple_expansion":
            name = self.text(node)[1:]
            out.append(Part("param" if _is_param(name) else "var", name, quoted))
        elif kind == "expansion":
            out.append(self.expansion(node, quoted))
        elif kind == "command_substitution":
            body_text = self.text(node)
            m = _DIRNAME_SUBST.match(body_text[2:-1] if body_text.startswith("$(") else body_text)
            if m:
                out.append(Part("dir", "0" if "0" in m.groups() else "BASH_SOURCE", quoted))  # `$0` or BASH_SOURCE
                if m.group("below"):  # `$(cd "$(dirname "$0")/../.." && pwd)`
                    out.append(Part("lit", m.group("below"), quoted))
            elif depth > MAX_DEPTH:
                out.append(Part("dyn", body_text, quoted))
            else:
                body = self.block(node.children, self.pos(node.start_point), depth + 1)
                out.append(Part("cmd", body_text, quoted, body=body))
        else:
            out.append(Part("dyn", self.text(node), quoted))
        return out

    def expansion(self, node, quoted: bool) -> Part:
        text = self.text(node)
        inner = text[2:-1] if text.startswith("${") else text
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(\[[^\]]*\])?(.*)", inner, re.S)
        if not m:
            return Part("dyn", text, quoted)
        name, subscript, rest = m.group(1), m.group(2), m.group(3)
        if name in ("BASH_SOURCE", "0") and rest in ("%/*", "%/*/"):
            return Part("dir", name, quoted)
        if name == "PIPESTATUS" and not rest:
            return Part("var", "PIPESTATUS", quoted)  # the statuses of the last pipeline
        if name == "BASH_SOURCE" and subscript in (None, "[0]") and not rest:
            return Part("var", "BASH_SOURCE", quoted)
        if subscript:
            return Part("dyn", text, quoted)
        default = None
        op = re.match(r":?[-=]", rest)
        if op:
            default = _ESCAPED.sub(r"\1", rest[op.end():].strip("'\""))
        elif rest:
            return Part("dyn", text, quoted)
        return Part("param" if _is_param(name) else "var", name, quoted, default)


def _may_fail(node, data: bytes, depth: int) -> bool:
    """As flow's _may_fail on the built statement: can it end with a failure status?"""
    if depth > MAX_FAIL_DEPTH:
        return True
    kind = node.type
    if kind == "command":
        name = node.child_by_field_name("name")
        return name is not None and _text(data, name) not in ALWAYS_OK
    if kind in ("variable_assignment", "variable_assignments"):
        return False
    if kind == "declaration_command":  # as a built Command: its words are the names declared
        words = [c for c in node.children[1:] if c.is_named and c.type != "variable_assignment"]
        return bool(words) and _text(data, words[0]) not in ALWAYS_OK
    if kind == "redirected_statement":
        body = node.child_by_field_name("body")
        return body is None or _may_fail(body, data, depth + 1)
    if kind == "list":
        parts = [c for c in node.children if c.type in STATEMENT_TYPES or c.type in ("&&", "||")]
        if len(parts) == 3 and parts[1].type in ("&&", "||"):
            return parts[1].type == "&&" or _may_fail(parts[2], data, depth + 1)
        return True
    if kind == "pipeline":
        stages = [c for c in node.named_children if c.type in STATEMENT_TYPES]
        return not stages or _may_fail(stages[-1], data, depth + 1)
    if kind in ("subshell", "compound_statement", "do_group", "else_clause"):
        if node.children and node.children[0].type == "((":
            return True
        return any(_may_fail(c, data, depth + 1) for c in node.children if c.type in STATEMENT_TYPES)
    if kind in ("if_statement", "elif_clause"):
        seen_then = False
        for c in node.children:
            if c.type == "then":
                seen_then = True
            elif c.type in ("elif_clause", "else_clause"):
                if _may_fail(c, data, depth + 1):
                    return True
            elif seen_then and c.type in STATEMENT_TYPES and _may_fail(c, data, depth + 1):
                return True
        return False
    if kind in ("while_statement", "until_statement", "for_statement", "c_style_for_statement"):
        body = node.child_by_field_name("body")
        return body is not None and _may_fail(body, data, depth + 1)
    return True  # a test, a negation: either way


def _pipeline(stages: list, start: Pos) -> Node | None:
    """The pipeline bash reads. Its stages are commands, groups, subshells and compound commands;
    a stage that is a list, a pipeline or a negation is tree-sitter-bash's misreading (`a | b | c
    || d` as `a | (b | c || d)`, `a || b 2>&1 | c` as `(a || b 2>&1) | c`, `! a | b` as `(! a) |
    b`), and bash binds `|` tighter than `&&`/`||`, with `!` over the whole pipeline."""
    flat: list = []
    for stage in stages:
        flat.extend(stage.stages if isinstance(stage, Pipeline) else (stage,))
    if len(flat) < 2:
        return flat[0] if flat else None
    first = flat[0]
    # `a | b || c`: `(a | b) || c`; `a || b | c`: `a || (b | c)`; and a list read as a middle
    # stage, `a 2>&1 | b && c >&2 | d`: `(a | b) && (c | d)`
    k = next((k for k, stage in enumerate(flat) if isinstance(stage, AndOr)), None)
    if k is not None:
        split = flat[k]
        return _and_or(_piped([*flat[:k], split.left], start), split.op,
                       _piped([split.right, *flat[k + 1:]], start), start)
    if isinstance(first, Not):  # `! a | b`: `! (a | b)`
        return Not(_piped([first.body, *flat[1:]], start), start)
    return Pipeline(tuple(flat), start)


def _piped(stages: list, start: Pos) -> Node:
    """The pipeline of two stages or more, which is never None."""
    node = _pipeline(stages, start)
    assert node is not None
    return node


def _and_or(left: Node, op: str, right: Node, start: Pos) -> Node:
    """`&&` and `||` bind equally, from the left: a list on the right of one (tree-sitter-bash's
    reading of a pipeline stage that was a list) is `(left op right.left) right.op right.right`."""
    if isinstance(right, AndOr):
        return _and_or(_and_or(left, op, right.left, start), right.op, right.right, start)
    return AndOr(left, op, right, start)


def _text(data: bytes, node) -> str:
    return data[node.start_byte:node.end_byte].decode("utf-8", "replace")


def _heredoc_tail(redirect) -> tuple[str, "tree_sitter.Node"] | None:
    """`cmd <<EOF || true`, `cmd <<EOF | grep x`: tree-sitter hangs what follows the heredoc's
    start on the redirection; the operator and the rest of the list."""
    op = right = None
    for k, child in enumerate(redirect.children):
        field = redirect.field_name_for_child(k)
        if field == "operator" and child.type in ("&&", "||"):
            op = child.type
        elif field == "right":
            right = child
        elif child.type == "pipeline" and op is None:
            op, right = "|", child
    return (op, right) if op is not None and right is not None else None


def _after_heredoc(builder: "_Builder", body: Node, tail, depth: int) -> Node:
    """The list or pipeline the command with the heredoc begins, built as bash groups it:
    `a <<EOF || b && c` is `(a || b) && c`."""
    op, right = tail
    if op == "|":
        stages = [builder.statement(c, depth + 1) for c in right.named_children if c.type in STATEMENT_TYPES]
        return Pipeline((body, *(s for s in stages if s is not None)), body.start)

    def chain(node) -> list:
        parts = [c for c in node.children if c.type in STATEMENT_TYPES or c.type in ("&&", "||")]
        if node.type == "list" and len(parts) == 3 and parts[1].type in ("&&", "||"):
            return chain(parts[0]) + [parts[1].type] + chain(parts[2])
        return [node]

    items = chain(right)
    result = body
    for k in range(0, len(items), 2):
        built = builder.statement(items[k], depth + 1)
        if built is None:
            break
        result = AndOr(result, op if k == 0 else items[k - 1], built, body.start)
    return result


def _is_param(name: str) -> bool:
    return name in ("@", "*", "#", "?", "$", "!", "-") or name.isdigit()


LIBRARY_COMMANDS = frozenset({"source", ".", "set", "readonly", "export", "return", ":", "shopt"})


def library_shape(tree: "tree_sitter.Tree", data: bytes) -> bool:
    """A file of only functions (with assignments, `source` lines and load guards) runs
    nothing by itself: a library, reported through the scripts that use it."""
    def name_of(command) -> str:
        name = command.child_by_field_name("name")
        return data[name.start_byte:name.end_byte].decode("utf-8", "replace") if name is not None else ""

    has_function = False
    for item in tree.root_node.named_children:
        kind = item.type
        if kind == "function_definition":
            has_function = True
        elif kind in ("comment", "variable_assignment", "variable_assignments", "declaration_command"):
            continue
        elif kind == "command" and name_of(item) in LIBRARY_COMMANDS:
            continue
        elif kind == "list" and len(item.named_children) == 2:
            left, right = item.named_children
            guard = left.type == "test_command" or (left.type == "command" and name_of(left) in ("[", "[[", "test"))
            if not (guard and right.type == "command" and name_of(right) in ("return", "exit")):
                return False
        else:
            return False
    return has_function


def _redirects_a_command(redirect) -> bool:
    """As `redirected` builds it: a redirection counts on a command, and on a list's last command
    (`a || echo failed >&2`, which tree-sitter-bash hangs on the list), not on a block."""
    parent = redirect.parent
    body = parent.child_by_field_name("body") if parent is not None else None
    while body is not None and body.type == "list" and body.named_children:
        body = body.named_children[-1]
    return body is not None and body.type == "command"


def build_script(path: str, data: bytes, tree: "tree_sitter.Tree") -> Script:
    builder = _Builder(path, data, Pos(0, 0), _Index(tree.root_node, data))
    body = builder.block(tree.root_node.children, Pos(0, 0), 0)
    return Script(path, body, truncated_rows=tuple(builder.truncated))


@lru_cache(maxsize=256)  # the same string runs from many call sites; bounded, memory stays flat
def parse_nested(path: str, text: str, origin: Pos) -> Seq:
    """Parse shell found in a string or heredoc; positions land where the text was written."""
    data = text.encode("utf-8", "surrogateescape")
    tree = parse_tree(data)
    return _Builder(path, data, origin).block(tree.root_node.children, origin, 0)


class _Placed(_Builder):
    """Shell cut out of another kind of file (a workflow's `run:`, a Dockerfile's `RUN`): every
    position is the one that file holds it at, as `locate(row, byte column)` of the text says."""

    def __init__(self, path: str, data: bytes, locate) -> None:
        super().__init__(path, data, Pos(0, 0))
        self.locate = locate

    def pos(self, point: "tree_sitter.Point") -> Pos:
        return self.locate(point[0], point[1])


def parse_placed(path: str, text: str, locate) -> tuple[Seq, tuple[tuple[int, int], ...]]:
    """Parse shell that another file holds; its syntax, and the rows (of `text`) it could not parse."""
    from orderlint.shell.parse import error_regions

    data = text.encode("utf-8", "surrogateescape")
    tree = parse_tree(data)
    builder = _Placed(path, data, locate)
    return builder.block(tree.root_node.children, locate(0, 0), 0), error_regions(tree)


def _last_to_stderr(body: AndOr) -> AndOr:
    """`a || echo failed >&2`: tree-sitter-bash puts the redirection on the whole list, bash on
    its last command."""
    right = body.right
    if isinstance(right, AndOr):
        right = _last_to_stderr(right)
    elif isinstance(right, Command):
        right = Command(right.words, right.assigns, right.start, right.end, right.stdin, right.declaration, True)
    else:
        return body
    return AndOr(body.left, body.op, right, body.start)
