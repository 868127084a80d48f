"""heroku: `Procfile`, `app.json` and `heroku.yml` (Heroku, Dokku, and the platforms that read them).

- `Procfile`: `name: command` lines, each run by `bash -c` (no `set -e`). The `release:` line
  runs before a release goes live and a non-zero exit fails the release; `web:` and the other
  processes are groups of their own (a `web:` line that migrates before the server).
- `app.json`: `scripts.postdeploy` (and the `pr-predestroy` script) run by `bash -c`; `env`
  values give `RAILS_ENV`.
- `heroku.yml`: `release.command` (each item a command line, in order) and the `run:`
  processes; `setup.config` gives `RAILS_ENV`.
"""

from __future__ import annotations

import json
import re

import orderlint.deploy.yamlnodes as y
from orderlint.deploy.host import Source, Step, literal_env

PROCESS = re.compile(r"^(?P<name>[A-Za-z0-9_-]+)[ \t]*:[ \t]*(?P<command>.*?)[ \t]*$")
BASH = "bash -c"


def read_procfile(src: Source) -> list[Step]:
    steps = []
    for row in range(len(src.starts)):
        line = src.line(row)
        if line.lstrip().startswith("#"):
            continue
        m = PROCESS.match(line)
        if not m or not m.group("command"):
            continue
        start = src.starts[row]
        command = src.exact(start + m.start("command"), start + m.end("command"))
        name = m.group("name")
        body = src.shell(command)
        steps.append(Step(body=body, start=src.pos(start), end_row=row, label=f"{name}:",
                          group=f"process {name}", shell=BASH, script=src.last_script))
        src.spans[row] = row
    return steps


# -- app.json ----------------------------------------------------------------------------------

STRING = r'"(?:[^"\\]|\\.)*"'


def _json_string(src: Source, key: str, after: int = 0):
    """The placed value of the first `"key": "…"` at or after `after`, and the key's offset."""
    m = re.compile(rf'"{re.escape(key)}"\s*:\s*(?P<value>{STRING})', re.S).search(src.text, after)
    if not m:
        return None, -1
    try:
        value = json.loads(m.group("value"))
    except ValueError:
        return None, -1
    return src.align(value, m.start("value") + 1, m.end("value") - 1), m.start()


def read_app_json(src: Source) -> list[Step]:
    try:
        doc = json.loads(src.text)
    except ValueError as exc:
        row = getattr(exc, "lineno", 1) - 1
        src.error_rows.append((row, row))
        return []
    if not isinstance(doc, dict):
        return []
    pairs = []
    env = doc.get("env")
    if isinstance(env, dict):
        for name, value in env.items():
            pairs.append((name, value.get("value") if isinstance(value, dict) else value))
    scripts = doc.get("scripts")
    if not isinstance(scripts, dict):
        return []
    at = re.search(r'"scripts"\s*:', src.text)
    steps = []
    for key in ("postdeploy", "pr-predestroy"):
        if not isinstance(scripts.get(key), str):
            continue
        placed, offset = _json_string(src, key, at.end() if at else 0)
        if placed is None:
            continue
        start = src.pos(offset)
        steps.append(Step(body=src.shell(placed), start=start, end_row=src.row(placed.index[-1]) if placed.index
                          else start.row, label=f"scripts.{key}", group=f"script {key}", shell=BASH,
                          env=literal_env(pairs)))
    return steps


# -- heroku.yml --------------------------------------------------------------------------------

def read_heroku_yml(src: Source, root) -> list[Step]:
    steps = []
    setup = y.get(y.get(root, "setup"), "config")
    env = literal_env(y.env_pairs(setup))
    release = y.get(root, "release")
    command = y.get(release, "command") if y.is_map(release) else None
    for node in y.strings(command):
        steps.append(Step(body=src.shell(y.placed(src, node)), start=src.pos(src.offset(
            node.start_mark.line, node.start_mark.column)), end_row=y.end_row(node), label="release.command",
            group="release", shell=BASH, env=env))
        src.spans[node.start_mark.line] = y.end_row(node)
    for name, (key, value) in y.items(y.get(root, "run")).items():
        node = y.get(value, "command") if y.is_map(value) else value
        for part in y.strings(node):
            steps.append(Step(body=src.shell(y.placed(src, part)), start=src.pos(src.offset(
                key.start_mark.line, key.start_mark.column)), end_row=y.end_row(part), label=f"run.{name}",
                group=f"process {name}", shell=BASH, env=env))
            src.spans[key.start_mark.line] = y.end_row(part)
    return steps
