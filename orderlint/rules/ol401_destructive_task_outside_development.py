from orderlint.messages import Message
from orderlint.model import Severity
from orderlint.rails.databases import DESTRUCTIVE
from orderlint.rules import Finding, Rule, environment_text


class DestructiveTaskOutsideDevelopment(Rule):
    """## What it does
    Reports `db:reset`, `db:drop`, `db:purge`, `db:schema:load`, `db:setup`,
    `db:seed:replant` or `db:truncate_all` in a script that can run outside development.

    A script's environment comes from its path (`ops/dev/…`, `deploy-local.sh`, the app's
    `bin/setup` and `bin/dev`, which Rails generates for development), from a literal
    `RAILS_ENV`, from a `case`/`if` on `RAILS_ENV`, or from configuration; a script with
    none can run anywhere, production included. Test scripts count as development: a file
    name whose words name the test environment (`run-docker-test.sh`, `ci_testing.sh`) or a
    `test/` folder exempts the script. When the name misleads, an `environments` glob in the
    configuration decides (`environments = { "ops/run-docker-test.sh" = "production" }`).

    A task that runs only on a first boot is not reported: where the script captured what
    `bin/rails db:version` printed and tested it for version 0 (`[ "$version" -eq 0 ]`,
    `[[ $out == *"Current version: 0"* ]]`), no migration ran yet and there is no data to lose.

    ## Why is this bad?
    These tasks delete data. Run against production by a mistyped argument or a copied
    script, they wipe the application's data and the queue's jobs.

    ## Example
    ```bash
    #!/usr/bin/env bash
    # ops/reset.sh
    set -euo pipefail
    bin/rails db:reset
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    # ops/reset.sh
    set -euo pipefail
    case "${RAILS_ENV:-development}" in
      development|test) bin/rails db:reset ;;
      *) echo "refusing to reset $RAILS_ENV" >&2; exit 1 ;;
    esac
    ```
    """

    code = "OL401"
    name = "destructive-task-outside-development"
    severity = Severity.ERROR
    summary = "a destructive task in a script that can run outside development"

    def check(self, script):
        for inv in script.invocations:
            if inv.base in DESTRUCTIVE and not inv.environment.only_development() and not inv.first_boot:
                yield Finding.at(
                    inv,
                    Message("OL401.message", task=inv.task, env=environment_text(inv.environment)),
                )
