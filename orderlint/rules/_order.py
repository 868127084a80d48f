"""Shared by the order rules: policy steps that run out of order on some path."""

from __future__ import annotations

from typing import Iterator

from orderlint.results import Invocation, ScriptAnalysis
from orderlint.flow import IdSet


def out_of_order(script: ScriptAnalysis) -> Iterator[tuple[Invocation, Invocation, int, int]]:
    """(late, early, late's step, early's step): on some path `late` does a later step of the
    policy while an earlier step has not been done yet, and `early` does that step afterwards.

    A task that does several steps (`db:migrate` migrates the primary and the queue) counts for
    each, and is never out of order with itself: Rails migrates the primary first. Running a
    step again later (`db:reset` after everything) is no disorder. Tasks that cannot run in
    one environment (`RAILS_ENV=development …` then `RAILS_ENV=test …`) are separate flows.
    """
    policy = script.settings.policy
    done: dict[int, frozenset[int]] = {
        inv.id: policy.steps_done_by(inv.task, inv.base, inv.databases, inv.primary, inv.roles) for inv in script.invocations}
    doers = {step: [inv for inv in script.invocations if step in done[inv.id]] for step in range(len(policy.steps))}
    for late in script.invocations:
        found = _first_disorder(late, done[late.id], doers)
        if found is not None:
            early, late_step, early_step = found
            yield late, early, late_step, early_step


def _first_disorder(late: Invocation, late_steps: frozenset[int], doers: dict):
    for late_step in sorted(late_steps):
        for early_step in range(late_step):
            if early_step in late_steps:
                continue  # `db:prepare` after `db:migrate` migrates the primary itself, first
            same_flow = [e for e in doers[early_step] if e.environment.meets(late.environment)]
            if late.must_before & IdSet.of(e.id for e in same_flow):
                continue  # done before on every path
            early = next((e for e in same_flow if late.id in e.may_before), None)
            if early is not None:
                return early, late_step, early_step
    return None
