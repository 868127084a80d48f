from orderlint.messages import Message
from orderlint.flow import IdSet
from orderlint.model import Severity
from orderlint.rails.databases import RESETS_AND_SEEDS
from orderlint.rules import Finding, Rule, related, where
from orderlint.rules._fix import SAFE, delete_line, make, site_of


class RedundantSeedAfterReset(Rule):
    """## What it does
    Reports a `db:seed` that runs after a successful `db:reset` or `db:setup` on every path
    that reaches it.

    ## Why is this bad?
    `db:reset` is `db:drop` + `db:setup`, and `db:setup` is create + schema load + seed: the
    seeds have already run. Seeding twice duplicates rows unless every seed is idempotent.

    ## Fix safety
    Fixable: the seed is removed, its word when it follows another task on the same
    command line (`bin/rails db:reset db:seed`), else its whole line when nothing else is
    written on it. Safe: the seeds still run once, in the reset.

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
    fixable = "safe"

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
                        fix=fix(script, inv),
                    )
                    break


def fix(script, inv):
    """Drop the seed: its word after another task (`rails db:reset db:seed`), else its line."""
    site = site_of(script, inv)
    if site is None or not site.structural:
        return None
    words = site.words()
    index = next((n for n, w in enumerate(words) if w[:2] == site.word), None)
    if index is None:
        return None
    if index > 0 and words[index - 1][2].startswith("db:"):
        return make([site.source.edit(words[index - 1][1], site.word[1], "")], SAFE, Message("autofix.drop-seed"))
    stmt = site.statement()
    if stmt is None or index != len(words) - 1 or not site.removable():
        return None
    return make([delete_line(site, stmt)], SAFE, Message("autofix.drop-seed"))
