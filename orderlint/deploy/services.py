"""services: the environment a compose file gives a service's containers.

`docker compose run --rm api bin/rails db:migrate` runs the task with the environment of the
`api` service: `environment:` (a mapping or a `KEY=VALUE` list) over the `env_file:` files, the
override file over the base file, as compose merges them. A value is taken only when it is
certain: written literally (no `${…}` interpolation, no name passed through from the shell), in
files that exist and parse, in a service that `extends:` nothing it does not override.

The files are those `docker compose` finds without `-f`: the first default name found in the
command's folder or above it (never above the project root), with its override file beside
it; or the files given with `-f`, relative to the command's folder or the nearest folder above
it that holds them.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
UNKNOWN = object()  # set, to a value that cannot be known here
_parsed: dict[Path, tuple[tuple[int, int], object]] = {}
READ: set[Path] = set()  # compose and env files read or looked for (what a cached run depends on)


def default_files(folder: Path, root: Path) -> tuple[Path, ...]:
    """The base file and its override file, as compose finds them from `folder` up to `root`."""
    here = folder
    while True:
        for name in DEFAULT_FILES:
            READ.add(here / name)
            if (here / name).is_file():
                stem, ext = name.rsplit(".", 1)
                override = here / f"{stem}.override.{ext}"
                READ.add(override)
                return (here / name, override) if override.is_file() else (here / name,)
        if here == root or here.parent == here:
            return ()
        try:
            here.parent.relative_to(root)
        except ValueError:
            return ()
        here = here.parent


def _load(path: Path):
    """The file's YAML as Python values, UNKNOWN when it cannot be read or parsed."""
    import yaml

    READ.add(path)
    try:
        stat = path.stat()
    except OSError:
        return UNKNOWN
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _parsed.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        value = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        value = UNKNOWN
    _parsed[path] = (key, value)
    return value


def _literal(value) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and "$" not in value:
        return value
    return UNKNOWN  # `${RAILS_ENV:-production}`, or a name whose value comes from the shell


def _from_environment(node, name: str):
    """The service's `environment:` value for `name`: None when it does not set it."""
    if isinstance(node, dict):
        return _literal(node[name]) if name in node else None
    if isinstance(node, list):
        found = None
        for item in node:
            if not isinstance(item, str):
                continue
            key, eq, value = item.partition("=")
            if key.strip() == name:
                found = _literal(value) if eq else UNKNOWN
        return found
    return None if node is None else UNKNOWN


def _from_env_file(path: Path, name: str):
    READ.add(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return UNKNOWN
    found = None
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, eq, value = line.removeprefix("export ").partition("=")
        if key.strip() != name:
            continue
        if not eq:
            found = UNKNOWN
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            found = value[1:-1] if value[0] == "'" or "$" not in value else UNKNOWN
        else:
            found = _literal(value.split(" #", 1)[0].strip())
    return found


def _env_files(node, base: Path):
    """(path, required) of each `env_file:` entry; UNKNOWN when one is not a literal path."""
    entries = node if isinstance(node, list) else [node]
    out = []
    for entry in entries:
        if isinstance(entry, dict):
            path, required = entry.get("path"), entry.get("required", True)
        else:
            path, required = entry, True
        if not isinstance(path, str) or "$" in path or path.startswith(("/", "~")) or ".." in Path(path).parts:
            return UNKNOWN  # not a literal path, or one that may leave the project: never read
        out.append((base / path, required is not False))
    return out


def _in_file(data, service: str, base: Path, name: str) -> tuple[object, bool]:
    """What one compose file says of the service's variable (None when it says nothing), and
    whether `environment:` says it."""
    if not isinstance(data, dict):
        return None, False
    services = data.get("services")
    if not isinstance(services, dict) or service not in services:
        return None, False
    spec = services[service]
    if not isinstance(spec, dict):
        return None, False
    value = _from_environment(spec.get("environment"), name)
    if value is not None:
        return value, True
    found = None
    if spec.get("env_file") is not None:
        files = _env_files(spec["env_file"], base)
        if files is UNKNOWN:
            return UNKNOWN, False
        for path, required in files:
            if not path.is_file():
                if required:
                    return UNKNOWN, False
                continue
            value = _from_env_file(path, name)
            if value is not None:
                found = value  # a later file wins
    if found is None and spec.get("extends") is not None:
        return UNKNOWN, False  # the extended service may set it
    return found, False


def service_variable(files: tuple[Path, ...], service: str, name: str = "RAILS_ENV") -> str | None:
    """The literal value the compose files give the service's `name`, None when none is certain."""
    if not files:
        return None
    said: list[tuple[object, bool]] = []
    known_service = False
    for path in files:
        data = _load(path)
        if data is UNKNOWN:
            return None
        if isinstance(data, dict) and isinstance(data.get("services"), dict) and service in data["services"]:
            known_service = True
        value, by_environment = _in_file(data, service, path.parent, name)
        if value is not None:
            said.append((value, by_environment))
    if not known_service or not said:
        return None
    value, by_environment = said[-1]
    if len({v for v, _ in said}) > 1 and not by_environment:
        return None  # an env_file of the override under an `environment:` of the base: merged, not replaced
    return None if value is UNKNOWN else value  # type: ignore[return-value]


def compose_variable(folder: Path, root: Path, given: tuple[str, ...], service: str,
                     name: str = "RAILS_ENV") -> str | None:
    """`service`'s `name` for `docker compose [-f FILE…] run|exec SERVICE` run in `folder`."""
    try:
        folder.resolve().relative_to(root.resolve())
    except (OSError, ValueError):
        return None  # a folder outside the project (`cd /srv/app`): its files are not the project's
    if given:
        here = folder
        while True:  # the nearest folder that holds the files named (relative to where the command runs)
            files = tuple(Path(os.path.normpath(here / text)) for text in given)
            READ.update(files)
            if all(f.is_file() for f in files):
                break
            if here == root or here.parent == here:
                return None
            here = here.parent
        for path in files:
            try:
                path.resolve().relative_to(root.resolve())
            except (OSError, ValueError):
                return None  # outside the project: not read
        return service_variable(files, service, name)
    return service_variable(default_files(folder, root), service, name)
