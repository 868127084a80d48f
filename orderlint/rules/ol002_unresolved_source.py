from orderlint.model import Severity
from orderlint.rules import Rule


class UnresolvedSource(Rule):
    """## What it does
    Reports a `source` / `.` command whose file orderlint does not follow: the path is not a
    literal, the file is missing, or it lies outside the project root.

    ## Why is this bad?
    Functions defined in a file orderlint cannot read are unknown to it: the Rails tasks they
    run are missing from its report. orderlint never reads outside the project root, so a
    library sourced from `/etc` or `$HOME` stays invisible.

    ## Example
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    source "$LIB_DIR/db.sh"
    apply_migrations
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    # ops/deploy.sh
    set -euo pipefail
    source "$(dirname "$0")/lib/db.sh"
    apply_migrations
    ```
    ```bash
    # ops/lib/db.sh
    apply_migrations() {
      bin/rails db:migrate
    }
    ```
    """

    code = "OL002"
    name = "unresolved-source"
    severity = Severity.INFO
    summary = "a `source`d file is missing, dynamic, or outside the project root"
