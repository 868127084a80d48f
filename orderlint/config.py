"""Configuration: defaults, then `[tool.orderlint]` / `.orderlint.toml`, then the command line."""

from __future__ import annotations

from dataclasses import replace

from orderlint.model import OrderlintError, Severity
from orderlint.settings import Settings


def load_settings(options) -> Settings:
    settings = Settings()
    if options.select is not None:
        settings = replace(settings, select=options.select)
    if options.ignore is not None:
        settings = replace(settings, ignore=options.ignore)
    if options.fail_level is not None:
        try:
            settings = replace(settings, fail_level=Severity.parse(options.fail_level))
        except ValueError as exc:
            raise OrderlintError(f"--fail-level: {exc}") from None
    if options.no_suppressions:
        settings = replace(settings, suppressions=False)
    return settings


def describe_settings(settings: Settings) -> str:
    lines = []
    for key, value in vars(settings).items():
        lines.append(f"{key} = {value!r}")
    return "\n".join(lines) + "\n"
