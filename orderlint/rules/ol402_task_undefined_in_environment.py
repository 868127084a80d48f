import re

from orderlint.model import Severity
from orderlint.rules import Finding, Rule


# `:NAME` tasks arrived with multiple databases in Rails 6.0; these later.
SCOPED_SINCE = {"db:reset": (7, 0), "db:truncate_all": (7, 1), "db:prepare": (7, 1), "db:setup": (7, 1),
                "db:purge": (7, 1), "db:seed:replant": (7, 1)}


def parse_version(text: str | None) -> tuple[int, int] | None:
    parts = re.findall(r"\d+", text or "")
    return (int(parts[0]), int(parts[1]) if len(parts) > 1 else 0) if parts else None


class TaskUndefinedInEnvironment(Rule):
    """## What it does
    Reports a `:NAME` task (`db:migrate:queue`) for a database that `config/database.yml`
    does not define, or hides (`database_tasks: false`, `replica: true`), in the environment
    the script runs in.

    ## Why is this bad?
    Rails defines `db:migrate:NAME` only for the databases of the current environment, and
    only when it has more than one. Rails 8's default `database.yml` defines `queue` only
    under `production`: in development `db:migrate:queue` is "Don't know how to build task".

    ## Example
    ```bash
    #!/usr/bin/env bash
    # ops/dev/setup.sh
    set -euo pipefail
    bin/rails db:migrate:queue
    ```
    ```yaml
    development:
      adapter: sqlite3
      database: storage/development.sqlite3
    production:
      primary:
        adapter: sqlite3
        database: storage/production.sqlite3
      queue:
        adapter: sqlite3
        database: storage/production_queue.sqlite3
        migrations_paths: db/queue_migrate
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    # ops/production/setup.sh
    set -euo pipefail
    bin/rails db:migrate:queue
    ```
    """

    code = "OL402"
    name = "task-undefined-in-environment"
    severity = Severity.WARNING
    summary = "a `:NAME` task for a database that database.yml does not define in that environment"

    def check(self, script):
        for inv in script.invocations:
            model = inv.model or script.model
            if inv.scope is None or not model.from_file:
                continue
            since = SCOPED_SINCE.get(inv.base, (6, 0))
            version = parse_version(model.rails_version)
            if version is not None and version < since:
                yield Finding.at(
                    inv,
                    f"`{inv.task}` does not exist in Rails {model.rails_version} (Gemfile.lock): "
                    f"`{inv.base}:NAME` tasks arrived in Rails {since[0]}.{since[1]}",
                )
                continue
            envs = inv.environment.only
            known = [e for e in model.environments if envs is None or e in envs]
            if not known:
                continue
            missing: dict[str, str] = {}  # environment -> why the task is not there
            for env in known:
                dbs = {d.name: d for d in model.environments[env]}
                db = dbs.get(inv.scope)
                if db is None:
                    missing[env] = f"{model.source} defines no `{inv.scope}` database there"
                elif db.replica:
                    missing[env] = f"`{inv.scope}` is a replica there (`replica: true`): Rails runs no task on it"
                elif not db.database_tasks:
                    missing[env] = f"`{inv.scope}` has `database_tasks: false` there"
                elif len(dbs) < 2:
                    missing[env] = "it is the only database there (Rails defines `:NAME` tasks only for " \
                                   "multi-database environments)"
            if missing and (envs is not None or len(missing) == len(known)):
                reasons = "; ".join(f"{env}: {why}" for env, why in missing.items())
                yield Finding.at(inv, f"`{inv.task}` does not exist in {', '.join(missing)} ({reasons})")
