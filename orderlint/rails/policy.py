"""The order policy: ordered steps that every path through a script must respect.

The default is the seed document's: primary migrations → queue migrations → seed. A team can
declare its own steps in configuration (a task glob list and, optionally, the database the
step is about).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from orderlint.rails.databases import MIGRATES, QUEUE_LIKE, SOLID

MIGRATIONS = "@migrations"  # stands for every task that brings a schema up to date
QUEUE_LIKE_DATABASES = "queue-like"  # a step about the Solid trio's databases (roles queue, cache, cable)
DATABASE_GROUPS = ("primary", "secondary", QUEUE_LIKE_DATABASES)


def _roles(databases: tuple[str, ...], roles: tuple[str, ...]) -> tuple[str, ...]:
    if len(roles) == len(databases):
        return roles
    return tuple(d if d in SOLID else "peer" for d in databases)  # by name, when no model gave roles


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    tasks: tuple[str, ...]
    # "primary", "secondary" (any but the primary), "queue-like" (a database whose role is queue,
    # cache or cable) or a database name
    database: str | None = None

    def matches(self, task: str, base: str, databases: tuple[str, ...], primary: str,
                roles: tuple[str, ...] = ()) -> bool:
        """Is this task the step itself (a queue migration touches no primary database)?"""
        if not self.done_by(task, base, databases, primary, roles):
            return False
        if self.database not in (None, "primary"):
            return primary not in databases
        return True

    def done_by(self, task: str, base: str, databases: tuple[str, ...], primary: str,
                roles: tuple[str, ...] = ()) -> bool:
        """Does this task accomplish the step? `db:migrate` migrates the queue too."""
        if not any(_task_matches(p, task, base) for p in self.tasks):
            return False
        if self.database is None:
            return True
        if self.database == "primary":
            return primary in databases
        if self.database == "secondary":
            return any(d != primary for d in databases)
        if self.database == QUEUE_LIKE_DATABASES:
            return any(r in QUEUE_LIKE for d, r in zip(databases, _roles(databases, roles)) if d != primary)
        return self.database in databases


def _task_matches(pattern: str, task: str, base: str) -> bool:
    if pattern == MIGRATIONS:
        return base in MIGRATES
    return fnmatch.fnmatchcase(task, pattern)


@dataclass(frozen=True, slots=True)
class Policy:
    steps: tuple[Step, ...]

    def step_of(self, task: str, base: str, databases: tuple[str, ...], primary: str,
                roles: tuple[str, ...] = ()) -> int | None:
        for index, step in enumerate(self.steps):
            if step.matches(task, base, databases, primary, roles):
                return index
        return None

    def steps_done_by(self, task: str, base: str, databases: tuple[str, ...], primary: str,
                      roles: tuple[str, ...] = ()) -> frozenset[int]:
        return frozenset(i for i, step in enumerate(self.steps)
                         if step.done_by(task, base, databases, primary, roles))

    def task_patterns(self) -> tuple[str, ...]:
        return tuple(p for s in self.steps for p in s.tasks if p != MIGRATIONS)


DEFAULT_POLICY = Policy((
    Step("primary migrations", (MIGRATIONS,), "primary"),
    Step("queue migrations", (MIGRATIONS,), QUEUE_LIKE_DATABASES),
    Step("seed", ("db:seed", "db:seed:replant")),
))
