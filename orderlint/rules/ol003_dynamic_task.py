from orderlint.model import Severity
from orderlint.rules import Rule


class DynamicTask(Rule):
    """## What it does
    Reports a `rails` / `rake` invocation whose task name is not a literal.

    ## Why is this bad?
    `bin/rails "$TASK"` may run any task: orderlint cannot place it in the order of the
    script's database tasks nor judge its failure handling.

    ## Example
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    bin/rails "$TASK"
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    case "$1" in
      migrate) bin/rails db:migrate ;;
      seed) bin/rails db:seed ;;
    esac
    ```
    """

    code = "OL003"
    name = "dynamic-task"
    severity = Severity.INFO
    summary = "a rails/rake invocation whose task name is not a literal"
