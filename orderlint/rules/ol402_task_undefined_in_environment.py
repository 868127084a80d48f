import re

from orderlint.messages import Join, Message
from orderlint.model import Severity
from orderlint.rails.databases import ALL_DATABASES, PER_DATABASE, SCOPED_SINCE, undefined_suffix
from orderlint.rules import Finding, Rule


def parse_version(text: str | None) -> tuple[int, int] | None:
    parts = re.findall(r"\d+", text or "")
    return (int(parts[0]), int(parts[1]) if len(parts) > 1 else 0) if parts else None


class TaskUndefinedInEnvironment(Rule):
    """## What it does
    Reports a `:NAME` task (`db:migrate:queue`) for a database that `config/database.yml`
    does not define, or hides (`database_tasks: false`, `replica: true`), in the environment
    the script runs in; and, where `database.yml` is known, a suffix Rails defines for no
    version of a task: `:all` outside `db:create:all`, `db:drop:all` and `db:purge:all`
    (`db:migrate:status:all`), or a database's name after a task that has no per-database form
    (`db:seed:queue`, `db:prepare:queue`).

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
            if not model.from_file:
                continue  # the app may name its databases anything: nothing is certain
            if inv.scope is None:
                odd = undefined_suffix(inv.task, model.names())
                if odd is not None:
                    yield Finding.at(inv, no_such_task(inv.task, *odd))
                continue
            if inv.base not in PER_DATABASE:  # `db:prepare:queue`: no Rails version defines it
                yield Finding.at(inv, Message("OL402.no-such-task", task=inv.task, base=inv.base))
                continue
            since = SCOPED_SINCE.get(inv.base, (6, 0))
            version = parse_version(model.rails_version)
            if version is not None and version < since:
                yield Finding.at(
                    inv,
                    Message("OL402.too-old", task=inv.task, version=model.rails_version, base=inv.base,
                            since=f"{since[0]}.{since[1]}"),
                )
                continue
            envs = inv.environment.only
            known = [e for e in model.environments if envs is None or e in envs]
            if not known:
                continue
            missing: dict[str, Message] = {}  # environment -> why the task is not there
            for env in known:
                dbs = {d.name: d for d in model.environments[env]}
                db = dbs.get(inv.scope)
                if db is None:
                    missing[env] = Message("OL402.not-defined", source=model.source, db=inv.scope)
                elif db.replica:
                    missing[env] = Message("OL402.replica", db=inv.scope)
                elif not db.database_tasks:
                    missing[env] = Message("OL402.no-tasks", db=inv.scope)
                elif len(dbs) < 2:
                    missing[env] = Message("OL402.only-database")
            if missing and (envs is not None or len(missing) == len(known)):
                reasons = Join(Message("OL402.in-env", env=env, reason=why) for env, why in missing.items())
                yield Finding.at(inv, Message("OL402.message", task=inv.task, envs=Join(missing, "comma"),
                                              reasons=reasons))


def no_such_task(task: str, base: str, suffix: str) -> Message:
    """`db:seed:all`, `db:seed:queue`: no `db:seed:NAME` at all; `db:migrate:status:all`: Rails has
    `db:migrate:status:NAME` for each database, and `all` is not one."""
    if base not in PER_DATABASE:
        return Message("OL402.no-such-task", task=task, base=base)
    advice = Message("OL402.all-unscoped", base=base) if base in ALL_DATABASES else \
        Message("OL402.all-scoped", base=base)
    return Message("OL402.no-all-task", task=task, advice=advice)
