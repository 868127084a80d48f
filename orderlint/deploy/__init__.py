"""deploy: the shell that deploy files run, read with each file's own parser.

This stage sits between shell reading and the flow: a reader turns a host file into `Step`s
(orderlint.deploy.host) — pieces of shell in orderlint's syntax types, placed at their exact
line and column in the host file, each with the host's failure rules — and the flow runs them
(orderlint.flow.hosts) as it runs an entry script.

One module per kind of file; a new kind is a module with a `read` function and a line in
`KINDS` below (and its fixtures under fixtures/deploy/):

- `github`: GitHub Actions workflows;     - `gitlab`: `.gitlab-ci.yml`;
- `compose`: docker compose files;        - `render`: `render.yaml`;
- `heroku`: `Procfile`, `app.json`, `heroku.yml`;
- `fly`: `fly.toml`;                      - `dockerfile`: Dockerfiles;
- `kamal`: the environment of `.kamal/hooks/*` (the hooks are shell scripts);
- `surface`: which files of a Rails app a bare `orderlint` checks;
- `yamlnodes`: YAML with positions (PyYAML's composer); `host`: the types and the placing.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the readers are imported when a deploy file is read (a cached run reads none)
    from orderlint.deploy.host import HostFile, Source, Step

# (kind, globs on the file name, glob on the path or None)
KINDS: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("github", ("*.yml", "*.yaml"), "*.github/workflows/*"),
    ("gitlab", (".gitlab-ci.yml", ".gitlab-ci.yaml"), None),
    ("compose", ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml",
                 "docker-compose.*.yml", "docker-compose.*.yaml", "compose.*.yml", "compose.*.yaml"), None),
    ("render", ("render.yaml", "render.yml"), None),
    ("fly", ("fly.toml", "fly.*.toml"), None),
    ("app.json", ("app.json",), None),
    ("heroku.yml", ("heroku.yml", "heroku.yaml"), None),
    ("procfile", ("Procfile", "Procfile.*"), None),
    ("dockerfile", ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile"), None),
)


def host_kind(path: Path) -> str | None:
    """The kind of deploy file `path` is, or None (a shell script, or nothing orderlint reads)."""
    name = path.name
    if name.endswith((".sh", ".bash")) or name.endswith(".sample"):
        return None
    text = path.as_posix()
    for kind, names, under in KINDS:
        if any(fnmatch.fnmatchcase(name, g) for g in names) and (under is None or fnmatch.fnmatchcase(text, under)
                                                               or fnmatch.fnmatchcase("/" + text, under)):
            return kind
    return None


def read_host(kind: str, display: str, raw: bytes) -> "HostFile":
    """Read a deploy file; never raises on its content (what cannot be read is an unparsed region)."""
    from orderlint.deploy.host import HostFile, Source

    src = Source(display, raw, kind)
    steps: list = []
    try:
        steps = _read(kind, src)
    except RecursionError:
        src.error_rows.append((0, max(0, len(src.starts) - 1)))
    return HostFile(kind, src.host_text(), steps, "../.." if kind == "github" else ".")


def _read(kind: str, src: "Source") -> "list[Step]":
    if kind == "procfile":
        from orderlint.deploy.heroku import read_procfile

        return read_procfile(src)
    if kind == "app.json":
        from orderlint.deploy.heroku import read_app_json

        return read_app_json(src)
    if kind == "fly":
        from orderlint.deploy.fly import read

        return read(src)
    if kind == "dockerfile":
        from orderlint.deploy.dockerfile import read

        return read(src)
    from orderlint.deploy.yamlnodes import compose, is_map

    root = compose(src)
    if not is_map(root):
        return []
    if kind == "heroku.yml":
        from orderlint.deploy.heroku import read_heroku_yml

        return read_heroku_yml(src, root)
    import importlib

    return importlib.import_module(f"orderlint.deploy.{kind}").read(src, root)


__all__ = ["KINDS", "host_kind", "read_host"]
