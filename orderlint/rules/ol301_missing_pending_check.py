from orderlint.messages import Message
from orderlint.model import Severity
from orderlint.flow import ABORTS, UNKNOWN
from orderlint.rails.databases import MIGRATES
from orderlint.rules import Finding, Rule


class MissingPendingCheck(Rule):
    """## What it does
    Reports a deploy script (an entry script named `deploy*` by default) that can run
    outside development, migrates the primary database, and never checks afterwards that no
    migration is pending (`db:abort_if_pending_migrations`, or `db:migrate:status` with its
    output inspected). Init scripts are exempt.

    ## Why is this bad?
    A migration can "succeed" without applying everything: a migration file missing from the
    image, a `migrations_paths` typo, a second database skipped. The release then starts
    against a schema that is behind.

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

    def check(self, script):
        if script.role != "entry" or not script.is_deploy():
            return
        migrations = [i for i in script.invocations if i.base in MIGRATES and i.touches_primary]
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
                )
                return
