from orderlint.messages import Join, Message
from orderlint.model import Severity
from orderlint.rails.databases import MIGRATES, PEER
from orderlint.rules import Finding, Rule


MIGRATION_TASKS = frozenset({"db:migrate", "db:prepare"})  # with their `:NAME` forms


class IncompleteMigrationFlow(Rule):
    """## What it does
    Reports a script that migrates some of the app's databases but never the others, e.g.
    `db:migrate:primary` without `db:migrate:queue`. A script that other scripts run is
    judged as a step of their flows.

    Only the primary and the queue-like databases (Solid Queue, Cache, Cable) count: a peer
    (an events, analytics or shard database, or any database configured as `peer`) may be
    migrated on its own schedule, so a script that leaves it out, or migrates only it, is
    not reported.

    ## Why is this bad?
    After such a deploy, the code expects every schema to be current; the database left
    behind fails at the first job or query that needs its new migration.

    ## Example
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    bin/rails db:migrate:primary
    ```
    ```yaml
    production:
      primary:
        adapter: postgresql
        database: app
      queue:
        adapter: sqlite3
        database: storage/queue.sqlite3
        migrations_paths: db/queue_migrate
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    bin/rails db:migrate:primary
    bin/rails db:migrate:queue
    ```
    """

    code = "OL104"
    name = "incomplete-migration-flow"
    severity = Severity.WARNING
    summary = "a flow migrates one database of the app but never the other"

    def check(self, script):
        if script.used_by:
            return  # a step of its callers' flows, judged there
        # (tasks run in another app of a monorepo are that app's business)
        own = [i for i in script.invocations if (i.model or script.model) is script.model]
        migrations = [i for i in own if i.base in MIGRATION_TASKS]
        if not migrations:
            return
        envs = None
        for inv in migrations:
            envs = inv.environment.only if envs is None else (
                None if inv.environment.only is None else envs | inv.environment.only)
        # Peers have no policy, and a database that may be absent is not owed a migration: neither is expected.
        expected = [d.name for d in script.model.for_envs(envs) if d.certain and d.role != PEER]
        # A reset or a schema load brings a database up to date too, without triggering the rule.
        migrated = {name for inv in own if inv.base in MIGRATES
                    for name, role in zip(inv.databases, inv.roles) if role != PEER}
        missing = [name for name in expected if name not in migrated]
        if missing and migrated:
            first = migrations[0]
            yield Finding.at(
                first,
                Message("OL104.message", migrated=Join((f"`{m}`" for m in sorted(migrated)), "comma"),
                        missing=Join((f"`{m}`" for m in missing), "comma"), first=missing[0]),
            )
