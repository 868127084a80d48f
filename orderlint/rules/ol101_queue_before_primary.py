from orderlint.messages import Message, Step
from orderlint.model import Severity
from orderlint.rules import Finding, Rule, related, where
from orderlint.rules._order import out_of_order


class QueueBeforePrimary(Rule):
    """## What it does
    Reports a queue migration (`db:migrate:queue`) that, on some path through the script,
    runs before the primary database's migration. With a custom order policy, any step that
    runs before an earlier step (other than the seed, see OL102).

    Order is decided on the paths the script can take, not on line numbers: a function
    defined on line 10 and called after line 300 runs after line 300.

    ## Why is this bad?
    Jobs dequeued from the migrated queue may need columns or tables that the primary
    migration has not created yet. The policy is: primary migrations, then queue migrations,
    then seed.

    ## Example
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    migrate_primary() { bin/rails db:migrate:primary; }
    bin/rails db:migrate:queue
    migrate_primary
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    migrate_primary() { bin/rails db:migrate:primary; }
    migrate_primary
    bin/rails db:migrate:queue
    ```
    """

    code = "OL101"
    name = "queue-before-primary"
    severity = Severity.ERROR
    summary = "on some path a queue migration runs before the primary migration"

    def check(self, script):
        steps = script.settings.policy.steps
        last = len(steps) - 1
        for late, early, late_step, early_step in out_of_order(script):
            if late_step == last and len(steps) > 1 and steps[last].name == "seed":
                continue  # OL102's
            yield Finding.at(
                late,
                Message("OL101.message", task=late.task, step=Step(steps[late_step].name), other=early.task,
                        other_step=Step(steps[early_step].name), where=where(early)),
                [related(early, Message("OL101.related", task=early.task))],
            )
