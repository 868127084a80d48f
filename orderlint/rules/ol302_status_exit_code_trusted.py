from orderlint.flow import ABORTS
from orderlint.messages import Message
from orderlint.model import Severity
from orderlint.rules import Finding, Rule
from orderlint.rules._fix import SAFE, make, replace, site_of


class StatusExitCodeTrusted(Rule):
    """## What it does
    Reports `db:migrate:status` used as a check through its exit status (in an `if`, a
    `&&`/`||` list, or a `$?` test), its output never read. Printing the table for an
    operator is fine.

    ## Why is this bad?
    `db:migrate:status` prints a table and exits 0 even when migrations are pending (`down`
    rows). A script that trusts its status believes every migration ran.

    ## Fix safety
    Fixable where the script stops when the status fails (`if ! …; then exit 1; fi`,
    `… || exit 1`): the task becomes `db:abort_if_pending_migrations` (scoped as it was), which
    fails when a migration is pending, so the check means what the script expects. Also
    inside a quoted command string (`ssh host '…'`). Safe.

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
    fixable = "safe"

    def check(self, script):
        for inv in script.invocations:
            if inv.base == "db:migrate:status" and inv.status_tested and not inv.output_inspected:
                yield Finding.at(inv, Message("OL302.message-why", task=inv.task, reason=inv.reason) if inv.reason
                                 else Message("OL302.message", task=inv.task), fix=fix(script, inv))


def fix(script, inv):
    """`db:abort_if_pending_migrations` (with the same scope) instead of `db:migrate:status`,
    where the script stops when the status fails (`if ! …; then exit 1; fi`)."""
    if inv.on_failure != ABORTS:
        return None
    site = site_of(script, inv)
    if site is None:
        return None
    task = "db:abort_if_pending_migrations" + inv.task[len("db:migrate:status"):]
    return make([replace(site, site.word, task)], SAFE, Message("autofix.use-task", task=task))
