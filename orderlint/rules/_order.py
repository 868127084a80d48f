"""Shared by the order rules: policy steps that run out of order on some path."""

from __future__ import annotations

from typing import Iterator

from orderlint.analysis import Invocation, ScriptAnalysis


def step_of(script: ScriptAnalysis, inv: Invocation) -> int | None:
    return script.settings.policy.step_of(inv.task, inv.base, inv.databases, inv.primary)


def out_of_order(script: ScriptAnalysis) -> Iterator[tuple[Invocation, Invocation, int, int]]:
    """(late, early, late's step, early's step): `late` may succeed before `early` runs."""
    steps = {inv.id: step_of(script, inv) for inv in script.invocations}
    for early in script.invocations:
        early_step = steps[early.id]
        if early_step is None:
            continue
        for late_id in sorted(early.may_before):
            late = script.by_id(late_id)
            late_step = steps.get(late_id)
            if late is not None and late_step is not None and late_step > early_step:
                yield late, early, late_step, early_step
