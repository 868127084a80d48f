"""flow: run an entry script abstractly, with bash's control flow and errexit rules.

The interpreter walks orderlint's syntax types in execution order, inlining functions and
sourced files at their call sites, following every branch. Each evaluation returns a few
`Flow`s (normal, exit, return, break, continue; failed or not). Along each path the state
carries the Rails task executions that succeeded before (for order rules), the executions
whose failure brought the path here (for failure rules), the environment constraints, and the
errexit/pipefail options with the reason errexit is ignored where it is.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections import ChainMap
from dataclasses import dataclass, field
from dataclasses import replace as _dataclass_replace
from pathlib import Path
from typing import Callable, Iterable

from orderlint.shell.extract import ALWAYS_OK, DECLARATIONS, STATEFUL, parse_nested
from orderlint.shell.launch import (
    ENV_VARIABLES,
    LAUNCHERS,
    Launch,
    RailsRun,
    ShellRun,
    classify,
    is_env_name,
    is_rails_runner,
    rails_environment,
)
from orderlint.model import OrderlintError, Pos
from orderlint.shell.resolve import ScriptLoader, display_path, real_path, resolve_source
from orderlint.shell.syntax import (
    AndOr,
    Background,
    Case,
    Command,
    FunctionDef,
    If,
    Inert,
    Loop,
    Node,
    Not,
    Opaque,
    Part,
    Pipeline,
    Seq,
    Subshell,
    Test,
    Word,
)

ABORTS = "aborts"
WARNS = "continues-with-warning"
SILENT = "continues-silently"
UNKNOWN = "unknown"

ENV_ALIASES = {
    "dev": "development", "development": "development", "local": "development",
    "test": "test", "testing": "test",
    "stage": "staging", "staging": "staging",
    "prod": "production", "production": "production", "live": "production",
}
MESSAGE_COMMANDS = frozenset({"echo", "printf", "logger", "say", "notify-send", "wall"})
MAX_CALL_DEPTH = 40
# Work allowed per entry script before calls and loops are summarised instead of walked:
# nested loops and functions calling each other twice would otherwise grow exponentially.
STEP_BUDGET = 200_000
MAX_LOOPS_UNROLLED = 3  # nested loops deeper than this run their body once
MAX_NESTED_SHELLS = 8


class IdSet:
    """An immutable set of small ints as one bit mask: joins of long scripts stay cheap."""

    __slots__ = ("bits",)

    def __init__(self, bits: int = 0) -> None:
        self.bits = bits

    @classmethod
    def of(cls, ids: Iterable[int]) -> "IdSet":
        bits = 0
        for i in ids:
            bits |= 1 << i
        return cls(bits)

    def __contains__(self, ident: object) -> bool:
        return isinstance(ident, int) and ident >= 0 and (self.bits >> ident) & 1 == 1

    def __iter__(self):
        bits = self.bits
        while bits:
            low = bits & -bits
            yield low.bit_length() - 1
            bits ^= low

    def __len__(self) -> int:
        return bin(self.bits).count("1")

    def __bool__(self) -> bool:
        return self.bits != 0

    def __and__(self, other: "IdSet") -> "IdSet":
        return IdSet(self.bits & other.bits)

    def __or__(self, other: "IdSet") -> "IdSet":
        return IdSet(self.bits | other.bits)

    def __sub__(self, other: "IdSet") -> "IdSet":
        return IdSet(self.bits & ~other.bits)

    def add(self, ident: int) -> "IdSet":
        return IdSet(self.bits | (1 << ident))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IdSet) and other.bits == self.bits

    def __hash__(self) -> int:
        return hash(self.bits)

    def __repr__(self) -> str:
        return f"IdSet({sorted(self)})"


NO_IDS = IdSet()


def normalize_env(name: str) -> str:
    return ENV_ALIASES.get(name.lower(), name.lower())


@dataclass(frozen=True, slots=True)
class EnvSet:
    """The environments a point of a script may run in: `only` (None: any) minus `excluded`."""

    only: frozenset[str] | None = None
    excluded: frozenset[str] = frozenset()

    def restrict(self, names: Iterable[str]) -> "EnvSet":
        names = frozenset(normalize_env(n) for n in names)
        only = names if self.only is None else (self.only & names)
        return EnvSet(only - self.excluded, self.excluded)

    def exclude(self, names: Iterable[str]) -> "EnvSet":
        excluded = self.excluded | {normalize_env(n) for n in names}
        return EnvSet(None if self.only is None else self.only - excluded, excluded)

    def join(self, other: "EnvSet") -> "EnvSet":
        if self.only is None or other.only is None:
            return EnvSet(None, self.excluded & other.excluded)
        return EnvSet(self.only | other.only, frozenset())

    @property
    def empty(self) -> bool:
        return self.only is not None and not self.only

    def may_be(self, name: str) -> bool:
        return (self.only is None or name in self.only) and name not in self.excluded

    def only_development(self) -> bool:
        return self.only is not None and bool(self.only) and self.only <= {"development", "test"}

    def label(self) -> str:
        if self.only is not None:
            return "|".join(sorted(self.only)) or "none"
        if self.excluded:
            return "any except " + "|".join(sorted(self.excluded))
        return "any"


@dataclass(frozen=True, slots=True)
class CallSite:
    function: str  # a function name, `source FILE` or `script FILE`
    path: str
    line: int  # 1-based

    @property
    def name(self) -> str:
        return self.function.split(" ", 1)[1] if self.function.startswith(("script ", "source ")) else self.function


@dataclass(frozen=True, slots=True)
class Fate:
    outcome: str  # ABORTS / WARNS / SILENT
    reason: str
    fallback: frozenset[int] = frozenset()  # executions run by the failure handler
    fix: str = ""  # how to make the failure stop the script


@dataclass
class Execution:
    """One Rails task as the entry script runs it (a static invocation at one call chain)."""

    id: int
    task: str
    word: Word  # where the task name is written
    runner: Word
    arguments: tuple[str, ...]
    via: tuple[str, ...]
    calls: tuple[CallSite, ...]
    script: str  # the entry script
    explicit_env: str | None
    env: EnvSet
    must_before: IdSet
    may_before: IdSet
    order: int
    fates: list[Fate] = field(default_factory=list)
    masked: str | None = None
    output_used: bool = False
    output_inspected: bool = False  # captured in `$(…)` or piped into grep/awk/sed…, not just shown
    disables_env_check: bool = False
    status_tested: bool = False  # its exit status decides a branch (`if`, `&&`, `||`, `$?`)
    command: tuple = ()  # (path, row, col) of the runner: tasks of one command line share it
    cwd: str = ""  # where it runs, when a `cd` made that known (an app of a monorepo)

    @property
    def path(self) -> str:
        return self.word.path

    @property
    def line(self) -> int:
        return self.word.start.row + 1

    @property
    def on_failure(self) -> str:
        outcomes = {f.outcome for f in self.fates}
        if not outcomes:
            return UNKNOWN
        if SILENT in outcomes:
            return SILENT
        if WARNS in outcomes:
            return WARNS
        return ABORTS

    def reason(self, outcome: str) -> str:
        return next((f.reason for f in self.fates if f.outcome == outcome), "")

    def fix(self, outcome: str) -> str:
        return next((f.fix for f in self.fates if f.outcome == outcome), "")


@dataclass(frozen=True, slots=True)
class FlowNote:
    """Something the interpreter met and could not follow (OL002, OL003)."""

    code: str
    path: str
    start: Pos
    end: Pos
    message: str


@dataclass(frozen=True)
class State:
    errexit: bool = False
    pipefail: bool = False
    suppressed: str | None = None  # why errexit is ignored at this point
    variables: dict = field(default_factory=dict)  # name -> literal str, or None when unknown
    positional: tuple[Word, ...] | None = None  # None: unknown arguments
    functions: ChainMap = field(default_factory=ChainMap)  # name -> FunctionDef, one table per shell
    envs: EnvSet = EnvSet()
    must: IdSet = NO_IDS  # executions that succeeded on every path here
    may: IdSet = NO_IDS  # … on some path here
    pending: frozenset[int] = frozenset()  # executions whose failure is the current status
    pending_reason: str = ""
    pending_fix: str = ""
    errexit_origin: str = "the script never enables `set -e`"  # why errexit is off, when it is
    handling: frozenset[int] = frozenset()  # executions whose failure led into this handler
    warned: frozenset[int] = frozenset()
    status_vars: dict = field(default_factory=dict)  # rc=$? captures: name -> frozenset
    background: frozenset[int] = frozenset()  # executions started with `&`, not yet waited for
    calls: tuple[CallSite, ...] = ()
    via: tuple[str, ...] = ()
    current_file: str = ""  # absolute path of the file being run (BASH_SOURCE)
    remote: bool = False
    capturing: str = ""  # who reads the output: "$(…)", or the command it is piped into
    stdin: Heredoc | None = None  # a heredoc fed to the function being run
    inherit_errexit: bool = False  # shopt -s inherit_errexit: `$(…)` keeps set -e
    err_trap: str = ""  # where a `trap … ERR` that exits the script was set
    errtrace: bool = False  # set -E: functions and subshells inherit the ERR trap
    script_file: str = ""  # $0: the script being run, when another script started it
    cwd: str = ""  # the working directory, when a `cd` made it known
    lastpipe: bool = False  # shopt -s lastpipe: a pipeline's last command runs in this shell


def replace(obj, **changes):
    """dataclasses.replace, minus its cost on State, which the interpreter copies at every step."""
    if type(obj) is State:
        new = object.__new__(State)
        values = obj.__dict__.copy()
        values.update(changes)
        object.__setattr__(new, "__dict__", values)
        return new
    return _dataclass_replace(obj, **changes)


def _join_dicts(a: dict, b: dict) -> dict:
    if a is b:
        return a
    out = {k: v for k, v in a.items() if k in b and b[k] == v}
    for k in a.keys() ^ b.keys():
        out[k] = None
    for k in a.keys() & b.keys():
        if a[k] != b[k]:
            out[k] = None
    return out


def join_states(a: State, b: State) -> State:
    """Where paths meet: what holds on both, or on either, as each field needs."""
    if a is b:
        return a
    statuses = dict(a.status_vars)
    for k, v in b.status_vars.items():
        statuses[k] = statuses.get(k, frozenset()) | v
    return replace(
        a,  # fields not listed (calls, via, current file, $0…) are the same on both paths
        errexit=a.errexit and b.errexit,
        pipefail=a.pipefail and b.pipefail,
        suppressed=a.suppressed if a.suppressed == b.suppressed else (a.suppressed or b.suppressed),
        variables=_join_dicts(a.variables, b.variables),
        positional=a.positional if a.positional == b.positional else None,
        envs=a.envs.join(b.envs),
        must=a.must & b.must,
        may=a.may | b.may,
        pending=a.pending | b.pending,
        pending_reason=a.pending_reason or b.pending_reason,
        pending_fix=a.pending_fix or b.pending_fix,
        handling=a.handling | b.handling,
        warned=a.warned | b.warned,
        status_vars=statuses,
        background=a.background | b.background,
        inherit_errexit=a.inherit_errexit and b.inherit_errexit,
        err_trap=a.err_trap if a.err_trap == b.err_trap else "",
        errtrace=a.errtrace and b.errtrace,
        cwd=a.cwd if a.cwd == b.cwd else "",
    )


@dataclass(frozen=True, slots=True)
class Flow:
    kind: str  # "normal" | "exit" | "return" | "break" | "continue"
    state: State
    failed: bool
    exempt: str | None = None  # why errexit does not act on this failure
    reason: str = ""  # for exits: what stops the script


def _merge(flows: list[Flow]) -> list[Flow]:
    """At most one flow per (kind, failed): paths join where bash's state would."""
    groups: dict[tuple[str, bool], Flow] = {}
    for f in flows:
        if f.state.envs.empty:
            continue  # a branch that no environment can reach
        key: tuple = (f.kind, f.failed, f.exempt is not None)
        if f.kind == "exit" and (f.state.pending or f.state.handling):
            key += (f.state.pending, f.state.handling)  # each keeps the reason its causes stop the script
        if key in groups:
            g = groups[key]
            groups[key] = Flow(f.kind, join_states(g.state, f.state), f.failed, g.exempt or f.exempt,
                               g.reason or f.reason)
        else:
            groups[key] = f
    return list(groups.values())


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


def _saved(st: State) -> frozenset[int]:
    """Failures whose status a variable still holds (`rc=$?`)."""
    out: frozenset[int] = frozenset()
    for causes in st.status_vars.values():
        out |= causes
    return out


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
                if is_env_name(a.name) or (a.value is not None and not _inert_word(a.value, names, stack)):
                    return None
                assigned.add(a.name)
            if n.declaration:
                if n.declaration not in DECLARATIONS:
                    return None
                for w in n.words:
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
_NOT_INERT = (None,)


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


def _breaks_out(node) -> bool:
    """Does a loop body contain a `break` of its own (not of a nested loop)?"""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Command):
            if n.words and n.words[0].literal == "break":
                return True
        elif isinstance(n, Seq):
            stack.extend(n.items)
        elif isinstance(n, AndOr):
            stack.extend((n.left, n.right))
        elif isinstance(n, (Not, Subshell)):
            stack.append(n.body)
        elif isinstance(n, If):
            for cond, body in n.clauses:
                stack.extend((cond, body))
            if n.orelse is not None:
                stack.append(n.orelse)
        elif isinstance(n, Case):
            stack.extend(item.body for item in n.items)
    return False


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
    found = set()
    for n in _descendants(node):
        if isinstance(n, Word):
            found.update(p.text for p in n.parts if p.kind == "var")
        elif type(n) is Inert:
            found.update(n.reads)
    return frozenset(found)


def _writes_to_stderr(node) -> bool:
    return any(isinstance(n, Command) and n.redirects_stderr_or_out or type(n) is Inert and n.stderr
               for n in _descendants(node))


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


class Interpreter:
    def __init__(self, entry: Path, entry_display: str, root: Path, loader: ScriptLoader,
                 tracked: Callable[[str], bool], on_source: Callable[[str, str], None] | None = None) -> None:
        self.entry = entry
        self.entry_display = entry_display
        self.root = root
        self.loader = loader
        self.tracked = tracked
        self.on_source = on_source or (lambda lib, user: None)
        self.executions: dict[tuple, Execution] = {}
        self.by_id: dict[int, Execution] = {}
        self.notes: dict[tuple, FlowNote] = {}
        self.nested_depth = 0
        self.steps = 0
        self.loop_depth = 0
        self.retry_loops = 0  # enclosing loops with a `break`: retries whose outcome a counter decides
        self.files_read: set[str] = set()
        self.background_reason: dict[int, str] = {}
        self._at_cache: dict[int, str] = {}
        self._reads_cache: dict[int, frozenset[str]] = {}
        self.captured: dict[int, str] = {}  # executions whose status sits in a variable, unchecked
        self.deferred: dict[int, Fate] = {}  # handled failures whose saved status may still be returned
        self.capture_reason: dict[int, tuple[str, str]] = {}  # why a captured status is lost, and the fix

    # -- bookkeeping ---------------------------------------------------------------------
    def note(self, code: str, word_or_node, message: str) -> None:
        start = word_or_node.start
        end = getattr(word_or_node, "end", start)
        path = getattr(word_or_node, "path", None) or self.entry_display
        key = (code, path, start)
        self.notes.setdefault(key, FlowNote(code, path, start, end, message))

    def fate(self, ids: Iterable[int], outcome: str, reason: str, fallback: frozenset[int] = frozenset(),
             fix: str = "") -> None:
        for i in ids:
            ex = self.by_id.get(i)
            if ex is not None and not ex.masked:
                fate = Fate(outcome, reason, fallback, fix)
                if fate not in ex.fates:
                    ex.fates.append(fate)

    def at(self, node: Node) -> str:
        key = id(node)
        text = self._at_cache.get(key)
        if text is None:
            text = self._at_cache[key] = self.loc(_node_path(node) or self.entry_display, _line(node.start))
        return text

    def loc(self, path: str, line: int) -> str:
        """`line 12` in the entry script, `ops/lib/db.sh:12` elsewhere."""
        return f"line {line}" if path == self.entry_display else f"{path}:{line}"

    def _reads(self, node: Node) -> frozenset[str]:
        key = id(node)
        found = self._reads_cache.get(key)
        if found is None:
            found = self._reads_cache[key] = _variables_read(node)
        return found

    def _forget_pipestatus(self, st: State) -> State:
        for cause in st.status_vars["PIPESTATUS"]:
            if cause in self.captured:
                del self.captured[cause]
                why, fix = self.capture_reason.get(cause, ("its status is never checked", ""))
                self.fate([cause], SILENT, why, fix=fix)
        return replace(st, status_vars={k: v for k, v in st.status_vars.items() if k != "PIPESTATUS"})

    def drop(self, st: State) -> State:
        """The current status is overwritten: failures nobody looked at continue silently."""
        if st.pending:
            self.fate(st.pending - _saved(st), SILENT, st.pending_reason or "its exit status is never checked",
                      fix=st.pending_fix)
            st = replace(st, pending=frozenset(), pending_reason="", pending_fix="")
        return st

    # -- entry ---------------------------------------------------------------------------
    def run(self, body: Seq, state: State) -> list[Flow]:
        flows = self.seq(body.items, state)
        for f in flows:
            if not (f.kind == "exit" and f.failed):  # a script that stops ignores nothing more
                for cause in f.state.background:
                    self.fate([cause], SILENT, self.background_reason.get(cause, "it runs in the background"),
                              fix='`wait "$pid"` for it, under `set -e`')
            causes = f.state.pending | f.state.handling
            if f.kind == "exit":
                self.fate(causes, ABORTS, f.reason or "the script exits")
            elif f.failed and f.state.pending:
                self.fate(f.state.pending, ABORTS, "it is the script's last command: the script exits with its status")
            else:
                self.drop(f.state)
        for cause, fate in self.deferred.items():
            if cause in self.by_id and not self.by_id[cause].fates:
                self.fate([cause], fate.outcome, fate.reason, fate.fallback, fate.fix)
        for cause, variable in self.captured.items():
            why, fix = self.capture_reason.get(cause) or (
                f"its status is saved in `{variable}` but never checked", f'`[ "${variable}" -eq 0 ] || exit "${variable}"`')
            self.fate([cause], SILENT, why, fix=fix)
        return flows

    # -- sequences -----------------------------------------------------------------------
    def seq(self, items: tuple[Node, ...], st: State) -> list[Flow]:
        current = [Flow("normal", st, False)]
        done: list[Flow] = []
        for item in items:
            following: list[Flow] = []
            reads = _reads_status(item)
            for f in current:
                state = f.state if reads else self.drop(f.state)
                if "PIPESTATUS" in state.status_vars and "PIPESTATUS" not in self._reads(item):
                    state = self._forget_pipestatus(state)
                for r in self.ev(item, state):
                    if r.kind != "normal":
                        done.append(r)
                    elif r.failed and (r.state.errexit or r.state.err_trap) and not r.state.suppressed \
                            and not r.exempt:
                        why = "`set -e` stops the script when it fails" if r.state.errexit else \
                            f"the `trap … ERR` set on {r.state.err_trap} stops the script when it fails"
                        done.append(Flow("exit", r.state, True, reason=why))
                    else:
                        if r.failed and r.state.pending:
                            if r.exempt:
                                why, fix = r.exempt, "test it instead: `if ! …; then exit 1; fi`"
                            elif r.state.suppressed:
                                why = f"`set -e` is ignored here because {r.state.suppressed}"
                                fix = "call it as a plain command, or add `|| return 1` after the task"
                            elif not r.state.errexit and not r.state.err_trap:
                                why, fix = r.state.errexit_origin, "`set -e` first, or `|| exit 1` after the task"
                            else:
                                why, fix = "its exit status is never checked", "`|| exit 1` after the task"
                            r = replace(r, state=replace(r.state, pending_reason=why, pending_fix=fix))
                        following.append(r)
            current = _merge(following)
            if not current:
                break
        return _merge(current + done)

    # -- dispatch ------------------------------------------------------------------------
    def ev(self, node: Node, st: State) -> list[Flow]:
        self.steps += 1
        if self.steps > STEP_BUDGET and isinstance(node, (Loop, If, Case)):
            return [Flow("normal", self.drop(st), False), Flow("normal", st, True)]  # out of budget: summarised
        if type(node) is Inert:
            if st.status_vars and node.reads & st.status_vars.keys():
                return self.ev(node.full(), st)
            if not any(name in st.functions for name in node.names):
                return self._summarised(node, st, node.names, node.assigned, node.stderr, node.may_fail)
            fn = st.functions.get(node.call) if node.call is not None else None
            inner = self._function_summary(fn) if fn is not None and not st.remote else None
            if inner is None or any(name in st.functions for name in inner[0] | (node.names - {node.call})):
                return self.ev(node.full(), st)
            # `log_info "…"`: a function that only runs external commands is summarised like them
            return self._summarised(node, st, node.names | inner[0], node.assigned | inner[1],
                                    node.stderr or inner[2], inner[3])
        inert = _summary(node) if type(node) in COMPOUND else None
        if inert is not None and not any(name in st.functions for name in inert[0]) and not (
                st.status_vars and _detail(node, inert, 3) & st.status_vars.keys()):
            return self._summarised(node, st, inert[0], inert[1], _detail(node, inert, 2), _detail(node, inert, 4))
        if isinstance(node, Command):
            return self.command(node, st)
        if isinstance(node, Seq):
            return self.seq(node.items, st)
        if isinstance(node, AndOr):
            return self.and_or(node, st)
        if isinstance(node, Not):
            return self.negate(node, st)
        if isinstance(node, Pipeline):
            return self.pipeline(node, st)
        if isinstance(node, If):
            return self.if_(node, st)
        if isinstance(node, Case):
            return self.case(node, st)
        if isinstance(node, Loop):
            return self.loop(node, st)
        if isinstance(node, Subshell):
            return self.subshell(node.body, st)
        if isinstance(node, Background):
            return self.background(node, st)
        if isinstance(node, Test):
            return self.test(node, st)
        if isinstance(node, FunctionDef):
            # Functions are global to a shell: one table per shell, updated in place.
            st.functions.maps[0][node.name] = node
            return [Flow("normal", st, False)]
        if isinstance(node, Opaque):
            return [Flow("normal", st, False), Flow("normal", st, True)]
        return [Flow("normal", st, False)]

    def _function_summary(self, fn: FunctionDef) -> tuple[frozenset[str], frozenset[str], bool, bool] | None:
        """(commands, variables set, writes to stderr, may fail) of a function whose body only
        runs external commands; None for any other function."""
        body = fn.body
        inert = _summary(body) if type(body) in COMPOUND else None
        return None if inert is None else (inert[0], inert[1], _detail(body, inert, 2), _detail(body, inert, 4))

    def _summarised(self, node: Node, st: State, names: frozenset[str], assigned: frozenset[str], stderr: bool,
                    may_fail: bool) -> list[Flow]:
        """Nothing in `node` can run Rails, change the shell's options, or leave the script: it
        succeeds or fails, may print a warning, and leaves the variables it sets unknown."""
        if st.handling and (names & MESSAGE_COMMANDS or stderr):
            st = replace(st, warned=st.warned | st.handling)
        if assigned:
            st = replace(st, variables={**st.variables, **dict.fromkeys(assigned)})
        st = self.drop(st) if st.pending and not _reads_status(node) else st
        if not may_fail:
            return [Flow("normal", st, False)]  # `if [[ -t 2 ]]; then c=…; fi`, echo…: no failure
        return [Flow("normal", st, False), Flow("normal", st, True)]

    # -- conditions and lists ------------------------------------------------------------
    def condition(self, node: Node, st: State, why: str) -> list[Flow]:
        inner = st if st.suppressed else replace(st, suppressed=why)
        flows = self.ev(node, inner)
        return [replace(f, state=replace(f.state, suppressed=st.suppressed)) for f in flows]

    def handler(self, body: Node | None, st: State, where: str) -> list[Flow]:
        """Run the code a failure leads to; when it ends normally the script goes on."""
        entry_handling = st.handling
        causes = st.pending
        keep = causes if body is not None and _reads_status(body) else frozenset()  # `|| rc=$?`
        st = replace(st, handling=st.handling | causes, pending=keep, pending_reason="")
        flows = self.ev(body, st) if body is not None else [Flow("normal", st, False)]
        out = []
        for f in flows:
            new = f.state.handling - entry_handling
            if f.kind == "normal" and new and f.failed and (f.state.errexit or f.state.err_trap) \
                    and not f.state.suppressed:
                # `task || false`, `|| ( echo; exit 1 )`: the handler fails in turn, and that
                # failure is the statement's status: what follows decides (set -e stops there)
                f = replace(f, state=replace(f.state, handling=entry_handling, pending=f.state.pending | new))
            elif f.kind == "normal" and new and self.retry_loops:
                # A failure handled inside a retry loop goes round again: whether the script
                # finally stops depends on the loop's counter or flag, which orderlint does not
                # follow. Unknown, never reported as an error.
                f = replace(f, state=replace(f.state, handling=entry_handling))
            elif f.kind == "normal" and new:
                fallback = frozenset(f.state.may - st.may)
                saved = _saved(f.state)
                for cause in new:
                    fate = Fate(WARNS if cause in f.state.warned else SILENT, where, fallback,
                                "end the handler with `exit 1`")
                    if cause in saved:
                        self.deferred.setdefault(cause, fate)  # `return $rc` may still raise it
                    else:
                        self.fate([cause], fate.outcome, fate.reason, fate.fallback, fate.fix)
                f = replace(f, state=replace(f.state, handling=entry_handling))
            out.append(f)
        return out

    def and_or(self, node: AndOr, st: State) -> list[Flow]:
        left = self.condition(node.left, st, f"`{describe(node.left)}` is followed by `{node.op}` "
                                             f"on {self.at(node)}")
        out: list[Flow] = []
        for f in left:
            if f.kind != "normal":
                out.append(f)
            elif node.op == "&&":
                if f.failed:
                    out.append(replace(f, exempt=f"errexit ignores a failure followed by `&&` "
                                                 f"({self.at(node)})"))
                elif f.state.pending:  # `[ $? -ne 0 ] && …`: the right side handles the failure
                    out.extend(self.handler(node.right, f.state, f"on failure `&& {describe(node.right)}` runs "
                                                                 f"({self.at(node)}) and the script goes on"))
                else:
                    out.extend(self.ev(node.right, f.state))
            else:
                if f.failed:
                    where = self._or_reason(node)
                    out.extend(self.handler(node.right, f.state, where))
                else:
                    out.append(replace(f, state=self.drop(f.state)))
        return _merge(out)

    def _or_reason(self, node: AndOr) -> str:
        right = node.right
        text = describe(right)
        if isinstance(right, Command) and right.words and right.words[0].literal in ("true", ":"):
            return f"`|| {right.words[0].literal}` on {self.at(node)} discards the failure"
        return f"on failure `|| {text}` runs ({self.at(node)}) and the script goes on"

    def negate(self, node: Not, st: State) -> list[Flow]:
        flows = self.condition(node.body, st, f"`{describe(node.body)}` is negated with `!` on {self.at(node)}")
        out = []
        for f in flows:
            if f.kind == "normal":
                out.append(Flow("normal", f.state, not f.failed,
                                exempt=f"errexit ignores a command negated with `!` ({self.at(node)})"))
            else:
                out.append(f)
        return out

    def if_(self, node: If, st: State) -> list[Flow]:
        out: list[Flow] = []
        current = [Flow("normal", st, True)]
        for cond, body in node.clauses:
            nxt: list[Flow] = []
            for f in current:
                why = f"`{describe(cond)}` is called as an `if` condition on {self.at(cond)}"
                for r in self.condition(cond, self.drop(f.state) if not _reads_status(cond) else f.state, why):
                    if r.kind != "normal":
                        out.append(r)
                    elif not r.failed:
                        out.extend(self.handler(body, r.state, f"the `if` on {self.at(cond)} handles "
                                                              f"the failure and the script goes on"))
                    else:
                        nxt.append(r)
            current = _merge(nxt)
        for f in current:
            where = f"the `if` on {self.at(node)} handles the failure and the script goes on"
            if node.orelse is not None:
                out.extend(self.handler(node.orelse, f.state, where))
            else:
                for r in self.handler(None, f.state, f"the `if` on {self.at(node)} has no `else` "
                                                      f"for the failure"):
                    out.append(replace(r, failed=False))
        return _merge(out)

    def case(self, node: Case, st: State) -> list[Flow]:
        st = st if _reads_status(node) else self.drop(st)
        subject = self.expand_one(node.subject, st)
        env_var = self._env_variable(node.subject)
        out: list[Flow] = []
        remaining = st.envs
        matched_all = False
        falling: list[Flow] = []
        for item in node.items:
            pats = [self.expand_one(p, st) for p in item.patterns]
            branch = st
            if subject is not None and all(p is not None for p in pats):
                if not any(fnmatch.fnmatchcase(subject, p) for p in pats):
                    continue
                matched_all = True
            elif env_var and all(p is not None for p in pats):
                literal = [p for p in pats if not any(ch in p for ch in "*?[")]
                if literal and len(literal) == len(pats):
                    branch = replace(st, envs=remaining.restrict(literal))
                    remaining = remaining.exclude(literal)
                else:
                    branch = replace(st, envs=remaining)
            if any(p == "*" for p in pats):
                matched_all = True  # a catch-all arm: no path skips the case
            flows = self.ev(item.body, branch)
            for f in falling:
                flows += self.ev(item.body, f.state)
            falling = [f for f in flows if f.kind == "normal"] if item.falls_through else []
            out.extend(f for f in flows if not item.falls_through or f.kind != "normal")
            if matched_all:
                break
        if not matched_all:
            out.append(Flow("normal", replace(st, envs=remaining) if env_var else st, False))
        return _merge(out)

    def loop(self, node: Loop, st: State) -> list[Flow]:
        """Two iterations stand for any number. A failed condition that re-enters the body
        (`until bin/rails db:migrate; do sleep 5; done`) is a retry, not an ignored failure:
        only a `break` out of that body lets the failure go on."""
        out: list[Flow] = []
        entry_handling = st.handling
        current = [Flow("normal", st, False)]
        runs_at_least_once = node.kind == "for" and node.items is not None and len(node.items) > 0 and \
            all(w.literal is not None for w in node.items)
        if not runs_at_least_once:
            out.append(Flow("normal", self.drop(st), False))
        self.loop_depth += 1
        retry = _breaks_out(node.body)
        self.retry_loops += retry
        iterations = 2 if self.loop_depth <= MAX_LOOPS_UNROLLED and self.steps < STEP_BUDGET else 1
        try:
            return self._loop(node, st, out, current, entry_handling, iterations)
        finally:
            self.loop_depth -= 1
            self.retry_loops -= retry

    def _loop(self, node: Loop, st: State, out: list[Flow], current: list[Flow], entry_handling: frozenset[int],
              iterations: int) -> list[Flow]:
        for iteration in range(iterations):
            nxt: list[Flow] = []
            for f in current:
                # Order facts are per iteration: the next region's primary migration after this
                # region's queue migration is not "queue before primary".
                state = f.state if iteration == 0 else replace(f.state, must=st.must, may=st.may)
                if node.condition is not None:
                    why = f"`{describe(node.condition)}` is a `{node.kind}` condition on {self.at(node)}"
                    conds = self.condition(node.condition, state, why)
                    go_on = (lambda r: not r.failed) if node.kind == "while" else (lambda r: r.failed)
                    body_states = []
                    for r in conds:
                        if r.kind != "normal":
                            out.append(r)
                        elif go_on(r):
                            body_states.append(replace(r.state, handling=r.state.handling | r.state.pending,
                                                       pending=frozenset(), pending_reason=""))
                        else:
                            out.append(Flow("normal", self.drop(r.state), False))
                else:
                    body_states = [state]
                for bs in body_states:
                    for r in self.ev(node.body, bs):
                        if r.kind == "break":
                            given_up = r.state.handling - entry_handling
                            for cause in given_up:
                                self.fate([cause], WARNS if cause in r.state.warned else SILENT,
                                          f"the `{node.kind}` loop on {self.at(node)} stops retrying (`break`) "
                                          f"and the script goes on", fix="`exit 1` instead of `break`")
                            out.append(Flow("normal", replace(r.state, handling=entry_handling), False))
                        elif r.kind in ("normal", "continue"):
                            nxt.append(Flow("normal", r.state, r.failed if r.kind == "normal" else False))
                        else:
                            out.append(r)
            current = _merge(nxt)
            if node.condition is None:
                out.extend(replace(f, state=replace(f.state, handling=entry_handling)) for f in current)
        return _merge(out)

    def subshell(self, body: Node, st: State, fresh: State | None = None) -> list[Flow]:
        """A child shell: exit ends only it; its variables and options do not come back."""
        inner = fresh
        if inner is None:
            inner = replace(st, functions=st.functions.new_child())
            if st.err_trap and not st.errtrace:
                inner = replace(inner, err_trap="", errexit_origin=inner.errexit_origin if inner.errexit else
                                f"the `trap … ERR` of {st.err_trap} does not reach subshells and `$(…)` "
                                f"(no `set -E`)")
        entry_handling = inner.handling
        flows = self.ev(body, inner) if not isinstance(body, tuple) else self.seq(body, inner)
        out = []
        for f in flows:
            s = f.state
            pending = s.pending
            failed = f.failed
            if f.kind in ("exit", "return"):
                pending = pending | (s.handling - entry_handling)
            merged = replace(st, must=s.must, may=s.may, warned=s.warned, pending=pending, background=s.background,
                             pending_reason=s.pending_reason, handling=st.handling, envs=st.envs)
            out.append(Flow("normal", merged, failed))
        return _merge(out)

    def background(self, node: Background, st: State) -> list[Flow]:
        """`cmd &` returns 0 at once; only `wait PID` gets its status back."""
        out = []
        for f in self.subshell(node.body, st):
            for cause in f.state.pending:
                self.background_reason[cause] = f"it runs in the background (`&`, {self.at(node)}) and nothing " \
                                                f"waits for its status (`wait \"$pid\"` would)"
            out.append(Flow("normal", replace(f.state, pending=frozenset(),
                                              background=f.state.background | f.state.pending), False))
        return _merge(out)

    def wait(self, args: tuple[Word, ...], st: State, node: Command) -> list[Flow]:
        jobs = st.background
        st = replace(st, background=frozenset())
        if not jobs:
            return [Flow("normal", st, False)]
        if not args:
            self.fate(jobs, SILENT, f"`wait` without a job id ({self.at(node)}) returns 0 whatever the job's status",
                      fix='`wait "$pid"`, which returns the job\'s status')
            return [Flow("normal", st, False)]
        return [Flow("normal", st, False), Flow("normal", replace(st, pending=jobs), True)]

    def pipeline(self, node: Pipeline, st: State) -> list[Flow]:
        state = st
        stage_pending: frozenset[int] = frozenset()
        piped: frozenset[int] = frozenset()
        last_name = describe(node.stages[-1])
        for stage in node.stages[:-1]:
            reader = node.stages[node.stages.index(stage) + 1]
            flows = self.subshell(stage, replace(state, capturing=f"| {describe(reader)}"))
            state = flows[0].state
            for f in flows[1:]:
                state = join_states(state, f.state)
            if not st.pipefail:
                # Lost unless the next command reads `${PIPESTATUS[0]}`.
                why = f"the pipeline's status is that of `{last_name}` (no `set -o pipefail`, {self.at(node)})"
                for cause in state.pending:
                    self.captured[cause] = "PIPESTATUS"
                    self.capture_reason[cause] = (why, "`set -o pipefail`")
                piped = piped | state.pending
            else:
                stage_pending |= state.pending
            state = replace(state, pending=frozenset(), capturing=st.capturing)
        out = []
        last = self.ev(node.stages[-1], state) if st.lastpipe else self.subshell(node.stages[-1], state)
        for f in last:
            if piped:
                f = replace(f, state=replace(f.state, status_vars={**f.state.status_vars, "PIPESTATUS": piped}))
            if stage_pending:
                out.append(Flow("normal", replace(f.state, pending=f.state.pending | stage_pending), True))
                if not f.failed:
                    out.append(f)
            else:
                out.append(f)
        return _merge(out)

    # -- tests -----------------------------------------------------------------------------
    def _env_variable(self, word: Word) -> bool:
        names = [p.text for p in word.parts if p.kind == "var"]
        return len(names) == 1 and is_env_name(names[0]) and \
            all(p.kind == "lit" and not p.text.strip() for p in word.parts if p.kind != "var")

    def test(self, node: Test, st: State) -> list[Flow]:
        ops = node.operands
        words = [o for o in ops if isinstance(o, Word)]
        # `$?` / `$rc` checks decide which branch handles the failure.
        status_causes: frozenset[int] | None = None
        variable = None
        for w in words:
            for p in w.parts:
                if p.kind == "param" and p.text == "?":
                    status_causes = st.pending
                elif p.kind == "var" and p.text in st.status_vars:
                    status_causes, variable = st.status_vars[p.text], p.text
                    for cause in status_causes:
                        self.captured.pop(cause, None)
        base = replace(st, pending=frozenset(), pending_reason="")
        if status_causes is not None:
            # On the branch where the test says "it succeeded", the saved status holds no failure.
            succeeded = replace(base, status_vars={k: v for k, v in st.status_vars.items() if k != variable}) \
                if variable else base
            for cause in status_causes:
                if cause in self.by_id:
                    self.by_id[cause].status_tested = True
            text = " ".join(o if isinstance(o, str) else (o.literal or "$") for o in ops)
            nonzero = bool(re.search(r"(-ne|!=|-gt)\s*0\b|0\s*(-ne|!=|-lt)", text))
            zero = bool(re.search(r"(-eq|==?)\s*0\b|0\s*(-eq|==?)", text))
            if nonzero and not zero:
                return [Flow("normal", replace(base, pending=status_causes), False), Flow("normal", succeeded, True)]
            if zero and not nonzero:
                return [Flow("normal", succeeded, False), Flow("normal", replace(base, pending=status_causes), True)]
            return [Flow("normal", replace(base, pending=status_causes), False),
                    Flow("normal", replace(base, pending=status_causes), True)]
        st = self.drop(st)
        # [ "$RAILS_ENV" = production ] narrows the environment of each branch.
        if len(ops) == 3 and isinstance(ops[0], Word) and isinstance(ops[2], Word) and ops[1] in ("=", "==", "!="):
            lhs, rhs = ops[0], ops[2]
            if not self._env_variable(lhs) and self._env_variable(rhs):
                lhs, rhs = rhs, lhs
            value = self.expand_one(rhs, st)
            known = self.expand_one(lhs, st)
            if self._env_variable(lhs) and value is not None and not any(c in value for c in "*?["):
                if known is not None:
                    equal = normalize_env(known) == normalize_env(value)
                    return [Flow("normal", st, equal != (ops[1] == "!="))]
                yes, no = replace(st, envs=st.envs.restrict([value])), replace(st, envs=st.envs.exclude([value]))
                if ops[1] == "!=":
                    yes, no = no, yes
                return [Flow("normal", yes, False), Flow("normal", no, True)]
        self._run_substitutions(words, st)
        return [Flow("normal", st, False), Flow("normal", st, True)]

    # -- words -----------------------------------------------------------------------------
    def _part_text(self, part: Part, st: State) -> str | None:
        if part.kind == "lit":
            return part.text
        if part.kind == "dir":
            if part.text == "0":
                return str(Path(st.script_file).parent) if st.script_file else str(self.entry.parent)
            return str(Path(st.current_file).parent) if st.current_file else str(self.entry.parent)
        if part.kind == "var":
            if part.text == "BASH_SOURCE":
                return st.current_file or str(self.entry)
            if part.text in ("HOME", "PWD"):
                return None
            value = st.variables.get(part.text)
            return value
        if part.kind == "param" and part.text == "0":
            return st.script_file or str(self.entry)
        if part.kind == "param" and part.text.isdigit() and st.positional is not None:
            k = int(part.text)
            if 1 <= k <= len(st.positional):
                return st.positional[k - 1].literal
            return ""
        return None

    def expand_one(self, word: Word, st: State) -> str | None:
        out = []
        for p in word.parts:
            t = self._part_text(p, st)
            if t is None:
                return None
            out.append(t)
        return "".join(out)

    def expand(self, words: tuple[Word, ...], st: State) -> tuple[Word, ...]:
        """Words after parameter expansion: `"$@"` becomes the caller's own words (positions and all)."""
        out: list[Word] = []
        for w in words:
            parts = w.parts
            if len(parts) == 1 and parts[0].kind == "param" and parts[0].text in ("@", "*"):
                if st.positional is None:
                    out.append(w)
                elif parts[0].text == "*" and parts[0].quoted and st.positional:
                    out.append(st.positional[0] if len(st.positional) == 1 else w)
                else:
                    out.extend(st.positional)
                continue
            if len(parts) == 1 and parts[0].kind == "param" and parts[0].text.isdigit() and parts[0].text != "0":
                k = int(parts[0].text)
                if st.positional is not None and 1 <= k <= len(st.positional):
                    out.append(st.positional[k - 1])
                elif st.positional is None:
                    out.append(w)
                continue
            if any(p.kind != "lit" for p in parts):
                texts = [self._part_text(p, st) for p in parts]
                if all(t is not None for t in texts):
                    value = "".join(texts)  # type: ignore[arg-type]
                    lit = (Part("lit", value, True),)
                    if len(parts) == 1 and parts[0].kind == "var" and not parts[0].quoted and value.split() != [value]:
                        out.extend(w.with_parts((Part("lit", piece, False),)) for piece in value.split())
                    else:
                        out.append(w.with_parts(lit))
                    continue
            out.append(w)
        return tuple(out)

    def substitution(self, body: Node, st: State) -> list[Flow]:
        """`$(…)` runs in a subshell where bash turns errexit off unless `inherit_errexit` is set."""
        inner = st
        if st.errexit and not st.inherit_errexit:
            inner = replace(st, errexit=False, errexit_origin="bash turns `set -e` off inside `$(…)` "
                                                              "(no `shopt -s inherit_errexit`)")
        flows = self.subshell(body, replace(inner, capturing="$(…)"))
        return [replace(f, state=replace(f.state, errexit=st.errexit, errexit_origin=st.errexit_origin,
                                         capturing=st.capturing)) for f in flows]

    def _run_substitutions(self, words: Iterable[Word], st: State, reason: str | None = None) -> State:
        """Commands in `$(…)` run first; as arguments their status is lost."""
        for w in words:
            for body in w.substitutions:
                flows = self.substitution(body, st)
                merged = flows[0].state
                for f in flows[1:]:
                    merged = join_states(merged, f.state)
                self.fate(merged.pending, SILENT, reason or f"it runs inside `{w.raw[:40]}`, a command substitution "
                                                            f"whose status is discarded ({self.loc(w.path, _line(w.start))})",
                          fix="assign it first (`out=$(…)`), then use `$out`")
                st = replace(st, must=merged.must, may=merged.may, warned=merged.warned)
        return st

    # -- commands --------------------------------------------------------------------------
    def command(self, node: Command, st: State) -> list[Flow]:
        if not node.words:
            return self.assignments(node, st)
        st = self._run_substitutions(node.words, st)
        if node.declaration:
            return self.assignments(node, st)
        words = self.expand(node.words, st)
        if not words:
            return [Flow("normal", st, False)]
        prefix_env = {a.name: (self.expand_one(a.value, st) if a.value else "") for a in node.assigns}
        return self.simple(node, words, st, prefix_env)

    def assignments(self, node: Command, st: State) -> list[Flow]:
        """`x=$(cmd)` has cmd's status; `local x=$(cmd)` has local's. Success and failure stay
        separate paths, so what succeeded before the next command is known on each."""
        masked_by = node.declaration
        paths: list[tuple[State, bool]] = [(st, False)]
        for a in node.assigns:
            value = a.value
            following: list[tuple[State, bool]] = []
            for state, failed in paths:
                if value is not None and any(p.kind == "param" and p.text == "?" for p in value.parts):
                    for cause in state.pending:
                        self.captured[cause] = a.name
                    state = replace(state, status_vars={**state.status_vars, a.name: state.pending},
                                    pending=frozenset(), pending_reason="")
                    following.append((state, failed))
                    continue
                current = [(state, failed)]
                for body in (value.substitutions if value is not None else ()):
                    nxt: list[tuple[State, bool]] = []
                    for before, _ in current:
                        for f in self.substitution(body, before):
                            after = replace(before, must=f.state.must, may=f.state.may, warned=f.state.warned,
                                            background=f.state.background)
                            if masked_by:
                                where = self.loc(value.path, _line(a.start))
                                self.fate(f.state.pending, SILENT,
                                          f"`{masked_by} {a.name}=$(…)` on {where} returns the status of "
                                          f"`{masked_by}`, not of the command substitution",
                                          fix=f"declare first, then assign: `{masked_by} {a.name}; {a.name}=$(…)`")
                                nxt.append((after, False))
                            elif f.failed:
                                nxt.append((replace(after, pending=f.state.pending,
                                                    pending_reason=f.state.pending_reason), True))
                            else:
                                nxt.append((after, False))
                    current = nxt
                following.extend(current)
            paths = [(replace(s, variables={**s.variables,
                                            a.name: self.expand_one(value, s) if value is not None else ""}), f)
                     for s, f in following]
            paths = [(f.state, f.failed) for f in _merge([Flow("normal", s, f) for s, f in paths])]
        return [Flow("normal", s, f) for s, f in paths]

    def simple(self, node: Command, words: tuple[Word, ...], st: State, prefix_env: dict) -> list[Flow]:
        name = words[0].literal
        args = words[1:]
        if name is not None and not st.remote and name in st.functions and name not in ("command", "builtin"):
            return self.call(st.functions[name], node, words, st)
        if name == "set":
            st = self.set_options(args, st, self.loc(words[0].path, _line(node.start)))
            flags = [a.literal or "" for a in args]
            if any(f.startswith(("-", "+")) and "E" in f for f in flags) or "errtrace" in flags:
                st = replace(st, errtrace=any(f.startswith("-") and "E" in f for f in flags) or
                             ("errtrace" in flags and "-o" in flags))
            return [Flow("normal", st, False)]
        if name == "shopt":
            flags = [a.literal or "" for a in args]
            if "inherit_errexit" in flags:
                st = replace(st, inherit_errexit="-s" in flags)
            if "lastpipe" in flags:
                st = replace(st, lastpipe="-s" in flags)
            return [Flow("normal", st, False)]
        if name == "trap":
            return [Flow("normal", self.trap(args, st, node), False)]
        if name in ("exit", "return"):
            code = args[0].literal if args else None
            saved = self._status_word(args[0], st) if args and code is None else None
            if saved is not None:
                # `return $rc`, `exit $?`: the status saved earlier; inside the handler of that
                # very failure it can only be the failure
                for cause in saved:
                    self.captured.pop(cause, None)
                cleared = {k: v for k, v in st.status_vars.items() if not v & saved}
                ok = None if saved and saved <= st.handling else replace(st, pending=frozenset(), status_vars=cleared)
                bad = replace(st, pending=saved, status_vars=cleared)  # the failure is the status again
            elif args and code is None:
                ok, bad = st, st  # a status orderlint cannot know
            elif code is None:
                ok, bad = (None, st) if (st.pending or st.handling) else (st, None)
            else:
                ok, bad = (st, None) if code.strip() == "0" else (None, st)
            command = f"`{name}{' ' + args[0].raw if args else ''}`"
            if name == "exit" and code is not None and code.strip() == "0" and st.handling:
                self.fate(st.handling, SILENT, f"{command} on {self.loc(words[0].path, _line(node.start))} stops "
                                               f"the script but reports success to whatever runs it",
                          fix="`exit 1`")
            frames = [c for c in st.calls if not c.function.startswith("source ")]
            if frames:
                reason = (f"`{frames[-1].name}` ({self.loc(frames[-1].path, frames[-1].line)}) "
                          f"runs {command} ({self.loc(words[0].path, _line(node.start))})")
            else:
                reason = f"{command} on {self.loc(words[0].path, _line(node.start))} stops the script"
            return [Flow(name, state, failed, reason=reason) for state, failed in ((ok, False), (bad, True))
                    if state is not None]
        if name in ("break", "continue"):
            return [Flow(name, st, False)]
        if name == "wait":
            return self.wait(args, st, node)
        if name in ("source", "."):
            return self.source(node, args, st)
        if name == "false":
            return [Flow("normal", st, True)]
        if name in ("[", "test", "[["):
            ops = tuple(a if a.literal not in ("=", "==", "!=", "-eq", "-ne", "-gt", "-lt") else a.literal
                        for a in args if a.literal not in ("]", "]]"))
            return self.test(Test(ops, node.start, node.end), st)
        if name == "shift":
            if st.positional:
                n = int(args[0].literal) if args and (args[0].literal or "").isdigit() else 1
                st = replace(st, positional=st.positional[n:])
            return [Flow("normal", st, False)]
        if name == "cd":
            target = self.expand_one(args[0], st) if args else None
            if target is not None and not target.startswith("-"):
                base = Path(st.cwd) if st.cwd else None
                where = Path(target) if target.startswith("/") else (base / target if base else None)
                st = replace(st, cwd=os.path.normpath(where) if where is not None else "")
            else:
                st = replace(st, cwd="")
            return [Flow("normal", st, False)]
        if name == "export":
            return [Flow("normal", st, False)]
        if name in MESSAGE_COMMANDS or (node.redirects_stderr_or_out and name not in ("cat",)):
            return [Flow("normal", replace(st, warned=st.warned | st.handling), False)]
        launch = classify(words, node.stdin or st.stdin)
        if prefix_env:
            launch = replace(launch, env={**prefix_env, **launch.env})
        if launch.rails is not None:
            return self.rails(node, launch, launch.rails, st)
        if launch.shell is not None:
            return self.shell(node, launch, launch.shell, st)
        if launch.via and launch.words and not launch.remote and all(v in ("time", "nice", "nohup", "env")
                                                                       for v in launch.via):
            return self.simple(node, launch.words, st, {**prefix_env, **launch.env})
        if launch.words and launch.words[0].literal in ALWAYS_OK:
            return [Flow("normal", st, False)]
        if launch.words and launch.words[0].literal == "exec" and len(launch.words) > 1:
            # `exec cmd` replaces the script: its status is the script's.
            out = []
            for f in self.simple(node, launch.words[1:], st, {**prefix_env, **launch.env}):
                if f.kind == "normal":
                    f = Flow("exit", f.state, f.failed, reason=f"`exec` on {self.loc(words[0].path, _line(node.start))} "
                                                               f"ends the script with its status")
                out.append(f)
            return out
        target = self._script_target(launch.words, st) if launch.words else None
        if target is not None:
            return self.run_script(node, launch, target, st)
        flows = [Flow("normal", st, False), Flow("normal", st, True)]
        if launch.masks_status:
            flows = flows[:1]
        return flows

    def _script_target(self, words: tuple[Word, ...], st: State) -> tuple[Path, tuple[Word, ...], bool, bool] | None:
        """`./ops/db/migrate.sh`, `bash "$DIR/migrate.sh" staging`: another script of the project."""
        from orderlint.shell.discover import is_script
        from orderlint.shell.launch import SHELLS

        first = words[0].literal
        if first is None:
            first = self.expand_one(words[0], st)
        if first is None:
            return None
        errexit = False
        index = 0
        if first.rsplit("/", 1)[-1] in SHELLS:
            index = 1
            while index < len(words) and (words[index].literal or "").startswith("-"):
                flag = words[index].literal or ""
                if "c" in flag[1:] or "s" in flag[1:] or flag == "--":
                    return None
                errexit = errexit or ("e" in flag[1:] and not flag.startswith("--"))
                index += 1
            if index >= len(words):
                return None
            first = words[index].literal or self.expand_one(words[index], st)
            if first is None:
                return None
        elif "/" not in first:
            return None
        candidates = [Path(first)] if first.startswith("/") else [
            *([Path(st.cwd) / first] if st.cwd else []), self.root / first,
            Path(st.current_file or self.entry).parent / first]
        for candidate in candidates:
            try:
                real = real_path(candidate)
                real.relative_to(self.root)
            except (OSError, RuntimeError, ValueError):
                continue
            if os.path.isfile(real) and (index > 0 or is_script(real)):  # never raises (too-long names)
                return real, tuple(words[index + 1:]), errexit, index > 0
        return None

    def run_script(self, node: Command, launch: Launch, target: tuple[Path, tuple[Word, ...], bool, bool],
                   st: State) -> list[Flow]:
        """Another script of the project runs as a child process: its tasks join this script's order."""
        path, args, errexit, via_shell = target
        try:
            loaded = self.loader.load(path)
        except OrderlintError:
            return [Flow("normal", st, False), Flow("normal", st, True)]
        shown = loaded.parsed.path
        if len(st.calls) >= MAX_CALL_DEPTH or shown == self.entry_display or \
                any(c.function == f"script {shown}" for c in st.calls):
            return [Flow("normal", st, False), Flow("normal", st, True)]
        self.files_read.add(str(path))
        site = CallSite(f"script {shown}", node.words[0].path if node.words else self.entry_display,
                        _line(node.start))
        if not via_shell:  # `bash child.sh` ignores the child's `#!/bin/bash -e`
            errexit = errexit or bool(re.match(r"#!\S*(?:\s+\S+)*\s+-\w*e", loaded.parsed.line_text(0)))
        fresh = replace(st, errexit=errexit, pipefail=False, suppressed=None, positional=args,
                        functions=ChainMap(), status_vars={}, remote=False, err_trap="", errtrace=False,
                        inherit_errexit=False, current_file=str(path), script_file=str(path),
                        calls=st.calls + (site,), via=st.via + launch.via,
                        errexit_origin=State.errexit_origin)
        self.on_source(shown, node.words[0].path if node.words else self.entry_display)
        flows = self.subshell(loaded.script.body, st, fresh=fresh)
        return [replace(f, state=replace(f.state, calls=st.calls, via=st.via)) for f in flows]

    def _status_word(self, word: Word, st: State) -> frozenset[int] | None:
        """The failures a `$?` or a saved `$rc` stands for, when the word is one of those."""
        if len(word.parts) != 1:
            return None
        part = word.parts[0]
        if part.kind == "param" and part.text == "?":
            return st.pending
        if part.kind == "var" and part.text in st.status_vars:
            return st.status_vars[part.text]
        return None

    def trap(self, args: tuple[Word, ...], st: State, node: Command) -> State:
        """`trap 'echo failed; exit 1' ERR` stops the script on failure, like `set -e`."""
        signals = {(a.literal or "").upper() for a in args[1:]}
        if not args or not signals & {"ERR", "SIGERR"}:
            return st
        handler = args[0]
        if handler.literal in ("-", "", None) and handler.script is None:
            return replace(st, err_trap="")
        body = parse_nested(handler.path, handler.script or "", handler.script_start or handler.start)
        exits = self._always_exits(body, st, 0)
        return replace(st, err_trap=self.loc(node.words[0].path if node.words else handler.path, _line(node.start))
                       if exits else "")

    def _always_exits(self, node, st: State, depth: int) -> bool:
        if depth > 4:
            return False
        stack = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, Command) and n.words:
                name = n.words[0].literal
                if name == "exit":
                    return True
                fn = st.functions.get(name) if name else None
                if fn is not None and self._always_exits(fn.body, st, depth + 1):
                    return True
            elif type(n) is Inert:
                if any(name in st.functions for name in n.names):  # `die "…"`
                    stack.append(n.full())
            elif isinstance(n, Seq):
                stack.extend(n.items)
            elif isinstance(n, (AndOr,)):
                stack.extend((n.left, n.right))
            elif isinstance(n, (Subshell, Not)):
                stack.append(n.body)
            elif isinstance(n, If):
                for cond, body in n.clauses:
                    stack.append(body)
                if n.orelse is not None:
                    stack.append(n.orelse)
        return False

    def set_options(self, args: tuple[Word, ...], st: State, where: str = "") -> State:
        before = st.errexit
        st = self._set_options(args, st)
        flags = [a.literal or "" for a in args]
        if "posix" in flags:  # POSIX mode: `$(…)` keeps errexit
            st = replace(st, inherit_errexit="-o" in flags)
        if before and not st.errexit:
            st = replace(st, errexit_origin=f"`set +e` on {where} turns errexit off")
        return st

    def _set_options(self, args: tuple[Word, ...], st: State) -> State:
        words = [a.literal or "" for a in args]
        k = 0
        while k < len(words):
            w = words[k]
            if w in ("-o", "+o") and k + 1 < len(words):
                on = w == "-o"
                if words[k + 1] == "errexit":
                    st = replace(st, errexit=on)
                elif words[k + 1] == "pipefail":
                    st = replace(st, pipefail=on)
                k += 2
                continue
            if len(w) > 1 and w[0] in "-+" and w != "--":
                on = w[0] == "-"
                if "e" in w[1:]:
                    st = replace(st, errexit=on)
                if "o" in w[1:] and k + 1 < len(words) and w.endswith("o"):
                    opt = words[k + 1]
                    if opt == "pipefail":
                        st = replace(st, pipefail=on)
                    elif opt == "errexit":
                        st = replace(st, errexit=on)
                    k += 1
            k += 1
        return st

    def call(self, fn: FunctionDef, node: Command, words: tuple[Word, ...], st: State) -> list[Flow]:
        depth = sum(1 for c in st.calls if c.function == fn.name)
        if len(st.calls) >= MAX_CALL_DEPTH or depth >= 2 or self.steps > STEP_BUDGET:
            return [Flow("normal", st, False), Flow("normal", st, True)]
        site = CallSite(fn.name, words[0].path, _line(node.start))
        inner = replace(st, positional=tuple(words[1:]), calls=st.calls + (site,), stdin=node.stdin or st.stdin)
        if st.err_trap and not st.errtrace:
            inner = replace(inner, err_trap="", errexit_origin=inner.errexit_origin if inner.errexit else
                            f"the `trap … ERR` of {st.err_trap} does not reach functions (no `set -E`)")
        entry_handling = st.handling
        out = []
        for f in self.ev(fn.body, inner):
            s = replace(f.state, positional=st.positional, calls=st.calls, err_trap=st.err_trap, stdin=st.stdin,
                        errexit_origin=st.errexit_origin)
            if f.kind == "return":
                pending = s.pending | ((s.handling - entry_handling) if f.failed else frozenset())
                if not f.failed:
                    for cause in s.handling - entry_handling:
                        self.fate([cause], WARNS if cause in s.warned else SILENT,
                                  f"`{fn.name}` returns success after the failure ({self.loc(fn.path, _line(fn.start))})",
                                  fix="`return 1` on failure")
                out.append(Flow("normal", replace(s, pending=pending, handling=entry_handling), f.failed))
            elif f.kind == "normal":
                out.append(Flow("normal", s, f.failed))
            else:
                out.append(replace(f, state=s))
        return _merge(out)

    def source(self, node: Command, args: tuple[Word, ...], st: State) -> list[Flow]:
        found = self.source_target(args, st) if args else None
        if found is None:
            return [Flow("normal", st, False)]
        path, loaded = found
        if sum(1 for c in st.calls if c.function == f"source {path}") >= 1 or len(st.calls) >= MAX_CALL_DEPTH:
            return [Flow("normal", st, False)]
        self.files_read.add(str(path))
        self.on_source(loaded.parsed.path, args[0].path)
        site = CallSite(f"source {path}", args[0].path, _line(node.start))
        inner = replace(st, current_file=str(path), calls=st.calls + (site,),
                        positional=tuple(args[1:]) if len(args) > 1 else st.positional)
        out = []
        for f in self.ev(loaded.script.body, inner):
            s = replace(f.state, current_file=st.current_file, calls=st.calls, positional=st.positional)
            kind = "normal" if f.kind == "return" else f.kind
            out.append(Flow(kind, s, f.failed, f.exempt, f.reason))
        return _merge(out)

    def source_target(self, args: tuple[Word, ...], st: State):
        """(path, loaded file) that `source ARGS` reads, or None with an OL002 note saying why not."""
        text = args[0].literal
        current_dir = Path(st.current_file).parent if st.current_file else self.entry.parent
        path, why = resolve_source(text, current_dir, self.root)
        if path is None and st.cwd and text and not text.startswith("/"):
            # bash reads a relative `source` path from the working directory
            in_cwd, _ = resolve_source(str(Path(st.cwd) / text), current_dir, self.root)
            path, why = (in_cwd, None) if in_cwd is not None else (path, why)
        if path is None:
            self.note("OL002", args[0], f"`{args[0].raw}` is not followed: {why}")
            return None
        try:
            return path, self.loader.load(path)
        except OrderlintError as exc:
            self.note("OL002", args[0], f"`{args[0].raw}` is not followed: {exc}")
            return None

    def rails(self, node: Command, launch: Launch, run: RailsRun, st: State) -> list[Flow]:
        for w in run.dynamic:
            if len(w.parts) == 1 and w.parts[0].kind == "param" and st.positional is None:
                continue  # a wrapper's "$@": its callers name the task
            self.note("OL003", w, f"`{w.raw}` is not a literal task name: orderlint cannot tell which "
                                  f"Rails task runs here")
        tasks = [t for t in run.tasks if self.tracked((t.literal or "").strip().split("[", 1)[0])]
        waiting = _saved(st) - st.handling
        if tasks and waiting:
            name = (tasks[0].literal or "").strip()
            self.fate(waiting, SILENT, f"the script goes on to `{name}` ({self.loc(tasks[0].path, _line(tasks[0].start))}) "
                                       f"before it checks the saved status", fix="check the status right after the task")
        if not tasks:
            flows = [Flow("normal", st, False)]
            if not launch.masks_status:
                flows.append(Flow("normal", st, True))
            return flows
        explicit = rails_environment(run)
        for key in ("RAILS_ENV", "RACK_ENV", "KAMAL_DESTINATION"):
            if explicit is None and launch.env.get(key):
                explicit = launch.env[key]
        if explicit is None:
            explicit = next((st.variables[k] for k in ENV_VARIABLES if st.variables.get(k)), None)
        env = EnvSet(frozenset({normalize_env(explicit)})) if explicit else st.envs
        functions = tuple(f"{c.name} ({c.path}:{c.line})" for c in st.calls if not c.function.startswith("source "))
        via = functions + st.via + launch.via
        check = "DISABLE_DATABASE_ENVIRONMENT_CHECK"
        disables = any((v or "") not in ("", "0", "false") for v in (
            launch.env.get(check), st.variables.get(check),
            *(a.split("=", 1)[1] for a in (x.literal or "" for x in run.arguments) if a.startswith(check + "="))))
        ids = []
        must, may = st.must, st.may
        for t in tasks:
            name = (t.literal or "").strip().split("[", 1)[0]  # `db:seed[arg]`: the task is db:seed
            # Wrapper functions entered at the line that names the task are one invocation,
            # whichever way they launch Rails.
            calls = st.calls
            for k, c in enumerate(calls):
                if c.path == t.path and c.line == t.start.row + 1:
                    calls = calls[:k]
                    break
            key = (t.path, t.start, name, calls)
            ex = self.executions.get(key)
            if ex is None:
                ex = Execution(
                    id=len(self.by_id), task=name, word=t, runner=run.runner,
                    arguments=tuple(a.raw for a in run.arguments), via=via, calls=calls,
                    script=self.entry_display, explicit_env=explicit, env=env,
                    must_before=must, may_before=may, order=len(self.by_id), masked=None,
                    command=(run.runner.path, run.runner.start.row, run.runner.start.col), cwd=st.cwd,
                )
                self.executions[key] = ex
                self.by_id[ex.id] = ex
            else:
                ex.must_before &= must
                ex.may_before |= may
                ex.env = ex.env.join(env)
            ex.output_used = ex.output_used or bool(st.capturing)
            ex.output_inspected = ex.output_inspected or st.capturing == "$(…)" or \
                st.capturing.split(" ")[1:2] in (["grep"], ["egrep"], ["awk"], ["sed"], ["rg"], ["wc"], ["jq"])
            ex.status_tested = ex.status_tested or st.suppressed is not None
            ex.disables_env_check = ex.disables_env_check or disables
            ids.append(ex.id)
            must, may = must.add(ex.id), may.add(ex.id)
        ok = replace(st, must=must, may=may)
        if launch.masks_status:
            for i in ids:
                self.by_id[i].fates.append(Fate(SILENT, launch.masks_status, fix="`heroku run --exit-code`"))
                self.by_id[i].masked = launch.masks_status
            return [Flow("normal", ok, False)]
        failed = replace(st, may=may - IdSet.of([ids[-1]]), pending=frozenset(ids))
        return [Flow("normal", ok, False), Flow("normal", failed, True)]

    def shell(self, node: Command, launch: Launch, run: ShellRun, st: State) -> list[Flow]:
        if self.nested_depth >= MAX_NESTED_SHELLS:
            return [Flow("normal", st, False), Flow("normal", st, True)]
        if run.heredoc is not None:
            origin, path = run.heredoc.start, run.heredoc.path or (node.words[0].path if node.words else "")
        else:
            assert run.start_word is not None
            origin, path = run.start_word.script_start or run.start_word.start, run.start_word.path
        body = parse_nested(path, run.text, origin)
        self.nested_depth += 1
        try:
            if run.same_shell:
                flows = self.ev(body, st)
            else:
                launcher = " ".join(launch.via) if launch.via else "a shell"
                fresh = replace(st, errexit=run.errexit, pipefail=False, suppressed=None, positional=None,
                                errexit_origin=f"the shell that `{launcher}` starts on "
                                               f"{self.loc(node.words[0].path, _line(node.start))} has no `set -e` "
                                               f"(put `set -e` first in the commands it runs)",
                                functions=ChainMap(), variables={}, status_vars={}, remote=False,
                                via=st.via + launch.via)
                flows = self.subshell(body, st, fresh=fresh)
        finally:
            self.nested_depth -= 1
        if launch.masks_status:
            out = []
            for f in flows:
                self.fate(f.state.pending, SILENT, launch.masks_status, fix="`heroku run --exit-code`")
                out.append(Flow("normal", replace(f.state, pending=frozenset()), False))
            return _merge(out)
        return flows


def file_environment(parts: Iterable[str]) -> str | None:
    """`ops/staging/init-db.sh` → staging; `deploy-local.sh` → development.

    Whole folder names first, from the nearest up (`ops/staging/refresh-from-production.sh` runs
    in staging; a folder called `dev-portal` names an app, not an environment), then the
    tokens of the file name when exactly one environment is named there.
    """
    parts = list(parts)
    if not parts:
        return None
    for folder in reversed(parts[:-1]):
        if folder.lower() in ENV_ALIASES:
            return ENV_ALIASES[folder.lower()]
    tokens = [t for t in re.split(r"[-_.\s]+", parts[-1].lower()) if t]
    found = {ENV_ALIASES[t] for t in tokens if t in ENV_ALIASES}
    return found.pop() if len(found) == 1 else None


def initial_state(entry: Path, env: EnvSet, first_line: str) -> State:
    errexit = bool(re.match(r"#!\S*(?:\s+\S+)*\s+-\w*e", first_line))
    return State(errexit=errexit, envs=env, current_file=str(entry))
