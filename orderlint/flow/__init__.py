"""flow: run an entry script abstractly, with bash's control flow and errexit rules.

The interpreter walks orderlint's syntax types in execution order, inlining functions and
sourced files at their call sites, following every branch. Each evaluation returns a few
`Flow`s (normal, exit, return, break, continue; failed or not). Along each path the state
carries the Rails task executions that succeeded before (for order rules), the executions
whose failure brought the path here (for failure rules), the environment constraints, and the
errexit/pipefail options with the reason errexit is ignored where it is.

Which module holds what:

- `state`: the values (outcomes ABORTS/WARNS/SILENT/UNKNOWN, IdSet, EnvSet, CallSite, Fate,
  Execution, FlowNote, State, Flow), the joins of states and flows (`join_states`, `_merge`),
  `replace`, and the state an entry script starts in (`initial_state`, `file_environment`);
- `limits`: how much work one entry script may cost (call depth, step budget, loops, shells);
- `nodes`: what a syntax node tells without running it (`describe`, `_reads_status`, …);
- `inert`: summaries of code that only runs external commands;
- `interpreter`: the `Interpreter`, one dispatcher (`run`, `seq`, `ev`) composed from rooms:
  - `bookkeeping`: notes, fates, places (`line 12`), dropped statuses;
  - `words`: parameter expansion and command substitutions;
  - `commands`: simple commands, assignments, builtins, what a command launches;
  - `launches`: Rails task runs (executions) and shell text run by a launcher;
  - `lists`: conditions, failure handlers, `&&`/`||`, `!`, pipelines;
  - `compound`: `if`, `case`, loops, subshells, background jobs and `wait`;
  - `functions`: function calls, sourced files, child scripts;
  - `traps`: `trap … ERR`, `set` options, saved statuses (`$?`, `rc=$?`, PIPESTATUS);
  - `checks`: `[ … ]` tests of a status or of the environment's name;
- `reach`: whether a script that names no Rails command could still run one;
- `parallel`: the flow of the entry scripts in several processes, and the progress bar.

The names other modules use are re-exported here.
"""

from __future__ import annotations

from orderlint.flow.inert import (
    COMPOUND,
    MESSAGE_COMMANDS,
    RAILS_TEXT,
    _inert_command_names,
    _may_fail,
    _variables_read,
    _writes_to_stderr,
)
from orderlint.flow.interpreter import Interpreter
from orderlint.flow.limits import MAX_CALL_DEPTH, MAX_LOOPS_UNROLLED, MAX_NESTED_SHELLS, STEP_BUDGET
from orderlint.flow.nodes import _descendants, describe
from orderlint.flow.state import (
    ABORTS,
    ENV_ALIASES,
    NO_IDS,
    SILENT,
    UNKNOWN,
    WARNS,
    CallSite,
    EnvSet,
    Execution,
    Fate,
    Flow,
    FlowNote,
    IdSet,
    State,
    file_environment,
    initial_state,
    join_states,
    normalize_env,
    replace,
)

__all__ = [
    "ABORTS", "WARNS", "SILENT", "UNKNOWN", "ENV_ALIASES", "NO_IDS",
    "CallSite", "EnvSet", "Execution", "Fate", "Flow", "FlowNote", "IdSet", "State",
    "file_environment", "initial_state", "join_states", "normalize_env", "replace",
    "MAX_CALL_DEPTH", "MAX_LOOPS_UNROLLED", "MAX_NESTED_SHELLS", "STEP_BUDGET",
    "COMPOUND", "MESSAGE_COMMANDS", "RAILS_TEXT", "describe",
    "_descendants", "_inert_command_names", "_may_fail", "_variables_read", "_writes_to_stderr",
    "Interpreter",
]
