from orderlint.model import Severity
from orderlint.rules import Rule


class UnusedSuppression(Rule):
    """## What it does
    Reports an `# orderlint: disable=…` or `# orderlint: disable-file=…` directive that
    suppresses nothing: no finding of that rule on the command it covers (the command on the
    next line, or on its own line when it ends one; all the lines of a compound command or a
    function it precedes; the whole file for `disable-file`). An unknown rule code or a
    malformed directive is reported the same way. Whether a directive is used does not depend
    on `--select`/`--ignore`: it is checked against every rule.

    A directive without a reason (` -- why`) is accepted, and reported at `info` level.

    ## Why is this bad?
    A stale suppression hides nothing today but will silently hide a real finding tomorrow,
    when the code under it changes. Remove it, or run with `--no-suppressions` to audit them.
    A suppression without a reason leaves the next reader guessing whether it still applies.

    ## Fix safety
    Fixable when the directive is well formed: the unused codes are removed from it, or the
    whole directive when none of its codes is used (its line, when it is alone on it). Safe:
    it suppressed nothing. Unknown codes and malformed directives are left to be corrected by
    hand.

    ## Example
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    # orderlint: disable=OL202 -- the queue must be migrated
    bin/rails db:migrate
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    bin/rails db:migrate
    ```
    """

    code = "OL004"
    name = "unused-suppression"
    severity = Severity.WARNING
    summary = "an `# orderlint: disable=…` directive that suppresses nothing"
    fixable = "safe"
