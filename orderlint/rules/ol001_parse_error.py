from orderlint.model import Severity
from orderlint.rules import Rule


class ParseError(Rule):
    """## What it does
    Reports the lines of a script that tree-sitter-bash could not parse.

    ## Why is this bad?
    orderlint cannot see the Rails tasks written in a region it cannot parse, so its verdict
    on the order and failure handling of that script may be incomplete. The rest of the file
    is still analysed.

    ## Example
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    if [ -f config/master.key ]; then
      bin/rails db:migrate
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    if [ -f config/master.key ]; then
      bin/rails db:migrate
    fi
    ```
    """

    code = "OL001"
    name = "parse-error"
    severity = Severity.WARNING
    summary = "part of a file could not be parsed; the rest is still analysed"
