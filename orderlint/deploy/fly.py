"""fly: `fly.toml` (Fly.io).

`[deploy] release_command` runs once per deploy, before the new machines start, in a machine
of its own, without a shell (its words are split as a simple command's); a non-zero exit stops
the deploy. `[env]` gives `RAILS_ENV`.

Python's `tomllib` reads the values; it keeps no positions, so each key is found on its line
by a small index of the file's tables and keys (`find_key`).
"""

from __future__ import annotations

import re

from orderlint.deploy.host import Source, Step, literal_env

TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\"' -]+?)\s*\]\s*(?:#.*)?$")


def find_key(src: Source, table: str, key: str) -> tuple[int, int, int] | None:
    """(row, offset of the key, offset after `=`) of `key = …` in `[table]` (or `table.key = …`
    at the top)."""
    current = ""
    pattern = re.compile(rf"^\s*(?P<key>{re.escape(key)}|{re.escape(table)}\.{re.escape(key)})\s*=\s*")
    for row in range(len(src.starts)):
        line = src.line(row)
        m = TABLE.match(line)
        if m and not line.lstrip().startswith("[["):
            current = m.group(1).replace('"', "").replace("'", "").strip()
            continue
        m = pattern.match(line)
        if m and ((current == table and m.group("key") == key) or (current == "" and m.group("key") != key)):
            return row, src.starts[row] + m.start("key"), src.starts[row] + m.end()
    return None


def read(src: Source) -> list[Step]:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        doc = tomllib.loads(src.text)
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        m = re.search(r"line (\d+)", str(exc))
        row = int(m.group(1)) - 1 if m else 0
        src.error_rows.append((row, row))
        return []
    deploy = doc.get("deploy")
    command = deploy.get("release_command") if isinstance(deploy, dict) else None
    if not isinstance(command, str):
        return []
    found = find_key(src, "deploy", "release_command")
    if found is None:
        return []
    row, key_at, value_at = found
    line_end = src.starts[row] + len(src.line(row))
    end = src.text.find('"""', value_at + 3) + 3 if src.text.startswith('"""', value_at) else line_end
    placed = src.align(command, value_at + 1, max(end, value_at + 1))
    env = doc.get("env")
    pairs = list(env.items()) if isinstance(env, dict) else []
    src.spans[row] = src.row(end)
    body, errexit, how = src.command(src.split(placed))
    return [Step(body=body, start=src.pos(key_at), end_row=src.row(end), errexit=bool(errexit),
                 label="release_command", group="deploy", shell=how or "exec",
                 env=literal_env(pairs))]
