"""state: the values the flow computes, and how they join where paths meet.

Outcomes of a failure (ABORTS, WARNS, SILENT, UNKNOWN), the environments a point may run in
(EnvSet), sets of executions (IdSet), the Rails task executions themselves (Execution, with
their Fates), the state carried along a path (State), the flows an evaluation returns (Flow),
and the joins: `join_states` where two paths meet, `_merge` for a list of flows.
"""

from __future__ import annotations

import re
from collections import ChainMap
from dataclasses import dataclass, field
from dataclasses import replace as _dataclass_replace
from pathlib import Path
from typing import Iterable

from orderlint.messages import Loc, Message
from orderlint.model import Pos
from orderlint.shell.syntax import Heredoc, Word

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

# Relative to the app's root (the folder holding config/database.yml).
RAILS_DEVELOPMENT_SCRIPTS = {("bin", "setup"), ("bin", "dev")}


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


@dataclass(slots=True, unsafe_hash=True)
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

    def meets(self, other: "EnvSet") -> bool:
        """Can both run in one environment (`RAILS_ENV=development …` never meets `RAILS_ENV=test …`)?"""
        excluded = self.excluded | other.excluded
        if self.only is None and other.only is None:
            return True
        if self.only is None or other.only is None:
            known = self.only if other.only is None else other.only
            assert known is not None
            return bool(known - excluded)
        return bool((self.only & other.only) - excluded)

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


@dataclass(slots=True, unsafe_hash=True)
class CallSite:
    function: str  # a function name, `source FILE` or `script FILE`
    path: str
    line: int  # 1-based

    @property
    def name(self) -> str:
        return self.function.split(" ", 1)[1] if self.function.startswith(("script ", "source ")) else self.function


@dataclass(slots=True, unsafe_hash=True)
class Fate:
    outcome: str  # ABORTS / WARNS / SILENT
    reason: "Message | str"  # "" when none
    fallback: frozenset[int] = frozenset()  # executions run by the failure handler
    fix: "Message | str" = ""  # how to make the failure stop the script


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
    empty_database: bool = False  # on every path here, a captured `db:version` said version 0

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

    def reason(self, outcome: str) -> "Message | str":
        return next((f.reason for f in self.fates if f.outcome == outcome), "")

    def fix(self, outcome: str) -> "Message | str":
        return next((f.fix for f in self.fates if f.outcome == outcome), "")


@dataclass(slots=True, unsafe_hash=True)
class FlowNote:
    """Something the interpreter met and could not follow (OL002, OL003)."""

    code: str
    path: str
    start: Pos
    end: Pos
    message: Message


@dataclass(frozen=True)
class State:
    errexit: bool = False
    pipefail: bool = False
    suppressed: Message | None = None  # why errexit is ignored at this point
    variables: dict = field(default_factory=dict)  # name -> literal str, or None when unknown
    # names certainly in the environment of the commands it runs (`export`, `declare -x`, `set -a`);
    # a name the script only assigns reaches no child process, unless its caller exported it
    exported: frozenset[str] = frozenset()
    allexport: bool = False  # set -a / set -o allexport
    positional: tuple[Word, ...] | None = None  # None: unknown arguments
    functions: ChainMap = field(default_factory=ChainMap)  # name -> FunctionDef, one table per shell
    envs: EnvSet = EnvSet()
    must: IdSet = NO_IDS  # executions that succeeded on every path here
    may: IdSet = NO_IDS  # … on some path here
    pending: frozenset[int] = frozenset()  # executions whose failure is the current status
    pending_reason: Message | str = ""
    pending_fix: Message | str = ""
    errexit_origin: Message = Message("flow.no-errexit")  # why errexit is off, when it is
    errexit_since: Loc | str = ""  # where `set -e` turned errexit on, when it is on
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
    err_trap: Loc | str = ""  # where a `trap … ERR` that exits the script was set ("" when none)
    err_prints: bool = False  # a `trap … ERR` that prints: failures it sees leave a message
    errtrace: bool = False  # set -E: functions and subshells inherit the ERR trap
    script_file: str = ""  # $0: the script being run, when another script started it
    cwd: str = ""  # the working directory, when a `cd` made it known
    lastpipe: bool = False  # shopt -s lastpipe: a pipeline's last command runs in this shell
    versions: frozenset[str] = frozenset()  # names holding what a `db:version` run printed
    empty_database: bool = False  # a test of such a name said: no migration ran yet (a first boot)


def replace(obj, **changes):
    """dataclasses.replace, minus its cost on State, which the interpreter copies at every step."""
    if type(obj) is State:
        new = object.__new__(State)
        values = obj.__dict__.copy()
        values.update(changes)
        object.__setattr__(new, "__dict__", values)
        return new
    if type(obj) is Flow:  # a flow's state or its exemption, at almost every step too
        return Flow(changes.get("kind", obj.kind), changes.get("state", obj.state), changes.get("failed", obj.failed),
                    changes.get("exempt", obj.exempt), changes.get("reason", obj.reason))
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
        errexit_origin=_errexit_origin(a, b),
        pipefail=a.pipefail and b.pipefail,
        suppressed=a.suppressed if a.suppressed == b.suppressed else (a.suppressed or b.suppressed),
        variables=_join_dicts(a.variables, b.variables),
        exported=a.exported if a.exported is b.exported else a.exported & b.exported,
        allexport=a.allexport and b.allexport,
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
        err_prints=a.err_prints and b.err_prints,
        errtrace=a.errtrace and b.errtrace,
        cwd=a.cwd if a.cwd == b.cwd else "",
        versions=a.versions if a.versions is b.versions else a.versions & b.versions,
        empty_database=a.empty_database and b.empty_database,
    )


def _errexit_origin(a: State, b: State) -> Message:
    """Why errexit is off where a path with `set -e` meets one without it."""
    if a.errexit == b.errexit:
        return a.errexit_origin
    on, off = (a, b) if a.errexit else (b, a)
    if off.errexit_origin != NO_ERREXIT:
        return off.errexit_origin  # `set +e` on that path, a host's shell…: true of it
    if on.errexit_since:
        return Message("flow.errexit-some-paths", where=on.errexit_since)
    return Message("flow.errexit-not-every-path")


NO_ERREXIT = Message("flow.no-errexit")


@dataclass(slots=True, unsafe_hash=True)
class Flow:
    kind: str  # "normal" | "exit" | "return" | "break" | "continue"
    state: State
    failed: bool
    exempt: Message | None = None  # why errexit does not act on this failure
    reason: Message | str = ""  # for exits: what stops the script


def _merge(flows: list[Flow]) -> list[Flow]:
    """At most one flow per (kind, failed): paths join where bash's state would."""
    if len(flows) == 1:  # most statements leave one flow: nothing to join
        return [] if flows[0].state.envs.empty else [flows[0]]
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


def _saved(st: State) -> frozenset[int]:
    """Failures whose status a variable still holds (`rc=$?`)."""
    out: frozenset[int] = frozenset()
    for causes in st.status_vars.values():
        out |= causes
    return out


def file_environment(parts: Iterable[str]) -> str | None:
    """`ops/staging/init-db.sh` → staging; `deploy-local.sh` → development.

    The app's `bin/setup` and `bin/dev` are development scripts: Rails generates them to set up
    and run a developer's machine. Then whole folder names, from the nearest up
    (`ops/staging/refresh-from-production.sh` runs in staging; a folder called `dev-portal`
    names an app, not an environment), then the tokens of the file name when exactly one
    environment is named there.
    """
    parts = list(parts)
    if not parts:
        return None
    if tuple(parts) in RAILS_DEVELOPMENT_SCRIPTS:
        return "development"
    for folder in reversed(parts[:-1]):
        if folder.lower() in ENV_ALIASES:
            return ENV_ALIASES[folder.lower()]
    tokens = [t for t in re.split(r"[-_.\s]+", parts[-1].lower()) if t]
    found = {ENV_ALIASES[t] for t in tokens if t in ENV_ALIASES}
    return found.pop() if len(found) == 1 else None


def initial_state(entry: Path, env: EnvSet, first_line: str) -> State:
    errexit = bool(re.match(r"#!\S*(?:\s+\S+)*\s+-\w*e", first_line))
    return State(errexit=errexit, envs=env, current_file=str(entry))
