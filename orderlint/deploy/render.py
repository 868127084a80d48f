"""render: Render blueprints (`render.yaml`).

For each service, `buildCommand`, then `preDeployCommand`, then `startCommand`, each run by a
shell without `set -e`: a failing build or pre-deploy command fails the deploy, so the
commands after it never run. `envVars` with a literal `value` give `RAILS_ENV`.
"""

from __future__ import annotations

import orderlint.deploy.yamlnodes as y
from orderlint.deploy.host import Source, Step, literal_env

BASH = "bash -c"
KEYS = ("buildCommand", "preDeployCommand", "startCommand")


def read(src: Source, root) -> list[Step]:
    steps: list[Step] = []
    services = y.get(root, "services")
    for n, service in enumerate(services.value if y.is_seq(services) else ()):
        name = y.text(y.get(service, "name")) or str(n + 1)
        pairs = []
        variables = y.get(service, "envVars")
        for var in (variables.value if y.is_seq(variables) else ()):
            key, value = y.text(y.get(var, "key")), y.get(var, "value")
            if key:
                pairs.append((key, y.text(value) if value is not None else None))
        found = y.items(service)
        for key in KEYS:
            if key not in found or y.text(found[key][1]) is None:
                continue
            key_node, value = found[key]
            start = src.pos(src.offset(key_node.start_mark.line, key_node.start_mark.column))
            body = src.shell(y.placed(src, value))
            steps.append(Step(body=body, start=start, end_row=y.end_row(value), script=src.last_script,
                              label=f"{key}:", group=f"service {name}", shell=BASH,
                              env=literal_env(pairs)))
            src.spans[key_node.start_mark.line] = y.end_row(value)
    return steps
