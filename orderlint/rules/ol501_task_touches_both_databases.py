from orderlint.messages import Join, Message
from orderlint.model import Severity
from orderlint.rails.databases import ALL_DATABASES, PER_DATABASE, READ_ONLY, WIPES
from orderlint.rules import Finding, Rule
from orderlint.rules._fix import UNSAFE, insert_after, make, replace, runner, site_of, warn_text


class TaskTouchesBothDatabases(Rule):
    """## What it does
    Reports an unscoped task (`db:migrate`, `db:prepare`, `db:create`, …) that, with the
    app's multi-database `config/database.yml`, also acts on the queue database.

    ## Why is this bad?
    `db:migrate` migrates every database of the environment: the queue's migrations run
    inside the primary step, a queue failure there is as blocking as a primary one, and
    the "primary first, queue second, queue non-blocking" policy holds only on paper.

    ## Fix safety
    Fixable for `db:migrate` and the other tasks Rails scopes per database: the task becomes
    `TASK:primary`, and each Solid database (queue, cache, cable) it also acted on gets its own
    task on the next line, non-blocking (`|| echo "warning: … failed" >&2`), unless the script
    already runs it afterwards. No fix when another database would lose its task. Unsafe: a
    failure of those databases no longer stops the script (`--unsafe-fixes`).

    ## Example
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    bin/rails db:migrate
    if ! bin/rails db:migrate:queue; then
      echo "warning: queue migration failed" >&2
    fi
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    bin/rails db:migrate:primary
    if ! bin/rails db:migrate:queue; then
      echo "warning: queue migration failed" >&2
    fi
    ```
    """

    code = "OL501"
    name = "task-touches-both-databases"
    severity = Severity.WARNING
    summary = "an unscoped task also acts on the queue database"
    fixable = "unsafe"

    def check(self, script):
        for inv in script.invocations:
            if inv.scope is not None or inv.base not in ALL_DATABASES or inv.base in WIPES or inv.base in READ_ONLY:
                continue
            others = [d for d in inv.databases if d != inv.primary]
            if not others or not inv.touches_primary:
                continue
            names = Join((f"`{d}`" for d in others), "comma")
            detail = ""
            db = (inv.model or script.model).database(others[0], inv.environment.only) if inv.environment.only else None
            if db is not None and db.database:
                detail = f" ({db.database})"
            if inv.base in PER_DATABASE:
                fix = Message("OL501.use", task=f"{inv.task}:{inv.primary}")
            else:
                fix = Message("OL501.no-scoped-task", task=f"{inv.task}:{inv.primary}", primary=inv.primary)
            yield Finding.at(
                inv,
                Message("OL501.message", task=inv.task, others=names, detail=detail, primary=inv.primary, fix=fix),
                fix=scoped_fix(script, inv, others),
            )


SOLID = ("queue", "cache", "cable")


def scoped_fix(script, inv, others):
    """`db:migrate:primary`, then each Solid database's own task, non-blocking, unless the
    script already runs it after; none when another database (a peer) would lose its task."""
    if inv.base not in PER_DATABASE or inv.task != inv.base:
        return None
    site = site_of(script, inv)
    if site is None:
        return None
    edits = [replace(site, site.word, f"{inv.task}:{inv.primary}")]
    lines = []
    for name in others:
        task = f"{inv.task}:{name}"
        if any(o.task == task and inv.id in o.may_before for o in script.invocations):
            continue
        db = (inv.model or script.model).database(name, inv.environment.only)
        paths = (db.migrations_paths or "") if db is not None else ""
        if not (name in SOLID or any(f"db/{s}_migrate" in paths for s in SOLID)):
            return None
        lines.append(task)
    if lines:
        stmt = site.statement()
        prefix = runner(site) if stmt is not None else None
        if prefix is None:
            return None
        edits.append(insert_after(site, stmt, "\n".join(f"{prefix}{t} || {warn_text(t)}" for t in lines)))
    return make(edits, UNSAFE, Message("autofix.scope-task", task=f"{inv.task}:{inv.primary}"))
