"""The results of the analysis: each task as an entry script runs it, each script, the whole run.

The flow stage and the pipeline build them; the rules and every reporter only read them.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

from orderlint.flow import EnvSet, IdSet
from orderlint.model import Diagnostic
from orderlint.rails.databases import QUEUE_LIKE, DatabaseModel
from orderlint.settings import Settings
from orderlint.shell.parse import ParsedFile


@dataclass(frozen=True, slots=True)
class Invocation:
    """A Rails task as one entry script runs it: what reports and rules read."""

    id: int
    script: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    task: str
    base: str  # the task without its database scope
    scope: str | None  # `queue` for db:migrate:queue
    databases: tuple[str, ...]
    roles: tuple[str, ...]  # the role of each of `databases` (primary, queue, cache, cable, peer)
    primary: str
    environment: EnvSet
    on_failure: str
    reason: str
    fix: str  # how to make a failure stop the script, when it does not
    fallback: frozenset[int]  # executions a failure handler runs
    via: tuple[str, ...]
    arguments: tuple[str, ...]
    must_before: IdSet  # executions that succeeded before this one on every path
    may_before: IdSet  # … on some path
    output_used: bool
    output_inspected: bool
    status_tested: bool
    disables_env_check: bool
    functions: tuple[str, ...]
    calls: tuple = ()  # CallSite chain from the entry script to the function naming the task
    command: tuple = ()  # the command line that runs it: tasks of `rails db:drop db:create` share it
    model: DatabaseModel | None = None  # the databases of the app it runs in
    first_boot: bool = False  # runs only where a captured `db:version` said no migration ran yet

    @property
    def touches_primary(self) -> bool:
        return self.primary in self.databases

    @property
    def secondary_only(self) -> bool:
        return bool(self.databases) and not self.touches_primary

    @property
    def queue_like(self) -> tuple[str, ...]:
        """The databases it touches that the default policy treats as the queue (the Solid trio)."""
        return tuple(d for d, r in zip(self.databases, self.roles) if r in QUEUE_LIKE)

    @property
    def queue_like_only(self) -> bool:
        """It touches queue-like databases and nothing else (`db:migrate:queue`)."""
        return bool(self.databases) and len(self.queue_like) == len(self.databases)


@dataclass
class ScriptAnalysis:
    path: str
    role: str  # "entry" or "library"
    environment: EnvSet
    model: DatabaseModel
    invocations: tuple[Invocation, ...]
    settings: Settings
    sources: tuple[str, ...] = ()  # libraries this entry brings in
    used_by: tuple[str, ...] = ()  # entry scripts that source or run this one
    texts: object = field(default=None, repr=False, compare=False)  # rules._fix.Sources: bytes for fixes

    def by_id(self, ident: int) -> Invocation | None:
        index = self.__dict__.get("_index")
        if index is None:
            index = self.__dict__["_index"] = {i.id: i for i in self.invocations}
        return index.get(ident)

    @property
    def name(self) -> str:
        return Path(self.path).name

    def is_deploy(self) -> bool:
        """A glob with a `/` matches the path, one without matches the file name (`deploy*`);
        Kamal's `.kamal/hooks/pre-deploy` hook is one by what it is."""
        if Path(self.path).parts[-3:] == (".kamal", "hooks", "pre-deploy"):
            return True
        return any(fnmatch.fnmatch(self.path, g) if "/" in g else fnmatch.fnmatch(self.name, g)
                   for g in self.settings.deploy_scripts)


@dataclass
class Results:
    root: Path
    files: list[str]
    scripts: list[ScriptAnalysis]
    diagnostics: list[Diagnostic]
    errors: list[str] = field(default_factory=list)
    used_by: dict[str, list[str]] = field(default_factory=dict)  # library -> entry scripts
    models: dict[str, DatabaseModel] = field(default_factory=dict)  # script -> its model
    parsed: dict[str, ParsedFile] = field(default_factory=dict)

    @property
    def invocations(self) -> list[Invocation]:
        return [i for s in self.scripts for i in s.invocations]


def tasks_environment(invocations, fallback: EnvSet) -> EnvSet:
    """Where tasks run: an exported RAILS_ENV or a `case` on the environment narrows the
    answer the script's path gives (`fallback`, used when there is no task)."""
    environment = None
    for inv in invocations:
        environment = inv.environment if environment is None else environment.join(inv.environment)
    return fallback if environment is None else environment
