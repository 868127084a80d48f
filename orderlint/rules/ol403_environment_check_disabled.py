from orderlint.messages import Message
from orderlint.model import Severity
from orderlint.rails.databases import DESTRUCTIVE
from orderlint.rules import Finding, Rule


class EnvironmentCheckDisabled(Rule):
    """## What it does
    Reports `DISABLE_DATABASE_ENVIRONMENT_CHECK=1` on a destructive Rails task (the ones
    Rails guards: `db:drop`, `db:reset`, `db:schema:load`, `db:truncate_all`, …) in a script
    that can run in production.

    ## Why is this bad?
    Rails refuses `db:drop`, `db:schema:load`, `db:truncate_all` and friends against a
    production database unless this variable is set. Setting it in a script removes the
    last guard between a typo and an empty production database.

    ## Example
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    DISABLE_DATABASE_ENVIRONMENT_CHECK=1 bin/rails db:schema:load
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    # ops/dev/load-schema.sh
    set -euo pipefail
    bin/rails db:schema:load
    ```
    """

    code = "OL403"
    name = "environment-check-disabled"
    severity = Severity.ERROR
    summary = "`DISABLE_DATABASE_ENVIRONMENT_CHECK=1` in a script that can run in production"

    def check(self, script):
        for inv in script.invocations:
            if inv.disables_env_check and inv.base in DESTRUCTIVE and inv.environment.may_be("production"):
                yield Finding.at(
                    inv,
                    Message("OL403.message", task=inv.task),
                )
