"""kamal: the environments Kamal's hooks (`.kamal/hooks/*`) run in.

The hooks are shell scripts, read as any other (`*.sample` hooks never run and are not read).
Kamal runs them for a destination (`kamal deploy -d staging` sets `KAMAL_DESTINATION` and reads
`config/deploy.staging.yml` over `config/deploy.yml`): the destinations an app defines are the
environments its hooks can run in, each named by its `env.clear.RAILS_ENV` when it sets one,
else by its own name; `config/deploy.yml` alone deploys production (the environment
Rails's generated Dockerfile sets) unless it sets `RAILS_ENV`. `pre-deploy` is a deploy script (OL301).
"""

from __future__ import annotations

import re
from pathlib import Path

DESTINATION = re.compile(r"^deploy\.(?P<name>[\w-]+)\.ya?ml$")


def _rails_env(path: Path) -> str | None:
    import yaml

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, yaml.YAMLError):
        return None
    env = doc.get("env") if isinstance(doc, dict) else None
    clear = env.get("clear") if isinstance(env, dict) else None
    value = clear.get("RAILS_ENV") if isinstance(clear, dict) else None
    return value if isinstance(value, str) and "<%" not in value else None


def hook_environments(script: Path) -> list[str] | None:
    """The names of the environments a hook may run in (None: not a hook, or no destination)."""
    if script.parent.name != "hooks" or script.parent.parent.name != ".kamal":
        return None
    config = script.parent.parent.parent / "config"
    try:
        names = sorted(p.name for p in config.iterdir())
    except OSError:
        return None
    found = []
    base = _rails_env(config / "deploy.yml") if "deploy.yml" in names else None
    for name in names:
        m = DESTINATION.match(name)
        if m:
            found.append(_rails_env(config / name) or base or m.group("name"))
    if "deploy.yml" in names:  # `kamal deploy` without a destination: the image's own, production
        found.append(base or "production")
    return found or None
