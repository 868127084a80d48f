from orderlint.messages import Message
from orderlint.model import Severity
from orderlint.rails.databases import WIPES
from orderlint.rules import Finding, Rule


class QueueWiped(Rule):
    """## What it does
    Reports `db:reset`, `db:drop`, `db:purge`, `db:schema:load`, `db:setup`,
    `db:seed:replant`, `db:truncate_all` (unscoped, or scoped to the queue) that destroys the
    queue database. An error, a warning in development-only scripts.

    ## Why is this bad?
    Unscoped, these tasks act on every database: `db:reset` drops and recreates the SQLite
    queue file too, and every enqueued job is lost. "The queue survives operations on the
    primary database" is false for them.

    ## Example
    ```bash
    #!/usr/bin/env bash
    # ops/dev/reset.sh
    set -euo pipefail
    bin/rails db:reset
    bin/rails db:migrate:queue || echo "warning: queue migration failed" >&2
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    # ops/dev/reset.sh
    set -euo pipefail
    bin/rails db:reset:primary
    bin/rails db:migrate:queue || echo "warning: queue migration failed" >&2
    ```
    """

    code = "OL502"
    name = "queue-wiped"
    severity = Severity.ERROR
    summary = "a destructive task destroys the queue database (jobs lost)"

    def check(self, script):
        reported: set[tuple] = set()
        for inv in script.invocations:
            if inv.base not in WIPES or (inv.command and inv.command in reported):
                continue  # one finding per command line: `db:drop db:create db:schema:load` loses the jobs once
            others = [d for d in inv.databases if d != inv.primary]
            if not others:
                continue
            db = (inv.model or script.model).database(others[0], inv.environment.only) if inv.environment.only else None
            where = f" ({db.database})" if db is not None and db.database else ""
            reported.add(inv.command)
            dev = inv.environment.only_development()
            if inv.scope is None:
                message = Message("OL502.also-destroys", task=inv.task, db=others[0], detail=where,
                                  fix=f"{inv.base}:{inv.primary}")
            else:
                message = Message("OL502.destroys", task=inv.task, db=others[0], detail=where)
            yield Finding.at(inv, message, severity=Severity.WARNING if dev else None)
