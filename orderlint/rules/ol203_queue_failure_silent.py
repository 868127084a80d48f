from orderlint.messages import Message
from orderlint.flow import SILENT
from orderlint.model import Severity
from orderlint.rules import Finding, Rule
from orderlint.rules._failure import changes_database
from orderlint.rules._fix import SAFE, append_handler, make, replace, site_of, warn_text


class QueueFailureSilent(Rule):
    """## What it does
    Reports a queue task whose failure is swallowed without any message.

    ## Why is this bad?
    Non-blocking must not mean invisible: nobody learns that the queue schema is behind
    until jobs fail. Log a warning when the queue task fails.

    ## Fix safety
    Fixable when the task is a command of its own or ends in `|| true`: the warning
    `echo "warning: TASK failed" >&2` becomes its handler. Safe: only what is printed changes.

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
    fixable = "safe"

    def check(self, script):
        for inv in script.invocations:
            if inv.queue_like_only and changes_database(inv) and inv.on_failure == SILENT:
                yield Finding.at(inv, Message("OL203.message", task=inv.task, reason=inv.reason),
                                 fix=fix(script, inv))


def fix(script, inv):
    """`|| true` becomes `|| echo "warning: TASK failed" >&2`; a bare task gets that handler."""
    site = site_of(script, inv)
    if site is None:
        return None
    message = Message("autofix.log-warning", task=inv.task)
    discard = site.or_discard()
    if discard is not None:
        return make([replace(site, discard, warn_text(inv.task))], SAFE, message)
    stmt = site.statement()
    return make([append_handler(site, stmt, warn_text(inv.task))], SAFE, message) if stmt else None
