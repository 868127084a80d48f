"""compose: `docker-compose.yml` / `compose.yaml` (also `docker-compose.*.yml`).

A service's `entrypoint:` and `command:` run when its container starts, without a shell: the
string form is split into words as a shell splits a simple command (`command: bash -c "…"`
starts a shell, `command: a && b` does not), the list form is the words themselves. With an
`entrypoint:` the command is its arguments. `environment:` (mapping or `KEY=VALUE` list) gives
`RAILS_ENV`. Each service is a group of its own.
"""

from __future__ import annotations

import orderlint.deploy.yamlnodes as y
from orderlint.deploy.host import Source, Step, literal_env


def _words(src: Source, node) -> list:
    if node is None:
        return []
    if y.is_seq(node):
        return [y.placed(src, n) for n in y.strings(node)]
    if y.text(node) is not None:
        return src.split(y.placed(src, node))
    return []


def read(src: Source, root) -> list[Step]:
    steps: list[Step] = []
    for name, (key, service) in y.items(y.get(root, "services")).items():
        if not y.is_map(service):
            continue
        entry, command = y.get(service, "entrypoint"), y.get(service, "command")
        words = _words(src, entry) + _words(src, command)
        if not words:
            continue
        first = entry if entry is not None and _words(src, entry) else command
        label = "entrypoint:" if first is entry else "command:"
        start = src.pos(words[0].index[0]) if words[0].index else src.pos(0)
        end_row = max(y.end_row(n) for n in (entry, command) if n is not None)
        body, errexit, how = src.command(words)
        steps.append(Step(body=body, start=start, end_row=end_row, label=label, errexit=bool(errexit),
                          group=f"service {name}", shell=how or "exec",
                          env=literal_env(y.env_pairs(y.get(service, "environment")))))
        for n in (entry, command):
            if n is not None:
                src.spans[n.start_mark.line] = y.end_row(n)
    return steps
