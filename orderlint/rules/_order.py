"""Shared by the order rules: policy steps that run out of order on some path."""

from __future__ import annotations

from typing import Iterator

from orderlint.analysis import Invocation, ScriptAnalysis
from orderlint.flow import IdSet


def step_of(script: ScriptAnalysis, inv: Invocation) -> int | None:
    return script.settings.policy.step_of(inv.task, inv.base, inv.databases, inv.primary)


def out_of_order(script: ScriptAnalysis) -> Iterator[tuple[Invocation, Invocation, int, int]]:
    """(late, early, late's step, early's step): `late` may succeed before `early` runs."""
    steps = {inv.id: step_of(script, inv) for inv in script.invocations}
    later_than: dict[int, IdSet] = {}
    for index in range(len(script.settings.policy.steps)):
        later_than[index] = IdSet.of(i for i, s in steps.items() if s is not None and s > index)
    for early in script.invocations:
        early_step = steps[early.id]
        if early_step is None:
            continue
        for late_id in early.may_before & later_than[early_step]:
            late = script.by_id(late_id)
            if late is not None:
                yield late, early, steps[late_id], early_step
