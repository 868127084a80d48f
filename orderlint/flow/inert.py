"""inert: summaries of the code that only runs external commands and sets ordinary variables.

Such a subtree cannot run Rails, change the shell's options or leave the script: the
interpreter does not walk it, it only needs what the summary says (the commands run, the
variables set, whether it writes to stderr, the variables it reads, whether it may fail).
"""

from __future__ import annotations

import re

from orderlint.shell.extract import ALWAYS_OK, DECLARATIONS, STATEFUL
from orderlint.shell.launch import LAUNCHERS, is_env_name
from orderlint.flow.nodes import _descendants
from orderlint.shell.syntax import (
    AndOr,
    Case,
    Command,
    If,
    Inert,
    Loop,
    Not,
    Pipeline,
    Seq,
    Subshell,
    Test,
    Word,
)


MESSAGE_COMMANDS = frozenset({"echo", "printf", "logger", "say", "notify-send", "wall"})


RAILS_TEXT = re.compile(r"rails|rake")


def _inert_word(w: Word, names: set[str], stack: list) -> bool:
    if RAILS_TEXT.search(w.raw):
        return False
    for p in w.parts:
        if p.kind == "dir" or p.kind == "param" and p.text == "?":
            return False
        if p.kind == "cmd" and p.body is not None:
            stack.append(p.body)  # `$(…)` runs too: it must be inert as well
    return True


RAILS_READS = frozenset({"DISABLE_DATABASE_ENVIRONMENT_CHECK"})  # variables whose export a rule needs to know


def _inert_command_names(node) -> tuple[frozenset[str], frozenset[str]] | None:
    """(command names, variables assigned) of a subtree that only runs external commands and
    sets ordinary variables; None when it may run Rails, call the shell's own machinery, look at
    `$?`, or touch the environment's name."""
    names: set[str] = set()
    assigned: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Command):
            if n.stdin is not None:
                return None
            for a in n.assigns:
                if is_env_name(a.name) or a.name in RAILS_READS or \
                        (a.value is not None and not _inert_word(a.value, names, stack)):
                    return None
                assigned.add(a.name)
            if n.declaration:
                if n.declaration not in DECLARATIONS:
                    return None
                for w in n.words:
                    if w.raw in RAILS_READS:
                        return None  # `export DISABLE_DATABASE_ENVIRONMENT_CHECK`: followed, not summarised
                    if not w.raw.startswith("-"):
                        assigned.add(w.raw)
                continue
            if not n.words:
                continue
            name = n.words[0].literal
            if name is None or name in STATEFUL or name in LAUNCHERS or "/" in name or name.endswith(".sh"):
                return None  # launchers may run another script of the project
            if not all(_inert_word(w, names, stack) for w in n.words):
                return None
            names.add(name)
        elif type(n) is Inert:
            names.update(n.names)
            assigned.update(n.assigned)
        elif isinstance(n, Seq):
            stack.extend(n.items)
        elif isinstance(n, AndOr):
            stack.extend((n.left, n.right))
        elif isinstance(n, Not):
            names.add("!")  # the status is flipped: it may fail
            stack.append(n.body)
        elif isinstance(n, Subshell):
            stack.append(n.body)
        elif isinstance(n, Pipeline):
            stack.extend(n.stages)
        elif isinstance(n, If):
            for cond, body in n.clauses:
                stack.extend((cond, body))
            if n.orelse is not None:
                stack.append(n.orelse)
        elif isinstance(n, Loop):
            if n.condition is not None:
                stack.append(n.condition)
            stack.append(n.body)
        elif isinstance(n, Test):
            names.add("[")  # a test may fail
            for o in n.operands:
                if isinstance(o, Word) and (RAILS_TEXT.search(o.raw) or any(
                        p.kind == "var" and is_env_name(p.text) or p.kind == "param" and p.text == "?"
                        or p.kind == "cmd" for p in o.parts)):
                    return None
        else:  # case, functions, background jobs, unparsed regions: follow them
            return None
    return frozenset(names), frozenset(assigned)


COMPOUND = frozenset({If, Loop, Case, Seq, AndOr, Pipeline, Subshell, Not})
_NOT_INERT: list = [None]  # a summary of a command that is not inert (never changed)


def _summary(node) -> list | None:
    """[commands, variables set, writes to stderr, variables read, may fail] of a compound
    command that only runs external commands, else None; kept on the node, which every entry
    script running the same library shares. The last three are found when first asked for
    (`_detail`): most summaries are only checked against the functions of the script."""
    found = node.summary
    if found is None:
        inert = _inert_command_names(node)
        found = _NOT_INERT if inert is None else [inert[0], inert[1], None, None, None]
        object.__setattr__(node, "summary", found)
    return None if found is _NOT_INERT else found


_DETAILS = {2: lambda n: _writes_to_stderr(n), 3: lambda n: _variables_read(n), 4: lambda n: _may_fail(n)}


def _detail(node, summary: list, index: int):
    if summary[index] is None:
        summary[index] = _DETAILS[index](node)
    return summary[index]


def _may_fail(node) -> bool:
    """Can an inert subtree end with a failure status (or stop under errexit)? Tests in
    conditions and on the left of `&&`/`||` decide branches; they do not fail the statement."""
    if isinstance(node, Command):
        return bool(node.words) and node.words[0].literal not in ALWAYS_OK
    if type(node) is Inert:
        return node.may_fail
    if isinstance(node, Seq):
        return any(_may_fail(item) for item in node.items)
    if isinstance(node, AndOr):
        return _may_fail(node.right) or node.op == "&&"
    if isinstance(node, If):
        return any(_may_fail(body) for _, body in node.clauses) or (node.orelse is not None and _may_fail(node.orelse))
    if isinstance(node, Loop):
        return _may_fail(node.body)
    if isinstance(node, Pipeline):
        return _may_fail(node.stages[-1])
    if isinstance(node, Subshell):
        return _may_fail(node.body)
    return True  # a test, a negation: either way


def _variables_read(node) -> frozenset[str]:
    found: set[str] = set()
    for n in _descendants(node):
        if isinstance(n, Word):
            found.update(p.text for p in n.parts if p.kind == "var")
        elif type(n) is Inert:
            found.update(n.reads)
    return frozenset(found)


def _writes_to_stderr(node) -> bool:
    return any(isinstance(n, Command) and n.redirects_stderr_or_out or type(n) is Inert and n.stderr
               for n in _descendants(node))
