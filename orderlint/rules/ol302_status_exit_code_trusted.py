from orderlint.messages import Message
from orderlint.model import Severity
from orderlint.rules import Finding, Rule


class StatusExitCodeTrusted(Rule):
    """## What it does
    Reports `db:migrate:status` used as a check through its exit status (in an `if`, a
    `&&`/`||` list, or a `$?` test), its output never read. Printing the table for an
    operator is fine.

    ## Why is this bad?
    `db:migrate:status` prints a table and exits 0 even when migrations are pending (`down`
    rows). A script that trusts its status believes every migration ran.

    ## Example
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    bin/rails db:migrate
    if ! bin/rails db:migrate:status; then
      echo "pending migrations" >&2
      exit 1
    fi
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    bin/rails db:migrate
    if bin/rails db:migrate:status | grep -q '^\\s*down'; then
      echo "pending migrations" >&2
      exit 1
    fi
    ```
    """

    code = "OL302"
    name = "status-exit-code-trusted"
    severity = Severity.WARNING
    summary = "`db:migrate:status` is used as a check through its exit code"

    def check(self, script):
        for inv in script.invocations:
            if inv.base == "db:migrate:status" and inv.status_tested and not inv.output_inspected:
                yield Finding.at(inv, Message("OL302.message-why", task=inv.task, reason=inv.reason) if inv.reason
                                 else Message("OL302.message", task=inv.task))
