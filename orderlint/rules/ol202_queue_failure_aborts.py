from orderlint.messages import Message
from orderlint.flow import ABORTS
from orderlint.model import Severity
from orderlint.rules import Finding, Rule
from orderlint.rules._failure import changes_database
from orderlint.rules._fix import SAFE, append_handler, make, site_of, warn_text


class QueueFailureAborts(Rule):
    """## What it does
    Reports a task scoped to the queue database (`db:migrate:queue`) whose failure stops the
    script.

    ## Why is this bad?
    The policy makes queue tasks non-blocking: the queue can be recreated and its jobs
    re-enqueued, while a deploy stopped halfway leaves the primary database migrated and
    the old code running. Log a warning and go on.

    ## Fix safety
    Fixable when the task is a command of its own: ` || echo "warning: TASK failed" >&2` is
    added after it. Safe: the script behaves the same whenever the task succeeds.

    ## Example
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    bin/rails db:migrate:primary
    bin/rails db:migrate:queue
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    bin/rails db:migrate:primary
    if ! bin/rails db:migrate:queue; then
      echo "warning: queue migration failed, continuing" >&2
    fi
    ```
    """

    code = "OL202"
    name = "queue-failure-aborts"
    severity = Severity.WARNING
    summary = "a failing queue task stops the script"
    fixable = "safe"

    def check(self, script):
        for inv in script.invocations:
            if inv.queue_like_only and changes_database(inv) and inv.on_failure == ABORTS:
                yield Finding.at(
                    inv,
                    Message("OL202.message", task=inv.task, reason=inv.reason),
                    fix=fix(script, inv),
                )


def fix(script, inv):
    """` || echo "warning: TASK failed" >&2` after a task that is a statement of its own."""
    site = site_of(script, inv)
    stmt = site.statement() if site is not None else None
    if stmt is None:
        return None
    return make([append_handler(site, stmt, warn_text(inv.task))], SAFE, Message("autofix.log-warning", task=inv.task))
