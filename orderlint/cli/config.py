"""Configuration: defaults, then `[tool.orderlint]` / `.orderlint.toml`, then the command line.

The configuration file is the nearest `.orderlint.toml` or `pyproject.toml` with a
`[tool.orderlint]` table above the first scanned path (the current directory when none is
given); `.orderlint.toml` wins over `pyproject.toml` in the same folder; `--config FILE`
replaces the search. Keys are kebab-case, as in ruff. Paths and path globs written in a file
are relative to that file's folder; `Settings` holds them relative to the current directory
(`database-yml` absolute), which is what discovery, the analyzer and the rules compare with.

Precedence: the command line over the file over the defaults. `--select` restarts the rule
selection (the file's `select` and `ignore` no longer apply, as in ruff); `--ignore` adds to
the file's `ignore`.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from orderlint.model import OrderlintError, Severity
from orderlint.rails.policy import MIGRATIONS, Policy, Step
from orderlint.settings import Settings

CONFIG_NAMES = (".orderlint.toml", "pyproject.toml")  # in this order of preference within a folder
DEFAULT, COMMAND_LINE = "default", "command line"
LEVELS = ("info", "warning", "error")
DATABASE_KEYS = ("adapter", "database", "migrations_paths", "database_tasks", "replica", "role")
STEP_KEYS = ("name", "tasks", "database")


# -- finding the file ------------------------------------------------------------------------

def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _read_toml(path: Path) -> dict:
    if sys.version_info >= (3, 11):  # imported here: most runs find no configuration file to read
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise OrderlintError(f"{_shown(path)}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise OrderlintError(f"{_shown(path)}: not UTF-8 text") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = re.search(r"\(at line (\d+), column (\d+)\)", message)
        reason = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", message)
        reason = reason[:1].lower() + reason[1:]
        if where:
            raise OrderlintError(f"{_shown(path)}:{where.group(1)}:{where.group(2)}: invalid TOML: {reason}") from None
        raise OrderlintError(f"{_shown(path)}: invalid TOML: {reason}") from None


@dataclass(frozen=True)
class ConfigFile:
    path: Path  # absolute
    table: dict  # the orderlint keys
    section: str  # "[tool.orderlint]" or "" for .orderlint.toml

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def shown(self) -> str:
        return _shown(self.path)


def read_config(path: Path, explicit: bool = False) -> ConfigFile | None:
    """The orderlint table of `path`; None for a pyproject.toml without one (unless `explicit`)."""
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        table = tool.get("orderlint") if isinstance(tool, dict) else None
        if table is None:
            if explicit:
                raise OrderlintError(f"{_shown(path)}: no [tool.orderlint] table")
            return None
        if not isinstance(table, dict):
            raise OrderlintError(f"{_shown(path)}: tool.orderlint must be a table")
        return ConfigFile(path.resolve(), table, "[tool.orderlint]")
    return ConfigFile(path.resolve(), data, "")


def find_config(start: Path) -> ConfigFile | None:
    """The nearest configuration above `start` (a file or folder), like ruff."""
    start = Path(os.path.realpath(start))  # not Path.resolve: a symbolic link loop must not raise
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                found = read_config(candidate)
                if found is not None:
                    return found
    return None


def _search_start(options) -> Path:
    for p in options.paths:
        if str(p) != "-":
            return Path(p)
    if options.stdin_filename:
        return Path(options.stdin_filename).parent
    return Path.cwd()


# -- reading values --------------------------------------------------------------------------

def _type_name(value: Any) -> str:
    return {str: "a string", bool: "a boolean", int: "an integer", float: "a number", list: "an array",
            dict: "a table"}.get(type(value), type(value).__name__)


def _suggest(word: str, choices, cutoff: float = 0.6) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f"; did you mean '{close[0]}'?" if close else ""


class Reader:
    """Validates one configuration table; every error names the file and the key."""

    def __init__(self, config: ConfigFile) -> None:
        self.config = config

    def error(self, message: str) -> OrderlintError:
        return OrderlintError(f"{self.config.shown}: {message}")

    def where(self, inner: str = "") -> str:
        if self.config.section:
            return self.config.section[:-1] + (f".{inner}" if inner else "") + "]"
        return f"[{inner}]" if inner else "the top level"

    def unknown_keys(self, table: dict, known, inner: str = "", extra: str = "") -> None:
        for key in table:
            if key not in known:
                hint = _suggest(key, known) or _suggest(key.replace("_", "-"), known)
                if not hint and key == "tool" and not self.config.section:
                    hint = " (keys are top-level in .orderlint.toml, without [tool.orderlint])"
                raise self.error(f"unknown key '{key}' in {self.where(inner)}{extra}{hint}")

    def string(self, key: str, value: Any, what: str = "a string") -> str:
        if not isinstance(value, str) or not value.strip():
            shown = "an empty string" if isinstance(value, str) else _type_name(value)
            raise self.error(f"'{key}' must be {what}, not {shown}")
        return value.strip()

    def boolean(self, key: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise self.error(f"'{key}' must be true or false, not {_type_name(value)}")
        return value

    def strings(self, key: str, value: Any, what: str = "an array of strings") -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            got = _type_name(value) if not isinstance(value, list) else \
                "an array with " + next(("an empty string" if isinstance(v, str) else _type_name(v))
                                        for v in value if not (isinstance(v, str) and v.strip()))
            raise self.error(f"'{key}' must be {what}, not {got}")
        return tuple(v.strip() for v in value)

    def table(self, key: str, value: Any, what: str = "a table") -> dict:
        if not isinstance(value, dict):
            raise self.error(f"'{key}' must be {what}, not {_type_name(value)}")
        return value

    def codes(self, key: str, value: Any, prefixes: bool = True) -> tuple[str, ...]:
        out = []
        for code in self.strings(key, value, "an array of rule codes"):
            problem = code_problem(code, prefixes)
            if problem:
                raise self.error(f"{problem} in '{key}'" + suggest_code(code))
            out.append(code.upper())
        return tuple(out)

    def level(self, key: str, value: Any) -> Severity:
        if not isinstance(value, str) or value.strip().lower() not in LEVELS:
            got = repr(value) if isinstance(value, str) else _type_name(value)
            hint = _suggest(value.strip().lower(), LEVELS) if isinstance(value, str) else ""
            raise self.error(f"'{key}' must be one of info, warning, error, not {got}{hint}")
        return Severity.parse(value)


def code_kind(code: str) -> str | None:
    """`"code"` for a rule code, `"prefix"` for a prefix of codes (OL2, ALL), else None."""
    from orderlint.rules import RULES

    upper = code.strip().upper()
    if upper in RULES:
        return "code"
    if upper == "ALL" or (re.fullmatch(r"OL\d{0,2}", upper) is not None and any(c.startswith(upper) for c in RULES)):
        return "prefix"
    return None


def code_problem(code: str, prefixes: bool = True) -> str | None:
    """Why `code` is not a rule code (or, with `prefixes`, a code prefix such as OL2 or ALL)."""
    kind = code_kind(code)
    if kind == "code" or (kind == "prefix" and prefixes):
        return None
    return f"'{code}' is a prefix, not a rule code" if kind == "prefix" else f"unknown rule code '{code}'"


def closest_code(code: str) -> tuple[str, str | None] | None:
    """The rule a near-miss code or rule name means, with the name when it was recognised by a close name."""
    from orderlint.rules import RULES

    by_name = {r.name: c for c, r in RULES.items()}
    lowered = code.strip().lower()
    if lowered in by_name:
        return by_name[lowered], None
    close = difflib.get_close_matches(code.strip().upper(), list(RULES), n=1, cutoff=0.7)
    if close:
        return close[0], None
    close = difflib.get_close_matches(lowered, by_name, n=1, cutoff=0.6)
    return (by_name[close[0]], close[0]) if close else None


def suggest_code(code: str) -> str:
    """`; did you mean 'OL201'?` for a near-miss code or a rule name, else ''."""
    found = closest_code(code)
    if found is None:
        return ""
    close, name = found
    return f"; did you mean '{close}' ({name})?" if name else f"; did you mean '{close}'?"


# -- paths and globs -------------------------------------------------------------------------

MAGIC = re.compile(r"[*?\[]")


def _rebase(folder: Path, text: str) -> str:
    """A path relative to `folder`, made relative to the current directory."""
    if os.path.isabs(text):
        return text
    return Path(_shown(folder / text)).as_posix()


def _anchored_glob(folder: Path, glob: str, name_globs: bool) -> str:
    """A glob relative to the config folder, made relative to the current directory.

    Its leading literal folders are rebased (`deploy/live/**` seen from `deploy/` is `live/**`).
    With `name_globs`, a glob without `/` is left alone: the caller matches it against file names.
    """
    glob = glob[2:] if glob.startswith("./") else glob
    if os.path.isabs(glob) or (name_globs and "/" not in glob):
        return glob
    parts = glob.split("/")
    literal = 0
    while literal < len(parts) - 1 and not MAGIC.search(parts[literal]):
        literal += 1
    base = Path(_shown(folder.joinpath(*parts[:literal]))).as_posix()
    rest = "/".join(parts[literal:])
    if base == ".":
        return rest
    if set(base.split("/")) == {".."}:
        # The current directory is inside the glob's literal folders: files below it are shown
        # without `../`, so the glob cannot be anchored; it matches from here instead.
        return rest
    return f"{base}/{rest}"


# -- one key at a time -----------------------------------------------------------------------

def _policy(reader: Reader, value: Any) -> Policy:
    table = reader.table("policy", value, "a table with `steps`")
    reader.unknown_keys(table, ("steps",), "policy")
    steps_value = table.get("steps")
    if steps_value is None:
        raise reader.error("'policy' needs `steps`: an array of tables ([[tool.orderlint.policy.steps]]) "
                           "with name, tasks and optional database")
    if not isinstance(steps_value, list) or not steps_value or not all(isinstance(s, dict) for s in steps_value):
        got = "an empty array" if steps_value == [] else _type_name(steps_value)
        raise reader.error(f"'policy.steps' must be a non-empty array of tables, not {got}")
    steps: list[Step] = []
    for number, step in enumerate(steps_value, start=1):
        reader.unknown_keys(step, STEP_KEYS, "policy.steps", f" (step {number})")
        if "name" not in step or "tasks" not in step:
            missing = "name" if "name" not in step else "tasks"
            raise reader.error(f"'policy.steps' step {number} needs '{missing}'")
        name = reader.string(f"policy.steps[{number}].name", step["name"])
        tasks = reader.strings(f"policy.steps[{number}].tasks", step["tasks"],
                               f"a non-empty array of task globs (or \"{MIGRATIONS}\")")
        if not tasks:
            raise reader.error(f"'policy.steps[{number}].tasks' must be a non-empty array of task globs "
                               f"(or \"{MIGRATIONS}\"), not an empty array")
        for task in tasks:
            if task.startswith("@") and task != MIGRATIONS:
                raise reader.error(f"'policy.steps[{number}].tasks': unknown task group '{task}'"
                                   f"{_suggest(task, (MIGRATIONS,))}")
        database = None
        if "database" in step:
            database = reader.string(f"policy.steps[{number}].database", step["database"],
                                     "a string: primary, secondary, queue-like or a database name")
        if any(s.name == name for s in steps):
            raise reader.error(f"'policy.steps': two steps are named '{name}'")
        steps.append(Step(name, tasks, database))
    return Policy(tuple(steps))


def _databases(reader: Reader, value: Any) -> dict:
    what = "a table of environment → database name → settings"
    envs = reader.table("databases", value, what)
    out: dict = {}
    given: dict[str, str] = {}
    for name_given, dbs in envs.items():
        from orderlint.flow import normalize_env  # here: the flow stage is not needed to read settings

        env = normalize_env(name_given)  # `prod` is production, as in script names
        if env in given:
            raise reader.error(f"'databases': '{given[env]}' and '{name_given}' are the same environment")
        given[env] = name_given
        if isinstance(dbs, list):
            out[env] = list(reader.strings(f"databases.{name_given}", dbs,
                                           "a table of databases or an array of names"))
            continue
        dbs = reader.table(f"databases.{name_given}", dbs, "a table of database name → settings")
        out[env] = {}
        for name, cfg in dbs.items():
            cfg = reader.table(f"databases.{name_given}.{name}", cfg, "a table such as { adapter = \"postgresql\" }")
            reader.unknown_keys(cfg, DATABASE_KEYS, f"databases.{name_given}.{name}")
            for key in ("adapter", "database"):
                if key in cfg:
                    reader.string(f"databases.{name_given}.{name}.{key}", cfg[key])
            if "migrations_paths" in cfg and not isinstance(cfg["migrations_paths"], str):
                reader.strings(f"databases.{name_given}.{name}.migrations_paths", cfg["migrations_paths"],
                               "a string or an array of strings")
            if "role" in cfg:
                _role_value(reader, f"databases.{name_given}.{name}.role", cfg["role"])
            for key in ("database_tasks", "replica"):
                if key in cfg and not isinstance(cfg[key], bool):
                    raise reader.error(f"'databases.{name_given}.{name}.{key}' must be a boolean, "
                                       f"not {_type_name(cfg[key])}")
            out[env][name] = dict(cfg)
    return out


def _role_value(reader: Reader, key: str, value: Any) -> str:
    from orderlint.rails.databases import CONFIGURABLE_ROLES, PRIMARY

    choices = ", ".join(CONFIGURABLE_ROLES)
    role = reader.string(key, value, f"one of {choices}")
    if role == PRIMARY:
        raise reader.error(f"'{key}': the primary database is the one named primary (else the first one); "
                           f"give other databases one of {choices}")
    if role not in CONFIGURABLE_ROLES:
        raise reader.error(f"'{key}' must be one of {choices}, not {role!r}{_suggest(role, CONFIGURABLE_ROLES)}")
    return role


def _roles(reader: Reader, value: Any) -> dict[str, str]:
    table = reader.table("roles", value, "a table of database name → role (queue, cache, cable or peer)")
    return {str(name): _role_value(reader, f"roles.{name}", role) for name, role in table.items()}


def _per_file_ignores(reader: Reader, value: Any, folder: Path) -> dict[str, tuple[str, ...]]:
    table = reader.table("per-file-ignores", value, "a table of glob → array of rule codes")
    out: dict[str, tuple[str, ...]] = {}
    for glob, codes in table.items():
        parsed = reader.codes(f"per-file-ignores.\"{glob}\"", codes)
        out[_anchored_glob(folder, glob, name_globs=True)] = tuple("OL" if c == "ALL" else c for c in parsed)
    return out


def _severity(reader: Reader, value: Any) -> dict[str, Severity]:
    from orderlint.rules import RULES

    table = reader.table("severity", value, "a table of rule code → info, warning or error")
    out: dict[str, Severity] = {}
    for code, level in table.items():
        problem = code_problem(code)
        if problem:
            raise reader.error(f"{problem} in 'severity'" + suggest_code(code))
        parsed = reader.level(f"severity.{code}", level)
        for full in RULES:
            if code.upper() == "ALL" or full.startswith(code.upper()):
                out[full] = parsed
    return out


def _environments(reader: Reader, value: Any, folder: Path) -> dict[str, str]:
    table = reader.table("environments", value, "a table of glob → environment")
    out: dict[str, str] = {}
    for glob, env in table.items():
        env = reader.string(f"environments.\"{glob}\"", env, "an environment name such as \"production\"")
        out[_anchored_glob(folder, glob, False)] = env
        if "/" not in glob and not glob.startswith("*"):  # a file name: in this folder or below
            out[_anchored_glob(folder, f"*/{glob}", False)] = env
    return out


def _database_yml(reader: Reader, value: Any, folder: Path) -> str:
    text = reader.string("database-yml", value, "a path")
    path = (folder / text).resolve()
    if not path.is_file():
        raise reader.error(f"'database-yml': {_shown(path)} does not exist")
    return str(path)


def _rails_version(reader: Reader, value: Any) -> str:
    text = reader.string("rails-version", value, 'a string such as "7.1"')
    if not re.fullmatch(r"\d+(\.\d+){0,3}", text):
        raise reader.error(f"'rails-version' must be a version such as \"7.1\", not {text!r}")
    return text


LAUNCHER_WORD = re.compile(r"[\w./@+:%,=-]+")


def _launchers(reader: Reader, value: Any) -> tuple[str, ...]:
    """`["zammad run", "bin/with-env"]`: the words a command line starts with to run its command."""
    out = []
    for entry in reader.strings("launchers", value, 'an array of command prefixes such as "zammad run"'):
        words = entry.split()
        bad = next((w for w in words if not LAUNCHER_WORD.fullmatch(w)), None)
        if bad is not None:
            raise reader.error(f"'launchers': {entry!r} must be plain command words such as \"zammad run\" "
                               f"(no quotes, variables or shell operators), not {bad!r}")
        out.append(" ".join(words))
    return tuple(out)


# key → (Settings field, parser(reader, value, folder))
KEYS: dict[str, tuple[str, Callable[[Reader, Any, Path], Any]]] = {
    "paths": ("paths", lambda r, v, f: tuple(_rebase(f, p) for p in r.strings("paths", v, "an array of paths"))),
    "exclude": ("exclude", lambda r, v, f: r.strings("exclude", v, "an array of globs")),
    "select": ("select", lambda r, v, f: r.codes("select", v)),
    "ignore": ("ignore", lambda r, v, f: r.codes("ignore", v)),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "fail-level": ("fail_level", lambda r, v, f: r.level("fail-level", v)),
    "severity": ("severity", lambda r, v, f: _severity(r, v)),
    "environments": ("environments", _environments),
    "database-yml": ("database_yml", _database_yml),
    "databases": ("databases", lambda r, v, f: _databases(r, v)),
    "roles": ("roles", lambda r, v, f: _roles(r, v)),
    "rails-version": ("rails_version", lambda r, v, f: _rails_version(r, v)),
    "deploy-scripts": ("deploy_scripts", lambda r, v, f: tuple(_anchored_glob(f, g, name_globs=True) for g in
                                                               r.strings("deploy-scripts", v, "an array of globs"))),
    "launchers": ("launchers", lambda r, v, f: _launchers(r, v)),
    "policy": ("policy", lambda r, v, f: _policy(r, v)),
    "fix": ("fix", lambda r, v, f: r.boolean("fix", v)),
    "unsafe-fixes": ("unsafe_fixes", lambda r, v, f: r.boolean("unsafe-fixes", v)),
}
FIELD_KEYS = {field_name: key for key, (field_name, _) in KEYS.items()}


def settings_from_file(config: ConfigFile, base: Settings | None = None) -> Settings:
    reader = Reader(config)
    reader.unknown_keys(config.table, KEYS)
    values: dict[str, Any] = {}
    origins = dict((base or Settings()).origins)
    for key, raw in config.table.items():
        field_name, parse = KEYS[key]
        values[field_name] = parse(reader, raw, config.folder)
        origins[key] = config.shown
    return replace(base or Settings(), **values, config_file=config.shown, origins=origins)


# -- the command line ------------------------------------------------------------------------

def _cli_codes(option: str, codes: tuple[str, ...]) -> tuple[str, ...]:
    for code in codes:
        problem = code_problem(code)
        if problem:
            raise OrderlintError(f"{option}: {problem}{suggest_code(code)}")
    return codes


def load_settings(options) -> Settings:
    settings = Settings(origins={key: DEFAULT for key in KEYS})
    if options.config is not None:
        path = Path(options.config)
        if not path.is_file():
            raise OrderlintError(f"{path}: no such configuration file (given with --config)")
        config = read_config(path, explicit=True)
    else:
        config = find_config(_search_start(options))
    if config is not None:
        settings = settings_from_file(config, settings)
    origins = dict(settings.origins)
    changes: dict[str, Any] = {}

    cli_paths = tuple(str(p) for p in options.paths if str(p) != "-")
    if cli_paths:
        changes["paths"], origins["paths"] = cli_paths, COMMAND_LINE
    if options.select is not None:
        changes["select"] = _cli_codes("--select", tuple(options.select))
        changes["ignore"] = ()  # --select restarts the selection: the file's ignore is dropped
        origins["select"] = COMMAND_LINE
        if settings.ignore:
            origins["ignore"] = f"{COMMAND_LINE} (--select replaces the file's ignore)"
    if options.ignore is not None:
        ignore = _cli_codes("--ignore", tuple(options.ignore))
        kept = changes.get("ignore", settings.ignore)
        changes["ignore"] = kept + tuple(c for c in ignore if c not in kept)
        origins["ignore"] = COMMAND_LINE if not kept else f"{origins['ignore']} + {COMMAND_LINE}"
    if options.fail_level is not None:
        try:
            changes["fail_level"] = Severity.parse(options.fail_level)
        except ValueError as exc:
            raise OrderlintError(f"--fail-level: {exc}") from None
        origins["fail-level"] = COMMAND_LINE
    if options.no_suppressions:
        changes["suppressions"] = False
        origins["suppressions"] = COMMAND_LINE
    for key, field_name in (("fix", "fix"), ("unsafe-fixes", "unsafe_fixes")):
        given = getattr(options, field_name, None)
        if given is not None:
            changes[field_name], origins[key] = given, COMMAND_LINE
    return replace(settings, **changes, origins=origins)


# -- --show-settings -------------------------------------------------------------------------

def _toml(value: Any) -> str:
    if isinstance(value, Severity):
        return f'"{value.label}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_key(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    if value is None:
        return "(none)"
    return str(value)


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml(key)


def _environments_note() -> str:
    from orderlint.flow import ENV_ALIASES

    words: dict[str, list[str]] = {}
    for word, env in ENV_ALIASES.items():
        words.setdefault(env, []).append(word)
    named = "; ".join(f"{', '.join(w)} → {env}" for env, w in words.items())
    return (f"  (a script no glob matches: `bin/setup` and `bin/dev` are development, else the nearest of its "
            f"folders named after an environment, else the one environment the words of its file name name "
            f"({named}); in development and test a destructive task is allowed (OL401))")


def describe_settings(settings: Settings) -> str:
    """The resolved configuration, as TOML-like lines, each with where its value came from."""
    origins = settings.origins
    lines = ["# orderlint: resolved settings",
             f"# configuration file: {settings.config_file or '(none found)'}",
             "# paths and globs are shown relative to the current directory", ""]

    def add(key: str, text: str, note: str = "") -> None:
        origin = origins.get(key, DEFAULT)
        lines.append(f"{key} = {text}")
        lines.append(f"    # from: {origin}{note}")

    for key, (field_name, _) in KEYS.items():
        value = getattr(settings, field_name)
        if key == "policy":
            continue
        if key == "database-yml":
            add(key, _toml(_shown(Path(value))) if value else "(none: the nearest config/database.yml)")
        elif key == "databases":
            add(key, _toml(value) if value else "(none: read from database.yml, else inferred from the scripts)")
        elif key == "roles":
            add(key, _toml(value) if value else "(none: by name, migrations_paths and the Solid configuration)")
        elif key == "rails-version":
            add(key, _toml(value) if value else "(none: read from Gemfile.lock)")
        elif key == "select":
            add(key, _toml(value), "" if value else "  (empty: every rule)")
        elif key in ("per-file-ignores", "severity", "environments"):
            if not value:
                add(key, "{}", _environments_note() if key == "environments" else "")
            else:
                lines.append(f"{key} = {{")
                for k, v in value.items():
                    shown = _toml(list(v)) if isinstance(v, tuple) else _toml(v)
                    lines.append(f"    {_toml(k)} = {shown},")
                lines.append("}")
                lines.append(f"    # from: {origins.get(key, DEFAULT)}")
        else:
            add(key, _toml(value))
    add("suppressions", _toml(settings.suppressions), "" if settings.suppressions else
        "  (--no-suppressions: `# orderlint: disable` directives are ignored)")
    lines.append("")
    lines.append(f"# policy, from: {origins.get('policy', DEFAULT)}")
    for number, step in enumerate(settings.policy.steps, start=1):
        lines.append("[[policy.steps]]")
        lines.append(f"name = {_toml(step.name)}")
        lines.append(f"tasks = {_toml(list(step.tasks))}")
        if step.database is not None:
            lines.append(f"database = {_toml(step.database)}")
        if number < len(settings.policy.steps):
            lines.append("")
    return "\n".join(lines) + "\n"


__all__ = ["load_settings", "describe_settings", "find_config", "read_config", "settings_from_file", "KEYS"]
