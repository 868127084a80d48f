from orderlint.messages import Message
from orderlint.model import Severity
from orderlint.rails.databases import QUEUE_LIKE, WIPES, scoped_task_defined
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
            others = [(d, r) for d, r in zip(inv.databases, inv.roles) if d != inv.primary and r in QUEUE_LIKE]
            if not others:
                continue  # a peer's data is OL401's business: orderlint assumes nothing about it
            name, role = others[0]
            model = inv.model or script.model
            db = model.database(name, inv.environment.only) if inv.environment.only else None
            where = f" ({db.database})" if db is not None and db.database else ""
            reported.add(inv.command)
            dev = inv.environment.only_development()
            loss = Message(f"OL502.loss-{role}")
            if inv.scope is not None:
                message = Message("OL502.destroys", task=inv.task, db=name, detail=where, loss=loss)
            elif scoped_task_defined(inv.base, model.rails_version):
                message = Message("OL502.also-destroys", task=inv.task, db=name, detail=where, loss=loss,
                                  fix=f"{inv.base}:{inv.primary}")
            else:  # Rails has no `db:truncate_all:primary`, `db:seed:replant:primary`, `db:purge:primary`
                message = Message("OL502.also-destroys-unscoped", task=inv.task, db=name, detail=where, loss=loss)
            yield Finding.at(inv, message, severity=Severity.WARNING if dev else None)
