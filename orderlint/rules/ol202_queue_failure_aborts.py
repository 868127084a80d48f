from orderlint.messages import Message
from orderlint.flow import ABORTS
from orderlint.model import Severity
from orderlint.rules import Finding, Rule
from orderlint.rules._failure import changes_database


class QueueFailureAborts(Rule):
    """## What it does
    Reports a task scoped to the queue database (`db:migrate:queue`) whose failure stops the
    script.

    ## Why is this bad?
    The policy makes queue tasks non-blocking: the queue can be recreated and its jobs
    re-enqueued, while a deploy stopped halfway leaves the primary database migrated and
    the old code running. Log a warning and go on.

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

    def check(self, script):
        for inv in script.invocations:
            if inv.queue_like_only and changes_database(inv) and inv.on_failure == ABORTS:
                yield Finding.at(
                    inv,
                    Message("OL202.message", task=inv.task, reason=inv.reason),
                )
