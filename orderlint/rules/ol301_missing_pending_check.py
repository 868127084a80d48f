from orderlint.messages import Message
from orderlint.model import Severity
from orderlint.flow import ABORTS, UNKNOWN
from orderlint.rails.databases import RUNS_MIGRATIONS
from orderlint.rules import Finding, Rule
from orderlint.rules._fix import UNSAFE, insert_after, make, runner, site_of


class MissingPendingCheck(Rule):
    """## What it does
    Reports a deploy script (an entry script named `deploy*` by default, and Kamal's
    `.kamal/hooks/pre-deploy`) that can run outside development, migrates the primary
    database, and never checks afterwards that no migration is pending
    (`db:abort_if_pending_migrations`, or `db:migrate:status` with its output inspected).
    Init scripts are exempt. A script migrates when it runs migrations: `db:migrate` (and its
    `:NAME` forms), `db:prepare`, `db:migrate:reset`. A script that only loads the schema
    (`db:schema:load`, `db:setup`, `db:reset`) runs no migration and is not reported: whether
    its `schema.rb` is behind the migrations is not what this rule checks.

    ## Why is this bad?
    A migration can "succeed" without applying everything: a migration file missing from the
    image, a `migrations_paths` typo, a second database skipped. The release then starts
    against a schema that is behind.

    ## Fix safety
    Fixable when the last migration is a command of its own that stops the script on
    failure: `db:abort_if_pending_migrations`, run the way the migration is run (`bin/rails`,
    `bundle exec rake`, the same environment variables), is added on the next line. Unsafe:
    a deploy that used to go on with pending migrations now stops (`--unsafe-fixes`).

    ## Example
    ```bash
    #!/usr/bin/env bash
    # ops/deploy.sh
    set -euo pipefail
    bin/rails db:migrate
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    # ops/deploy.sh
    set -euo pipefail
    bin/rails db:migrate
    bin/rails db:abort_if_pending_migrations
    ```
    """

    code = "OL301"
    name = "missing-pending-check"
    severity = Severity.WARNING
    summary = "a deploy script migrates the primary database and never checks for pending migrations"
    fixable = "unsafe"
    once_per_script = True

    def check(self, script):
        if script.role != "entry" or not script.is_deploy():
            return
        migrations = [i for i in script.invocations if i.base in RUNS_MIGRATIONS and i.touches_primary]
        if not migrations or all(i.environment.only_development() for i in migrations):
            return
        # A check counts when it can stop the script: abort_if_pending failing under errexit,
        # or the status table read by the script (not only printed).
        checks = [i for i in script.invocations
                  if (i.base == "db:abort_if_pending_migrations" and i.on_failure in (ABORTS, UNKNOWN))
                  or (i.base == "db:migrate:status" and i.output_inspected)]
        for inv in migrations:
            if not any(inv.id in c.may_before for c in checks):
                yield Finding.at(
                    inv,
                    Message("OL301.message", task=inv.task),
                    fix=fix(script, [m for m in migrations if not any(m.id in c.may_before for c in checks)]),
                )
                return


def fix(script, unchecked):
    """`… db:abort_if_pending_migrations`, run as the migration is, on the line after the
    migration that runs after every other unchecked one (one that stops the script on failure)."""
    last = [m for m in unchecked if all(o.id == m.id or o.id in m.must_before for o in unchecked)]
    if len(last) != 1 or last[0].on_failure != ABORTS:
        return None
    inv = last[0]
    site = site_of(script, inv)
    stmt = site.statement() if site is not None else None
    prefix = runner(site) if stmt is not None else None
    if prefix is None:
        return None
    task = "db:abort_if_pending_migrations"
    return make([insert_after(site, stmt, prefix + task)], UNSAFE, Message("autofix.add-pending-check", task=task))
