"""Shared by the failure rules: which tasks change a database, and fallbacks."""

from __future__ import annotations

from orderlint.analysis import Invocation, ScriptAnalysis
from orderlint.flow import ABORTS
from orderlint.rails import READ_ONLY


def changes_database(inv: Invocation) -> bool:
    return inv.base not in READ_ONLY


def falls_back(script: ScriptAnalysis, inv: Invocation) -> Invocation | None:
    """A handler that runs another task on the same database, which itself stops the script."""
    for ident in sorted(inv.fallback):
        other = script.by_id(ident)
        if other is not None and other.id != inv.id and set(other.databases) & set(inv.databases) \
                and other.on_failure == ABORTS and changes_database(other):
            return other
    return None
