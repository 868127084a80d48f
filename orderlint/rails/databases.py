"""Rails semantics: the databases of config/database.yml, and which of them each task touches.

Facts from rails/rails `activerecord/lib/active_record/railties/databases.rake` (Rails 7.1–8.1):
unscoped tasks act on every database of the environment that has database tasks; `:NAME`
tasks act on one and exist only when the environment has more than one; `db:seed` loads the
primary database after checking every database for pending migrations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from orderlint.model import OrderlintError

# Tasks that, unscoped, act on every database of the environment.
ALL_DATABASES = frozenset({
    "db:migrate", "db:migrate:status", "db:abort_if_pending_migrations", "db:prepare", "db:setup",
    "db:create", "db:drop", "db:schema:load", "db:schema:dump", "db:reset", "db:seed:replant",
    "db:truncate_all", "db:purge", "db:migrate:reset", "db:create:all", "db:drop:all", "db:purge:all",
    "db:structure:load", "db:structure:dump", "db:test:prepare",
})
# Tasks that take a `:NAME` suffix in multi-database apps.
SCOPABLE = ("db:migrate:status", "db:migrate:up", "db:migrate:down", "db:migrate:redo", "db:migrate",
            "db:create", "db:drop", "db:rollback", "db:abort_if_pending_migrations", "db:schema:dump",
            "db:schema:load", "db:test:prepare", "db:reset", "db:truncate_all", "db:setup", "db:purge",
            "db:prepare", "db:seed:replant")
SUBTASKS = frozenset({"status", "up", "down", "redo", "reset", "all", "_unsafe", "load", "dump", "cache",
                      "replant", "prepare", "load_schema", "purge", "load_structure"})
# Tasks Rails defines per database (`db:migrate:primary`) in multi-database apps.
PER_DATABASE = frozenset({"db:migrate", "db:create", "db:drop", "db:schema:load", "db:schema:dump", "db:rollback",
                          "db:migrate:status", "db:abort_if_pending_migrations", "db:migrate:up", "db:migrate:down",
                          "db:migrate:redo", "db:reset", "db:test:prepare"})
MIGRATES = frozenset({"db:migrate", "db:prepare", "db:setup", "db:reset", "db:schema:load", "db:migrate:reset",
                      "db:structure:load"})
DESTRUCTIVE = frozenset({"db:reset", "db:drop", "db:purge", "db:schema:load", "db:setup", "db:seed:replant",
                         "db:truncate_all", "db:migrate:reset", "db:structure:load", "db:drop:all",
                         "db:purge:all", "db:drop:_unsafe"})
WIPES = DESTRUCTIVE
SEEDS = frozenset({"db:seed", "db:seed:replant", "db:setup", "db:reset"})
RESETS_AND_SEEDS = frozenset({"db:reset", "db:setup"})
READ_ONLY = frozenset({"db:migrate:status", "db:version", "db:abort_if_pending_migrations", "db:schema:dump",
                       "db:structure:dump", "db:schema:cache:dump", "db:charset", "db:collation"})
PENDING_CHECKS = frozenset({"db:abort_if_pending_migrations", "db:migrate:status"})

ERB_OUTPUT = re.compile(r"<%=?-?(.*?)-?%>", re.S)


@dataclass(frozen=True, slots=True)
class Database:
    name: str
    adapter: str | None = None
    database: str | None = None
    migrations_paths: str | None = None
    database_tasks: bool = True
    replica: bool = False

    @property
    def has_tasks(self) -> bool:
        return self.database_tasks and not self.replica

    @property
    def label(self) -> str:
        adapter = {"postgresql": "PostgreSQL", "postgis": "PostgreSQL", "sqlite3": "SQLite", "mysql2": "MySQL",
                   "trilogy": "MySQL"}.get(self.adapter or "", self.adapter or "")
        return f"{self.name} ({adapter})" if adapter else self.name


@dataclass(frozen=True)
class DatabaseModel:
    environments: dict[str, tuple[Database, ...]]
    source: str  # the database.yml read, or "inferred from the scripts"
    rails_version: str | None = None
    defined_anywhere: frozenset[str] = field(default=frozenset())
    from_file: bool = True

    def names(self) -> frozenset[str]:
        return frozenset(d.name for dbs in self.environments.values() for d in dbs)

    def for_envs(self, envs: frozenset[str] | None) -> tuple[Database, ...]:
        """The databases of the given environments (all of them when unknown), in file order."""
        keys = [e for e in self.environments if envs is None or e in envs]
        if envs is not None and not keys:
            keys = list(self.environments)
        seen: dict[str, Database] = {}
        for k in keys:
            for d in self.environments[k]:
                seen.setdefault(d.name, d)
        return tuple(seen.values())

    def primary(self, envs: frozenset[str] | None = None) -> str:
        dbs = self.for_envs(envs)
        names = [d.name for d in dbs]
        return "primary" if "primary" in names or not names else names[0]

    def database(self, name: str, envs: frozenset[str] | None = None) -> Database | None:
        return next((d for d in self.for_envs(envs) if d.name == name), None)


def split_scope(task: str, known: frozenset[str] = frozenset()) -> tuple[str, str | None]:
    """`db:migrate:queue` → ("db:migrate", "queue"); `db:migrate:status` → ("db:migrate:status", None)."""
    for base in SCOPABLE:
        if task.startswith(base + ":"):
            name = task[len(base) + 1:]
            if ":" in name or (name in SUBTASKS and name not in known):
                continue
            return base, name
    return task, None


def databases_touched(task: str, model: DatabaseModel, envs: frozenset[str] | None) -> tuple[str, ...]:
    if not task.startswith("db:"):
        return ()  # a policy task such as assets:precompile
    base, scope = split_scope(task, model.names())
    if scope is not None:
        return (scope,)
    dbs = [d for d in model.for_envs(envs) if d.has_tasks] or list(model.for_envs(envs))
    if base in ALL_DATABASES:
        return tuple(d.name for d in dbs) or (model.primary(envs),)
    return (model.primary(envs),)


def _neutralize_erb(text: str) -> str:
    """ERB is never run: `<%= … %>` becomes a placeholder, `<% … %>` disappears; lines stay put."""
    def repl(m: re.Match) -> str:
        kept_lines = "\n" * m.group(0).count("\n")
        return ("…" if m.group(0).startswith("<%=") else "") + kept_lines  # a value known only at run time
    return ERB_OUTPUT.sub(repl, text)


def _database_entry(name: str, cfg: dict) -> Database:
    def flag(key: str, default: bool) -> bool:
        value = cfg.get(key, default)
        return value if isinstance(value, bool) else str(value).lower() not in ("false", "0", "no", "")

    paths = cfg.get("migrations_paths")
    if isinstance(paths, list):
        paths = ", ".join(str(p) for p in paths)
    return Database(
        name=name,
        adapter=str(cfg["adapter"]) if cfg.get("adapter") is not None else None,
        database=str(cfg["database"]) if cfg.get("database") is not None else None,
        migrations_paths=str(paths) if paths is not None else None,
        database_tasks=flag("database_tasks", True),
        replica=flag("replica", False) if "replica" in cfg else False,
    )


DB_KEYS = frozenset({"adapter", "database", "url", "host", "username", "pool", "encoding"})


def load_database_yml(path: Path, display: str) -> DatabaseModel:
    import yaml

    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise OrderlintError(f"{display}: cannot read ({exc.strerror})") from None
    try:
        # yaml.safe_load, with the C loader when libyaml is there (ten times faster): plain data only.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(_neutralize_erb(text))
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise OrderlintError(f"{display}{where}: invalid YAML ({problem})") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise OrderlintError(f"{display}: expected a mapping of environments, found {type(data).__name__}")
    environments: dict[str, tuple[Database, ...]] = {}
    for env, section in data.items():
        if not isinstance(section, dict) or is_shared_block(str(env)):
            continue
        if DB_KEYS & set(map(str, section)):
            environments[str(env)] = (_database_entry("primary", section),)
            continue
        dbs = tuple(_database_entry(str(name), cfg) for name, cfg in section.items() if isinstance(cfg, dict))
        if dbs:
            environments[str(env)] = dbs
    return DatabaseModel(environments, display, rails_version(path.parent.parent / "Gemfile.lock"))


def is_shared_block(key: str) -> bool:
    """`default: &default`, `queue_defaults: &queue`, `x-shared:`: settings for anchors, not an
    environment anyone runs in."""
    lowered = key.lower()
    return "default" in lowered or lowered.startswith((".", "_", "x-")) or lowered in ("shared", "common", "base")


def rails_version(gemfile_lock: Path) -> str | None:
    try:
        text = gemfile_lock.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    m = re.search(r"^    rails \(([^)]+)\)", text, re.M) or re.search(r"^    railties \(([^)]+)\)", text, re.M)
    return m.group(1) if m else None


def inferred_model(scoped_names: set[str]) -> DatabaseModel:
    """Without database.yml: the primary, plus every database a scoped task names."""
    dbs = (Database("primary"),) + tuple(Database(n) for n in sorted(scoped_names) if n != "primary")
    return DatabaseModel({"any": dbs}, "inferred from the scripts", None, from_file=False)


def find_database_yml(script_dir: Path, root: Path) -> Path | None:
    """The nearest config/database.yml walking up from the script's folder to the project root."""
    here = script_dir
    while True:
        candidate = here / "config" / "database.yml"
        if candidate.is_file():
            return candidate
        if here == root or here.parent == here:
            return None
        try:
            here.relative_to(root)
        except ValueError:
            return None
        here = here.parent
