from orderlint.messages import Join, Message
from orderlint.model import Severity
from orderlint.rails.databases import ALL_DATABASES, QUEUE_LIKE, READ_ONLY, WIPES, scoped_task_defined
from orderlint.rules import Finding, Rule
from orderlint.rules._fix import UNSAFE, insert_after, make, replace, runner, site_of, warn_text


class TaskTouchesBothDatabases(Rule):
    """## What it does
    Reports an unscoped task (`db:migrate`, `db:prepare`, `db:create`, …) that, with the
    app's multi-database `config/database.yml`, also acts on the queue database — a database
    of the Solid trio (`queue`, `cache`, `cable`: by name, `migrations_paths`, the Solid
    configuration, or the `roles` setting). Other databases (analytics, shards, ClickHouse…)
    are peers: that they are migrated together is no finding. The advice names the scoped
    tasks only where Rails defines them (environments with more than one database).

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
            others = [d for d in inv.queue_like if d != inv.primary]  # peers have no assumed policy
            if not others or not inv.touches_primary:
                continue
            model = inv.model or script.model
            names = Join((f"`{d}`" for d in others), "comma")
            detail = ""
            db = model.database(others[0], inv.environment.only) if inv.environment.only else None
            if db is not None and db.database:
                detail = f" ({db.database})"
            told = advice(inv, model)
            # the edit only where the advice is one scoped task defined wherever the script runs
            edit = scoped_fix(script, inv, [d for d in inv.databases if d != inv.primary]) \
                if told.id == "OL501.use" else None
            yield Finding.at(
                inv,
                Message("OL501.message", task=inv.task, others=names, detail=detail, primary=inv.primary,
                        fix=told),
                fix=edit,
            )


def advice(inv, model) -> Message:
    """The scoped tasks to run instead: one per database that is not queue-like, named only in
    the environments where Rails defines them (a multi-database environment)."""
    keep = [d for d, r in zip(inv.databases, inv.roles) if r not in QUEUE_LIKE]
    envs = inv.environment.only
    relevant = [e for e in model.environments if envs is None or e in envs] or list(model.environments)
    # where the unscoped task reaches a queue-like database, and so where the advice is needed
    needed = [e for e in relevant
              if any(d.queue_like and d.certain and d.name != inv.primary for d in model.environments[e])]
    if not scoped_task_defined(inv.base, model.rails_version):
        return Message("OL501.no-scoped-task", task=f"{inv.task}:{inv.primary}", primary=inv.primary)
    defined = all(e in model.tasks_defined(d, frozenset({e})) for e in needed for d in keep) if needed else True
    if not defined:
        return Message("OL501.no-advice", task=inv.task)
    tasks = [f"{inv.task}:{d}" for d in keep]
    if len(needed) < len(relevant) and model.from_file:
        return Message("OL501.use-in", tasks=Join((f"`{t}`" for t in tasks), "and"), envs=Join(needed, "or"),
                       task=inv.task, primary=inv.primary)
    if len(tasks) == 1:
        return Message("OL501.use", task=tasks[0])
    return Message("OL501.use-all", tasks=Join((f"`{t}`" for t in tasks), "and"))


def scoped_fix(script, inv, others):
    """`db:migrate:primary`, then each Solid database's own task, non-blocking, unless the
    script already runs it after; none when another database (a peer) would lose its task."""
    model = inv.model or script.model
    if not scoped_task_defined(inv.base, model.rails_version) or inv.task != inv.base:
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
        if model.role(name, inv.environment.only) not in QUEUE_LIKE:
            return None  # a peer would lose its migrations
        lines.append(task)
    if lines:
        stmt = site.statement()
        prefix = runner(site) if stmt is not None else None
        if prefix is None:
            return None
        edits.append(insert_after(site, stmt, "\n".join(f"{prefix}{t} || {warn_text(t)}" for t in lines)))
    return make(edits, UNSAFE, Message("autofix.scope-task", task=f"{inv.task}:{inv.primary}"))
