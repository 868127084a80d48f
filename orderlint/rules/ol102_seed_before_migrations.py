from orderlint.messages import Message, Step
from orderlint.model import Severity
from orderlint.rules import Finding, Rule, related, where
from orderlint.rules._order import out_of_order


class SeedBeforeMigrations(Rule):
    """## What it does
    Reports a `db:seed` that, on some path through the script, runs before a migration that
    the policy puts first.

    ## Why is this bad?
    Seeds are written against the latest schema: run before the migrations, they fail on a
    missing column, or worse, write rows the migration then transforms. `db:seed` also
    aborts when migrations are pending.

    ## Example
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    bin/rails db:seed
    bin/rails db:migrate
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    bin/rails db:migrate
    bin/rails db:seed
    ```
    """

    code = "OL102"
    name = "seed-before-migrations"
    severity = Severity.ERROR
    summary = "on some path `db:seed` runs before the migrations it depends on"

    def check(self, script):
        steps = script.settings.policy.steps
        last = len(steps) - 1
        for late, early, late_step, early_step in out_of_order(script):
            if late_step != last or steps[last].name != "seed":
                continue
            yield Finding.at(
                late,
                Message("OL102.message", task=late.task, other=early.task, other_step=Step(steps[early_step].name),
                        where=where(early), step=Step(steps[late_step].name)),
                [related(early, Message("OL102.related", task=early.task))],
            )
