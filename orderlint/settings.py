"""The resolved settings of one run: defaults, then the configuration file, then the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field

from orderlint.model import Severity
from orderlint.rails.policy import DEFAULT_POLICY, Policy


@dataclass(frozen=True)
class Settings:
    paths: tuple[str, ...] = ("ops",)
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()  # empty: every rule
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fail_level: Severity = Severity.WARNING
    severity: dict[str, Severity] = field(default_factory=dict)
    environments: dict[str, str] = field(default_factory=dict)  # glob -> environment
    database_yml: str | None = None
    databases: dict | None = None  # {env: {name: {adapter…}}} for repos without database.yml
    rails_version: str | None = None
    roles: dict[str, str] = field(default_factory=dict)  # database name -> queue, cache, cable or peer
    policy: Policy = DEFAULT_POLICY
    deploy_scripts: tuple[str, ...] = ("deploy*",)
    launchers: tuple[str, ...] = ()  # a project's own commands that run the command after them
    suppressions: bool = True
    fix: bool = False  # apply the safe fixes (`--fix`)
    unsafe_fixes: bool = False  # also offer and apply the unsafe ones (`--unsafe-fixes`)
    config_file: str | None = None
    origins: dict[str, str] = field(default_factory=dict)  # key -> where its value came from
