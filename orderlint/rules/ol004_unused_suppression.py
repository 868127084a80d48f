from orderlint.model import Severity
from orderlint.rules import Rule


class UnusedSuppression(Rule):
    """## What it does
    Reports an `# orderlint: disable=…` directive that suppresses nothing.

    ## Why is this bad?
    A stale suppression hides nothing today but will silently hide a real finding tomorrow,
    when the code under it changes. Remove it, or run with `--no-suppressions` to audit them.

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
