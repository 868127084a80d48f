"""hosts: a deploy file's steps run as the host runs them (the steps come from orderlint.deploy).

Each step runs in a shell of its own (`bash -e {0}` for a workflow step, `bash -c` for a
Procfile line…), with the variables the host gives it; the steps of one group (a job, a
process, a service) run in order, each starting where the one before succeeded, and a failing
step ends its group — unless the host lets it fail (`continue-on-error: true`,
`allow_failure: true`), or the step runs after failures too (`if: always()`). A step that may be
skipped (`if:`) leaves both paths open. Groups run apart from one another.
"""

from __future__ import annotations

import os
from collections import ChainMap
from typing import TYPE_CHECKING

from orderlint.flow.state import ABORTS, SILENT, EnvSet, Fate, State, normalize_env, replace
from orderlint.messages import Message

if TYPE_CHECKING:
    from orderlint.deploy.host import Step
    from orderlint.flow.interpreter import Interpreter

ENV_NAMES = ("RAILS_ENV", "RACK_ENV")


def run_host(interp: "Interpreter", steps: "list[Step]", base: State) -> None:
    groups: dict[str, list] = {}
    for step in steps:
        groups.setdefault(step.group, []).append(step)
    for group in groups.values():
        going = [base]  # states in which the group is still running
        stopped: list[State] = []  # … and in which a step failed (for `if: always()` steps)
        for step in group:
            starts = going + (stopped if step.after_failure else [])
            after: list[State] = list(going) if step.conditional else []
            if step.after_failure:
                stopped_after = list(stopped) if step.conditional else []
            else:
                stopped_after = list(stopped)
            for st in starts:
                ok, failed = _run_step(interp, step, st, base)
                after.extend(ok)
                (after if step.may_fail else stopped_after).extend(failed)
            going = _unique(after)
            stopped = _unique(stopped_after)


def _run_step(interp: "Interpreter", step: "Step", st: State, base: State) -> tuple[list[State], list[State]]:
    variables = {name: value for name, value in step.env}
    envs = base.envs
    explicit = next((variables[k] for k in ENV_NAMES if variables.get(k)), None)
    if explicit:
        envs = EnvSet(frozenset({normalize_env(explicit)}))
    where = interp.loc(interp.entry_display, step.start.row + 1)
    cwd = base.cwd
    if step.cwd and "$" not in step.cwd and cwd:
        cwd = os.path.normpath(os.path.join(cwd, step.cwd))
    # a host's `env:`/`variables:`/`ENV` are in the environment of every command the step runs
    fresh = replace(base, cwd=cwd, errexit=step.errexit, pipefail=step.pipefail, variables=variables, envs=envs,
                    exported=frozenset(variables),
                    must=st.must, may=st.may, functions=ChainMap(),
                    errexit_origin=Message("deploy.shell-no-errexit", step=step.label, shell=step.shell,
                                           where=where))
    before = {i: len(ex.fates) for i, ex in interp.by_id.items()}
    flows = interp.run(step.body, fresh)
    if step.may_fail:
        reason = Message("deploy.may-fail", setting=step.may_fail, where=where)
        for i, ex in interp.by_id.items():
            new = ex.fates[before.get(i, 0):]
            if any(f.outcome == ABORTS for f in new):
                ex.fates[before.get(i, 0):] = [f for f in new if f.outcome != ABORTS]
                fix = Message("fix.host-after-script") if step.label == "after_script:" else \
                    Message("fix.host-may-fail", setting=step.may_fail)
                fate = Fate(SILENT, reason, fix=fix)
                if fate not in ex.fates:
                    ex.fates.append(fate)
    ok: list[State] = []
    failed: list[State] = []
    for f in flows:
        carried = replace(st, must=f.state.must, may=f.state.may)
        (failed if f.failed else ok).append(carried)
    return ok, failed


def _unique(states: list[State]) -> list[State]:
    seen: dict[tuple[int, int], State] = {}
    for s in states:
        seen.setdefault((s.must.bits, s.may.bits), s)
    return list(seen.values())
