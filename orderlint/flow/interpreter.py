"""interpreter: the `Interpreter`, one dispatcher composed from the rooms of the package.

`run` walks an entry script, `seq` a list of statements (where errexit acts), `ev` sends each
node to the room that evaluates it, or summarises it when it only runs external commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from orderlint.messages import Message
from orderlint.shell.launch import project_launchers
from orderlint.shell.resolve import ScriptLoader
from orderlint.flow.bookkeeping import Bookkeeping
from orderlint.flow.checks import Checks
from orderlint.flow.commands import Commands
from orderlint.flow.compound import Compound
from orderlint.flow.functions import Functions
from orderlint.flow.inert import COMPOUND, MESSAGE_COMMANDS, _detail, _summary
from orderlint.flow.launches import Launches
from orderlint.flow.limits import STEP_BUDGET
from orderlint.flow.lists import Lists
from orderlint.flow.nodes import _reads_status
from orderlint.flow.state import ABORTS, SILENT, WARNS, Execution, Fate, Flow, FlowNote, State, _merge, _saved, replace
from orderlint.flow.texts import Texts
from orderlint.flow.traps import Traps
from orderlint.flow.words import Words
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
    Pipeline,
    Seq,
    Subshell,
    Test,
)


COUNTING = frozenset({"[", "let"})  # `[ "$n" -ge 3 ]`, `(( n++ ))`, `let n+=1`


class Interpreter(Bookkeeping, Words, Texts, Commands, Launches, Lists, Compound, Functions, Traps, Checks):
    """Walks an entry script along every path; each room (a base class) evaluates one kind of node."""

    def __init__(self, entry: Path, entry_display: str, root: Path, loader: ScriptLoader,
                 tracked: Callable[[str], bool], on_source: Callable[[str, str], None] | None = None,
                 launchers: tuple[str, ...] = ()) -> None:
        self.entry = entry
        self.entry_display = entry_display
        self.root = root
        self.loader = loader
        self.tracked = tracked
        self.on_source = on_source or (lambda lib, user: None)
        self.launchers = project_launchers(launchers)  # the project's own: `zammad run`
        self.texts: dict[tuple[str, str], set] = {}  # (variable, value) → where that script is written
        self.executions: dict[tuple, Execution] = {}
        self.by_id: dict[int, Execution] = {}
        self.notes: dict[tuple, FlowNote] = {}
        self.nested_depth = 0
        self.steps = 0
        self.loop_depth = 0
        self.trap_printed: frozenset[int] = frozenset()  # failures an ERR trap that prints has seen
        self.said_when_captured: frozenset[int] = frozenset()  # failures that left a message before a pipe took their status
        self.after_success = None  # the item of a sequence that runs right after a command that succeeded
        self.leftover: frozenset[int] = frozenset()  # failures a retry loop just gave up on: see `seq`
        self.retry_loops = 0  # enclosing loops with a `break`: retries whose outcome a counter decides
        self.files_read: set[str] = set()
        self.background_reason: dict[int, str] = {}
        self._at_cache: dict[int, str] = {}
        self._reads_cache: dict[int, frozenset[str]] = {}
        self.captured: dict[int, str] = {}  # executions whose status sits in a variable, unchecked
        self.deferred: dict[int, Fate] = {}  # handled failures whose saved status may still be returned
        self.capture_reason: dict[int, tuple[str, str]] = {}  # why a captured status is lost, and the fix
        self.script_depth = 0  # child scripts of the project being run, one inside the other
        self.stopped_scripts: dict[int, tuple[int, Message]] = {}  # see Bookkeeping.script_stops

    # -- entry ---------------------------------------------------------------------------
    def run(self, body: Seq, state: State) -> list[Flow]:
        flows = self.seq(body.items, state)
        for f in flows:
            if not (f.kind == "exit" and f.failed):  # a script that stops ignores nothing more
                for cause in f.state.background:
                    self.fate([cause], SILENT, self.background_reason.get(cause, Message("flow.background")),
                              fix=Message("fix.wait-pid-errexit"))
            causes = f.state.pending | f.state.handling
            if f.kind == "exit":
                self.fate(causes, ABORTS, f.reason or Message("flow.script-exits"))
            elif f.failed and f.state.pending:
                self.fate(f.state.pending, ABORTS, Message("flow.last-command"))
            else:
                self.drop(f.state)
        for cause, fate in self.deferred.items():
            if cause in self.by_id and not self.by_id[cause].fates:
                self.fate([cause], fate.outcome, fate.reason, fate.fallback, fate.fix)
        for cause, variable in self.captured.items():
            why, fix = self.capture_reason.get(cause) or (
                Message("flow.status-saved-unchecked", variable=variable), Message("fix.check-saved-status", variable=variable))
            self.fate([cause], WARNS if cause in self.said_when_captured else SILENT, why, fix=fix)
        return flows

    # -- sequences -----------------------------------------------------------------------
    def seq(self, items: tuple[Node, ...], st: State) -> list[Flow]:
        current = [Flow("normal", st, False)]
        done: list[Flow] = []
        carried: frozenset[int] = frozenset()
        for index, item in enumerate(items):
            following: list[Flow] = []
            reads = _reads_status(item)
            for f in current:
                if self.retry_loops and f.state.pending and not reads:
                    # `task && break` in a retry loop: the failure goes round to the next attempt
                    state = replace(f.state, handling=f.state.handling | (f.state.pending - _saved(f.state)),
                                    pending=frozenset(), pending_reason="", pending_fix="")
                    state = self.drop(state)
                else:
                    state = f.state if reads else self.drop(f.state)
                if "PIPESTATUS" in state.status_vars and "PIPESTATUS" not in self._reads(item):
                    state = self._forget_pipestatus(state)
                # `exit`, `exit $?` right after `echo …`: the status they take is the echo's, 0 (the
                # first item's status is that of whatever came before the sequence: not known here)
                if index or self.after_success is not item:  # an `if` body's first statement: see `if_`
                    # (after `! task`, the status is 0 though the task's failure is still pending)
                    self.after_success = item if index and not f.failed and (not f.state.pending or f.exempt) \
                        else None
                for r in self.ev(item, state):
                    if r.kind != "normal":
                        done.append(r)
                    elif r.failed and (r.state.errexit or r.state.err_trap) and not r.state.suppressed \
                            and not r.exempt:
                        if r.state.err_prints:
                            self.trap_printed |= r.state.pending
                        why = Message("flow.errexit-stops") if r.state.errexit else \
                            Message("flow.err-trap-stops", where=r.state.err_trap)
                        done.append(Flow("exit", r.state, True, reason=why))
                    else:
                        if r.failed and r.state.pending:
                            if r.state.err_prints and not r.exempt and not r.state.suppressed:
                                self.trap_printed |= r.state.pending  # where errexit would act, the trap runs
                            if r.exempt:
                                why, fix = r.exempt, Message("fix.test-instead")
                            elif r.state.suppressed:
                                why = Message("flow.errexit-ignored", reason=r.state.suppressed)
                                fix = Message("fix.plain-command")
                            elif not r.state.errexit and not r.state.err_trap:
                                why, fix = r.state.errexit_origin, Message("fix.errexit-or-exit")
                            else:
                                why, fix = Message("flow.exit-status-never-checked"), Message("fix.or-exit")
                            r = replace(r, state=replace(r.state, pending_reason=why, pending_fix=fix))
                        following.append(r)
            # A retry loop that gave up leaves its failure being handled for one more statement:
            # `[ "$ok" = 1 ] || exit 1` right after it decides; past that, the script went on.
            current = _merge(self._unhandle(following, carried))
            carried, self.leftover = self.leftover, frozenset()
            if carried and index + 1 < len(items) and not self._reads(items[index + 1]) \
                    and not _exits_failing(items[index + 1]):
                current = self._unhandle(current, carried)  # the next statement checks no flag
                carried = frozenset()
            if not current:
                break
        return _merge(self._unhandle(current, carried) + done)

    def _unhandle(self, flows: list[Flow], causes: frozenset[int]) -> list[Flow]:
        if not causes:
            return flows
        return [replace(f, state=replace(f.state, handling=f.state.handling - causes)) if f.kind == "normal" else f
                for f in flows]

    # -- dispatch ------------------------------------------------------------------------
    def ev(self, node: Node, st: State) -> list[Flow]:
        self.steps += 1
        if self.steps > STEP_BUDGET and isinstance(node, (Loop, If, Case)):
            return [Flow("normal", self.drop(st), False), Flow("normal", st, True)]  # out of budget: summarised
        if type(node) is Inert:
            if st.status_vars and node.reads & st.status_vars.keys() or self.loop_depth and node.names & COUNTING \
                    or st.versions and node.reads & st.versions:
                # `rc=$?` checks; a retry loop's counter and its tests; a test of a captured `db:version`
                return self.ev(node.full(), st)
            if not _defines_any(st.functions, node.names):
                return self._summarised(node, st, node.names, node.assigned, node.stderr, node.may_fail)
            fn = st.functions.get(node.call) if node.call is not None else None
            inner = self._function_summary(fn) if fn is not None and not st.remote else None
            if inner is None or _defines_any(st.functions, inner[0] | (node.names - {node.call})):
                return self.ev(node.full(), st)
            # `log_info "…"`: a function that only runs external commands is summarised like them
            return self._summarised(node, st, node.names | inner[0], node.assigned | inner[1],
                                    node.stderr or inner[2], inner[3])
        inert = _summary(node) if type(node) in COMPOUND else None
        if inert is not None and not _defines_any(st.functions, inert[0]) and not (
                st.status_vars and _detail(node, inert, 3) & st.status_vars.keys()
                or st.versions and _detail(node, inert, 3) & st.versions):
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


def _defines_any(functions, names: frozenset[str]) -> bool:
    """Whether any of `names` is a function of the shell (a ChainMap of tables, looked up as
    `name in functions` would, without a generator a name)."""
    for table in functions.maps:
        if not table.keys().isdisjoint(names):
            return True
    return False


def _exits_failing(node: Node) -> bool:
    """`exit 1` as the statement right after a retry loop: every way out of the
    loop but success ends there, so the last failed attempt stops the script."""
    if not isinstance(node, Command) or len(node.words) != 2 or node.words[0].literal != "exit":
        return False
    status = node.words[1].literal
    return status is not None and status.isdigit() and int(status) % 256 != 0
