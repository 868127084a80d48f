from orderlint.messages import Message
from orderlint.flow import SILENT
from orderlint.model import Severity
from orderlint.rules import Finding, Rule
from orderlint.rules._failure import changes_database


class QueueFailureSilent(Rule):
    """## What it does
    Reports a queue task whose failure is swallowed without any message.

    ## Why is this bad?
    Non-blocking must not mean invisible: nobody learns that the queue schema is behind
    until jobs fail. Log a warning when the queue task fails.

    ## Example
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    bin/rails db:migrate:primary
    bin/rails db:migrate:queue || true
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    bin/rails db:migrate:primary
    bin/rails db:migrate:queue || echo "warning: queue migration failed" >&2
    ```
    """

    code = "OL203"
    name = "queue-failure-silent"
    severity = Severity.INFO
    summary = "a queue failure is swallowed without any warning message"

    def check(self, script):
        for inv in script.invocations:
            if inv.queue_like_only and changes_database(inv) and inv.on_failure == SILENT:
                yield Finding.at(inv, Message("OL203.message", task=inv.task, reason=inv.reason))
