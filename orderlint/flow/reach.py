"""reach: whether an entry script that names no Rails command could still run one.

Most shell scripts never name `rails` or `rake`; such a script can reach a task only through a
file it sources or another script it runs. Walking every path of it (as `flow` does) to find out
costs far more than the answer: this stage walks its syntax once, in file order, calling each
function and following each sourced file and child script the first time it is met, with the
variables the flow would know. It says "yes, run the flow" as soon as it meets a file that names
a Rails command or a string run as shell; otherwise it leaves the notes the flow would have left
(OL002 on what it cannot follow) in the interpreter, and the flow is not run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orderlint.shell.extract import LAUNCHER_NAMES, PLAIN_NAME, parse_nested
from orderlint.flow import Interpreter, State, replace
from orderlint.shell.launch import classify
from orderlint.model import OrderlintError
from orderlint.shell.parse import captures
from orderlint.shell.syntax import (
    AndOr,
    Background,
    Case,
    Command,
    FunctionDef,
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

# Text that may run a Rails task or build its name: the flow decides what it really does.
MAY_NAME_TASK = (b"rails", b"rake", b"db:")  # in any case
MAX_DEPTH = 200  # deeper than this, the flow (which summarises) decides
LEAVES = frozenset({"exit", "return", "break", "continue"})


def names_task(data: bytes) -> bool:
    lowered = data.lower()  # ASCII letters only, as a bytes pattern's IGNORECASE
    return any(needle in lowered for needle in MAY_NAME_TASK)


# Commands that may read or run another file: `source`, a shell, a launcher, `exec`, `eval`.
_FOLLOWS = frozenset({"source", ".", "exec", "eval", "command", "builtin"})


def runs_other_code(tree, data: bytes) -> bool:
    """Whether any command of the file may read or run another file (or a string as shell):
    a path or an expansion as its name, `source`, a shell or a launcher. Most scripts that
    merely mention `./configure` or `x.sh` in a comment or a message run nothing of the kind."""
    for node in captures("(command_name) @name", tree.root_node).get("name", ()):
        name = data[node.start_byte:node.end_byte].decode("utf-8", "replace")
        if name in _FOLLOWS or name in LAUNCHER_NAMES or not PLAIN_NAME.fullmatch(name):
            return True
    return False


class Reachable(Exception):
    """A Rails task may be reached: the flow must run."""


@dataclass
class _Walk:
    interp: Interpreter
    state: State
    functions: dict[str, FunctionDef] = field(default_factory=dict)
    called: set[int] = field(default_factory=set)  # function bodies walked already
    files: set[str] = field(default_factory=set)  # sourced files and child scripts walked already
    depth: int = 0


def may_reach_rails(interp: Interpreter, body: Seq, state: State) -> bool:
    """False when no path of the script can run a Rails task (the notes are then in `interp`)."""
    walk = _Walk(interp, state, files={str(interp.entry)})
    try:
        _seq(walk, body.items)
    except Reachable:
        return True
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps well below the limit
        return True
    return False


def _seq(walk: _Walk, items) -> None:
    for item in items:
        _node(walk, item)
        if isinstance(item, Command) and item.words and item.words[0].literal in LEAVES:
            return  # what follows an unconditional exit, return, break or continue never runs


def _node(walk: _Walk, node) -> None:
    walk.depth += 1
    try:
        if walk.depth > MAX_DEPTH:
            raise Reachable
        if isinstance(node, Command):
            _command(walk, node)
        elif isinstance(node, Seq):
            _seq(walk, node.items)
        elif isinstance(node, AndOr):
            _node(walk, node.left)
            _node(walk, node.right)
        elif isinstance(node, (Not, Subshell, Background)):
            _node(walk, node.body)
        elif isinstance(node, Pipeline):
            for stage in node.stages:
                _node(walk, stage)
        elif isinstance(node, If):
            for condition, body in node.clauses:
                _node(walk, condition)
                _node(walk, body)
            if node.orelse is not None:
                _node(walk, node.orelse)
        elif isinstance(node, Case):
            _words(walk, (node.subject,))
            for item in node.items:
                _node(walk, item.body)
        elif isinstance(node, Loop):
            _words(walk, node.items or ())
            if node.condition is not None:
                _node(walk, node.condition)
            _node(walk, node.body)
        elif isinstance(node, Test):
            _words(walk, [w for w in node.operands if isinstance(w, Word)])
        elif isinstance(node, FunctionDef):
            walk.functions[node.name] = node
        elif type(node) is Inert:
            if any(name in walk.functions for name in node.names):
                _node(walk, node.full())
            elif node.assigned:
                st = walk.state
                walk.state = replace(st, variables={**st.variables, **dict.fromkeys(node.assigned)})
    finally:
        walk.depth -= 1


def _words(walk: _Walk, words) -> None:
    for w in words:
        for body in w.substitutions:
            _node(walk, body)


def _command(walk: _Walk, node: Command) -> None:
    interp, st = walk.interp, walk.state
    if node.stdin is not None and node.stdin.expands and names_task(node.stdin.text.encode()):
        raise Reachable
    _words(walk, node.words)
    _words(walk, [a.value for a in node.assigns if a.value is not None])
    if not node.words or node.declaration:
        values = {a.name: interp.expand_one(a.value, st) if a.value is not None else "" for a in node.assigns}
        walk.state = replace(st, variables={**st.variables, **values})
        return
    words = interp.expand(node.words, st)
    if not words:
        return
    name = words[0].literal
    if name in walk.functions:
        fn = walk.functions[name]
        if id(fn) not in walk.called:
            walk.called.add(id(fn))
            saved = walk.state.positional
            walk.state = replace(walk.state, positional=tuple(words[1:]))
            _node(walk, fn.body)
            walk.state = replace(walk.state, positional=saved)
        return
    if name in ("source", "."):
        _source(walk, node, words[1:])
        return
    if name == "cd":
        walk.state = interp.simple(node, words, st, {})[0].state
        return
    launch = classify(words, node.stdin, interp.launchers)
    if launch.rails is not None:
        raise Reachable
    if launch.shell is not None:
        _shell(walk, node, launch.shell)
        return
    target = interp._script_target(launch.words, st) if launch.words else None
    if target is not None:
        _child(walk, node, target[0], target[1])


def _shell(walk: _Walk, node: Command, run) -> None:
    """`bash -c '…'`, `eval "…"`, a heredoc fed to a shell: their text, parsed as the flow parses it."""
    if names_task(run.text.encode()):
        raise Reachable
    if run.heredoc is not None:
        origin, path = run.heredoc.start, run.heredoc.path or (node.words[0].path if node.words else "")
    else:
        origin, path = run.start_word.script_start or run.start_word.start, run.start_word.path
    saved, saved_functions = walk.state, walk.functions
    if not run.same_shell:
        walk.state, walk.functions = replace(saved, variables={}, positional=None), {}
    _node(walk, parse_nested(path, run.text, origin))
    if not run.same_shell:
        walk.state, walk.functions = saved, saved_functions


def _enter(walk: _Walk, path, loaded, user: str) -> bool:
    """Whether a sourced file or child script is walked now: the first time it is met, unless it
    names a task (then the flow runs). Recorded as the flow records it."""
    if str(path) in walk.files:
        return False
    if names_task(loaded.parsed.data):
        raise Reachable
    walk.files.add(str(path))
    walk.interp.files_read.add(str(path))
    walk.interp.on_source(loaded.parsed.path, user)
    return True


def _source(walk: _Walk, node: Command, args: tuple[Word, ...]) -> None:
    if not args:
        return
    found = walk.interp.source_target(args, walk.state)  # the flow's own resolution, and its OL002 notes
    if found is None or not _enter(walk, found[0], found[1], args[0].path):
        return
    saved = walk.state
    walk.state = replace(saved, current_file=str(found[0]))
    _seq(walk, found[1].script.body.items)
    walk.state = replace(walk.state, current_file=saved.current_file, positional=saved.positional)


def _child(walk: _Walk, node: Command, path, args: tuple[Word, ...]) -> None:
    try:
        loaded = walk.interp.loader.load(path)
    except OrderlintError:
        return
    if not _enter(walk, path, loaded, node.words[0].path if node.words else walk.interp.entry_display):
        return
    saved, saved_functions = walk.state, walk.functions
    walk.state, walk.functions = replace(saved, current_file=str(path), script_file=str(path), positional=args), {}
    _seq(walk, loaded.script.body.items)
    walk.state, walk.functions = saved, saved_functions
