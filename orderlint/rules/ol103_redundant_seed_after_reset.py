from orderlint.messages import Message
from orderlint.flow import IdSet
from orderlint.model import Severity
from orderlint.rails.databases import RESETS_AND_SEEDS
from orderlint.rules import Finding, Rule, related, where


class RedundantSeedAfterReset(Rule):
    """## What it does
    Reports a `db:seed` that runs after a successful `db:reset` or `db:setup` on every path
    that reaches it.

    ## Why is this bad?
    `db:reset` is `db:drop` + `db:setup`, and `db:setup` is create + schema load + seed: the
    seeds have already run. Seeding twice duplicates rows unless every seed is idempotent.

    ## Example
    ```bash
    #!/usr/bin/env bash
    # ops/dev/reset.sh
    set -euo pipefail
    bin/rails db:reset
    bin/rails db:seed
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    # ops/dev/reset.sh
    set -euo pipefail
    bin/rails db:reset
    ```
    """

    code = "OL103"
    name = "redundant-seed-after-reset"
    severity = Severity.WARNING
    summary = "`db:seed` after `db:reset`/`db:setup` on the same path"

    def check(self, script):
        resets = IdSet.of(i.id for i in script.invocations if i.base in RESETS_AND_SEEDS and i.scope is None)
        for inv in script.invocations:
            if inv.task != "db:seed":
                continue
            for before_id in inv.must_before & resets:
                reset = script.by_id(before_id)
                if reset is not None and reset.base in RESETS_AND_SEEDS and reset.scope is None and \
                        reset.environment.meets(inv.environment):  # `RAILS_ENV=test db:reset` seeds test only
                    yield Finding.at(
                        inv,
                        Message("OL103.message", reset=reset.task, where=where(reset)),
                        [related(reset, Message("OL103.related", task=reset.task))],
                    )
                    break
