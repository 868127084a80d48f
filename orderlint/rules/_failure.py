"""Shared by the failure rules: which tasks change a database, and fallbacks."""

from __future__ import annotations

from orderlint.results import Invocation, ScriptAnalysis
from orderlint.flow import ABORTS
from orderlint.rails.databases import DESTRUCTIVE, MIGRATES, READ_ONLY


def changes_database(inv: Invocation) -> bool:
    """Tasks whose failure must stop a deploy: every task but the informational ones.
    `db:abort_if_pending_migrations` is there for its failure."""
    return inv.base not in READ_ONLY or inv.base == "db:abort_if_pending_migrations"


def falls_back(script: ScriptAnalysis, inv: Invocation) -> Invocation | None:
    """A handler that runs another task on the same database, which itself stops the script."""
    for ident in sorted(inv.fallback):
        other = script.by_id(ident)
        if other is not None and other.id != inv.id and set(other.databases) & set(inv.databases) \
                and other.on_failure == ABORTS and changes_database(other):
            return other
    return None


def destructive_fallback(script: ScriptAnalysis, inv: Invocation) -> Invocation | None:
    """A handler that answers the failure with a task that drops, purges or reloads the same
    database (`db:migrate || db:setup`): the failure is not ignored, it is made worse."""
    for ident in sorted(inv.fallback):
        other = script.by_id(ident)
        if other is not None and other.id != inv.id and other.base in DESTRUCTIVE \
                and set(other.databases) & set(inv.databases) and inv.base not in DESTRUCTIVE:
            return other
    return None


def verifies_a_migration(script: ScriptAnalysis, inv: Invocation) -> bool:
    """A pending check that runs after a primary migration on some path."""
    return any(other.base in MIGRATES and other.touches_primary
               for other in (script.by_id(i) for i in inv.may_before) if other is not None)
