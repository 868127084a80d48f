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
                          "db:setup", "db:version", "db:migrate:status", "db:abort_if_pending_migrations", "db:migrate:up", "db:migrate:down",
                          "db:migrate:redo", "db:reset", "db:test:prepare"})
# `:NAME` tasks arrived with multiple databases in Rails 6.0; these later (databases.rake).
SCOPED_SINCE = {"db:migrate:redo": (6, 1), "db:reset": (7, 0), "db:setup": (7, 0), "db:version": (7, 1)}


def scoped_task_defined(base: str, version: str | None) -> bool:
    """Does this Rails version define `BASE:NAME` tasks (for multi-database environments)?"""
    if base not in PER_DATABASE:
        return False
    parts = re.findall(r"\d+", version or "")
    if not parts:
        return True
    since = SCOPED_SINCE.get(base, (6, 0))
    return (int(parts[0]), int(parts[1]) if len(parts) > 1 else 0) >= since


# The only `:all` tasks Rails defines: every database of every environment of database.yml.
ALL_FORMS = frozenset({"db:create", "db:drop", "db:purge"})


def undefined_suffix(task: str, names: frozenset[str]) -> tuple[str, str] | None:
    """`db:migrate:status:all`, `db:seed:queue`: a Rails task followed by a suffix Rails defines
    for it in no version, `all` (outside `db:create`/`db:drop`/`db:purge`) or one of the
    app's databases (`names`) after a task with no `:NAME` form. Returns (task, suffix)."""
    base, _, suffix = task.rpartition(":")
    if task in RAILS_TASKS or base not in RAILS_TASKS or suffix in names and base in PER_DATABASE:
        return None
    if suffix == "all":
        return None if base in ALL_FORMS else (base, suffix)
    if suffix in names and base not in SCOPABLE:  # `db:prepare:queue`: split_scope names the database
        return base, suffix
    return None


MIGRATES = frozenset({"db:migrate", "db:prepare", "db:setup", "db:reset", "db:schema:load", "db:migrate:reset",
                      "db:structure:load"})
# The tasks that apply migrations (a schema load applies none): what a pending check follows.
RUNS_MIGRATIONS = frozenset({"db:migrate", "db:prepare", "db:migrate:reset"})
DESTRUCTIVE = frozenset({"db:reset", "db:drop", "db:purge", "db:schema:load", "db:setup", "db:seed:replant",
                         "db:truncate_all", "db:migrate:reset", "db:structure:load", "db:drop:all",
                         "db:purge:all", "db:drop:_unsafe"})
WIPES = DESTRUCTIVE
SEEDS = frozenset({"db:seed", "db:seed:replant", "db:setup", "db:reset"})
RESETS_AND_SEEDS = frozenset({"db:reset", "db:setup"})
READ_ONLY = frozenset({"db:migrate:status", "db:version", "db:abort_if_pending_migrations", "db:schema:dump",
                       "db:structure:dump", "db:schema:cache:dump", "db:charset", "db:collation"})
PENDING_CHECKS = frozenset({"db:abort_if_pending_migrations", "db:migrate:status"})
# The database tasks Rails defines, each without a database name (databases.rake, Rails 6.0–8.1).
RAILS_TASKS = ALL_DATABASES | PER_DATABASE | MIGRATES | DESTRUCTIVE | SEEDS | READ_ONLY | frozenset({
    "db:seed", "db:prepare", "db:forward", "db:load_config", "db:environment:set", "db:schema:cache:clear",
    "db:check_protected_environments", "db:fixtures:load", "db:encryption:init", "db:test:load_schema",
    "db:test:purge", "db:migrate:up", "db:migrate:down", "db:migrate:redo", "db:migrate:reset",
})

ERB_OUTPUT = re.compile(r"<%=?-?(.*?)-?%>", re.S)

# Roles. The Solid trio is what the default policy orders after the primary, lets fail with a
# warning and never wipes; a peer (analytics, events, shards, ClickHouse…) has no assumed policy.
PRIMARY = "primary"
PEER = "peer"
SOLID = ("queue", "cache", "cable")
QUEUE_LIKE = frozenset(SOLID)
ROLES = (PRIMARY, *SOLID, PEER)
CONFIGURABLE_ROLES = (*SOLID, PEER)
SOLID_MIGRATIONS = re.compile(r"(?:^|[/\\])(queue|cache|cable)_migrate\b")
CONNECTS_TO = re.compile(r"config\.solid_(queue|cache|cable)\.connects_to\s*=\s*\{?\s*database:\s*\{\s*"
                         r"writing:\s*:?[\"']?(\w+)")


@dataclass(frozen=True, slots=True)
class Database:
    name: str
    adapter: str | None = None
    database: str | None = None
    migrations_paths: str | None = None
    database_tasks: bool = True
    replica: bool = False
    role: str = PEER  # primary, queue, cache, cable or peer (see assign_roles)
    conditional: bool = False  # defined inside an ERB `<% if … %>`: it may be absent

    @property
    def certain(self) -> bool:
        """Certainly there, with tasks: what an unscoped task is sure to act on."""
        return self.has_tasks and not self.conditional

    @property
    def queue_like(self) -> bool:
        return self.role in QUEUE_LIKE

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

    def role(self, name: str, envs: frozenset[str] | None = None) -> str:
        """The role of a database in these environments; a name the model lacks (a scoped task
        naming a database database.yml does not define) is judged by its name alone."""
        db = self.database(name, envs) or self.database(name)
        if db is not None:
            return db.role
        if name == self.primary(envs):
            return PRIMARY
        return name if name in SOLID else PEER

    def tasks_defined(self, name: str, envs: frozenset[str] | None) -> list[str]:
        """The environments (of `envs`, all when unknown) where Rails defines `db:…:NAME`
        tasks for this database: it is visible there, beside at least one other visible one."""
        out = []
        for env, dbs in self.environments.items():
            if envs is not None and env not in envs:
                continue
            visible = [d.name for d in dbs if d.has_tasks]
            if name in visible and len(visible) > 1:
                out.append(env)
        return out


def split_scope(task: str, known: frozenset[str] = frozenset()) -> tuple[str, str | None]:
    """`db:migrate:queue` → ("db:migrate", "queue"); `db:migrate:status` → ("db:migrate:status", None)."""
    for base in SCOPABLE:
        if task.startswith(base + ":"):
            name = task[len(base) + 1:]
            if ":" in name or (name in SUBTASKS and name not in known) or (name == "all" and base in ALL_FORMS):
                continue
            return base, name
    return task, None


def databases_touched(task: str, model: DatabaseModel, envs: frozenset[str] | None) -> tuple[str, ...]:
    if not task.startswith("db:"):
        return ()  # a policy task such as assets:precompile
    base, scope = split_scope(task, model.names())
    if scope is not None:
        return (scope,)
    dbs = [d for d in model.for_envs(envs) if d.certain] or [d for d in model.for_envs(envs) if d.has_tasks] or \
        list(model.for_envs(envs))
    if base in ALL_DATABASES:
        return tuple(d.name for d in dbs) or (model.primary(envs),)
    return (model.primary(envs),)


def _neutralize_erb(text: str) -> str:
    """ERB is never run: `<%= … %>` becomes a placeholder, `<% … %>` disappears; lines stay put."""
    def repl(m: re.Match) -> str:
        kept_lines = "\n" * m.group(0).count("\n")
        return ("…" if m.group(0).startswith("<%=") else "") + kept_lines  # a value known only at run time
    return ERB_OUTPUT.sub(repl, text)


@dataclass(frozen=True, slots=True)
class SolidEvidence:
    """What an app's files say about the Solid trio: the database each component writes to
    (`config.solid_queue.connects_to`, `config/cache.yml`'s `database:`, `config/cable.yml`'s
    `writing:`), and which components are installed (their gem in Gemfile.lock, their config file)."""

    named: dict = field(default_factory=dict)  # database name -> role
    installed: frozenset[str] = frozenset()


def role_inputs(app: Path) -> list[Path]:
    """The files roles are read from (the run cache watches them)."""
    out = [app / "Gemfile.lock"] + [app / "config" / f"{role}.yml" for role in SOLID]
    folder = app / "config" / "environments"
    try:
        out.extend(sorted(p for p in folder.iterdir() if p.suffix == ".rb"))
    except OSError:
        pass
    return out


def _read(path: Path) -> str:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return handle.read(200_000)
    except OSError:
        return ""


def solid_evidence(app: Path | None) -> SolidEvidence:
    if app is None:
        return SolidEvidence()
    named: dict[str, str] = {}
    installed: set[str] = set()
    lock = _read(app / "Gemfile.lock")
    for role in SOLID:
        if re.search(rf"^    solid_{role} \(", lock, re.M):
            installed.add(role)
        text = _read(app / "config" / f"{role}.yml")
        if role == "cable" and "solid_cable" not in text:
            text = ""  # every app has a cable.yml: only Solid Cable's says so
        if text:
            installed.add(role)
            pattern = r"^\s*database:\s*:?[\"']?(\w+)" if role == "cache" else r"^\s*writing:\s*:?[\"']?(\w+)"
            if role != "queue":
                for m in re.finditer(pattern, text, re.M):
                    named.setdefault(m.group(1), role)
    folder = app / "config" / "environments"
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix == ".rb")
    except OSError:
        files = []
    for path in files:
        for m in CONNECTS_TO.finditer(_read(path)):
            named.setdefault(m.group(2), m.group(1))
            installed.add(m.group(1))
    return SolidEvidence(named, frozenset(installed))


def _role(db: Database, first: bool, has_named_primary: bool, evidence: SolidEvidence,
          configured: dict[str, str]) -> str:
    if db.name == PRIMARY or (first and not has_named_primary):
        return PRIMARY  # Rails' primary connection: the entry named primary, else the first
    if db.name in configured:
        return configured[db.name]
    if db.name in evidence.named:
        return evidence.named[db.name]
    m = SOLID_MIGRATIONS.search(db.migrations_paths or "")
    if m:
        return m.group(1)
    if db.name in SOLID:
        return db.name
    for role in SOLID:  # `solid_queue`, `jobs_queue`: with Solid Queue installed
        if role in db.name.lower() and role in evidence.installed:
            return role
    return PEER


def assign_roles(environments: dict[str, tuple[Database, ...]], app: Path | None,
                 configured: dict[str, str] | None = None) -> dict[str, tuple[Database, ...]]:
    """Every database of every environment with its role (configuration first, then the app's files)."""
    import dataclasses

    evidence = solid_evidence(app)
    configured = configured or {}
    out = {}
    for env, dbs in environments.items():
        named_primary = any(d.name == PRIMARY for d in dbs)
        out[env] = tuple(dataclasses.replace(d, role=_role(d, i == 0, named_primary, evidence, configured))
                         for i, d in enumerate(dbs))
    return out


def _database_entry(name: str, cfg: dict, conditional: bool = False) -> Database:
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
        conditional=conditional,
    )


# Keys of a connection's configuration: a named entry with none of them (`variables:` holding
# `statement_timeout: 5000`) is a block of settings, not a database.
CONFIG_KEYS = frozenset({
    "adapter", "database", "url", "host", "port", "socket", "username", "password", "pool", "encoding",
    "timeout", "migrations_paths", "database_tasks", "replica", "schema_dump", "schema_search_path",
    "schema_cache_path", "sslmode", "prepared_statements", "advisory_locks", "variables", "collation", "charset",
    "reconnect", "checkout_timeout", "idle_timeout", "reaping_frequency", "connect_timeout", "read_timeout",
    "write_timeout", "min_messages", "use_metadata_table", "seeds", "statement_limit", "retries", "flags",
    "max_connections", "min_connections", "keepalive", "sslca", "sslcert", "sslkey",
})
# `<% if … %>`, `<% unless … %>`, `<% case … %>` open a condition; `do`, `while`, `for`, `begin`
# open a block that `<% end %>` also closes.
ERB_CODE = re.compile(r"<%(?!=)-?(.*?)-?%>", re.S)
ERB_CONDITION = re.compile(r"^\s*(?:if|unless|case)\b")
ERB_BLOCK = re.compile(r"(?:\bdo\s*(?:\|[^|]*\|)?\s*$)|^\s*(?:while|until|for|begin)\b")
ERB_END = re.compile(r"^\s*end\b")


def conditional_rows(text: str) -> frozenset[int]:
    """The rows (0-based) inside an ERB condition: what they define may be absent at run time."""
    stack: list[tuple[bool, int]] = []  # (a condition?, the row after its tag)
    rows: set[int] = set()
    for m in ERB_CODE.finditer(text):
        code = m.group(1)
        start_row = text.count("\n", 0, m.start())
        end_row = start_row + m.group(0).count("\n")
        for line in code.splitlines() or [""]:
            if ERB_END.match(line):
                if stack:
                    condition, first = stack.pop()
                    if condition:
                        rows.update(range(first, start_row + 1))
            elif ERB_CONDITION.match(line):
                stack.append((True, end_row))
            elif ERB_BLOCK.search(line):
                stack.append((False, end_row))
    for condition, first in stack:  # an `if` never closed: to the end
        if condition:
            rows.update(range(first, text.count("\n") + 1))
    return frozenset(rows)


def _is_config(cfg) -> bool:
    return isinstance(cfg, dict) and bool(CONFIG_KEYS & set(map(str, cfg)))


def _inside(rows: set[int] | None, conditional: frozenset[int]) -> bool:
    """Every place the entry is written is inside a condition (one outside it is always there)."""
    return bool(rows) and rows <= conditional  # type: ignore[operator]


def _named_rows(text: str) -> dict[tuple[str, str], set[int]]:
    """(environment, name) → the rows where a named configuration's key is written (merges followed)."""
    import yaml

    out: dict[tuple[str, str], set[int]] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return out

    def items(node, depth: int = 0) -> list:
        if not isinstance(node, yaml.MappingNode) or depth > 20:
            return []
        found = []
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "<<":
                for merged in (value.value if isinstance(value, yaml.SequenceNode) else [value]):
                    found.extend(items(merged, depth + 1))
            elif isinstance(key, yaml.ScalarNode):
                found.append((key, value))
        return found

    for env_key, section in items(root):
        for key, _ in items(section):
            out.setdefault((env_key.value, key.value), set()).add(key.start_mark.line)
    return out


def load_database_yml(path: Path, display: str, roles: dict[str, str] | None = None) -> DatabaseModel:
    import yaml

    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise OrderlintError(f"{display}: cannot read ({exc.strerror})") from None
    try:
        # yaml.safe_load, with the C loader when libyaml is there (ten times faster): plain data only.
        neutral = _neutralize_erb(text)
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(neutral)
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
    # As ActiveRecord::DatabaseConfigurations reads it: an environment whose values are all
    # mappings holds named configurations, any other is one configuration (the primary).
    conditional = conditional_rows(text)
    rows = _named_rows(neutral) if conditional else {}
    shared = templates(neutral)
    environments: dict[str, tuple[Database, ...]] = {}
    for env, section in data.items():
        if not isinstance(section, dict) or not section or is_shared_block(str(env)) or str(env) in shared:
            continue
        if not all(isinstance(cfg, dict) for cfg in section.values()):
            environments[str(env)] = (_database_entry("primary", section),)
            continue
        dbs = tuple(_database_entry(str(name), cfg, _inside(rows.get((str(env), str(name))), conditional))
                    for name, cfg in section.items() if _is_config(cfg))
        if dbs:
            environments[str(env)] = dbs
    app = path.parent.parent
    return DatabaseModel(assign_roles(environments, app, roles), display, rails_version(app / "Gemfile.lock"))


TOP_ANCHOR = re.compile(r"^([A-Za-z_][\w.-]*)[ \t]*:[ \t]*&([\w-]+)[ \t]*(?:#.*)?$", re.M)
ENV_TOKEN = re.compile(r"(?:^|[_.-])(?:dev|development|test|testing|stage|staging|prod|production|local|qa|uat|ci|"
                       r"preview|review|demo|sandbox|beta|canary)(?:$|[_.-])", re.I)


def templates(text: str) -> frozenset[str]:
    """Top-level keys that are anchored blocks of settings merged into others (`global_pg: &pg`
    then `<<: *pg`), named like no environment: templates, not environments anyone runs in."""
    out = set()
    for m in TOP_ANCHOR.finditer(text):
        name, anchor = m.groups()
        if not ENV_TOKEN.search(name) and re.search(rf"<<[ \t]*:[ \t]*(?:\[[^\]]*)?\*{re.escape(anchor)}\b", text):
            out.add(name)
    return frozenset(out)


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


def inferred_model(scoped_names: set[str], roles: dict[str, str] | None = None) -> DatabaseModel:
    """Without database.yml: the primary, plus every database a scoped task names (roles by name)."""
    dbs = (Database("primary"),) + tuple(Database(n) for n in sorted(scoped_names) if n != "primary")
    return DatabaseModel(assign_roles({"any": dbs}, None, roles), "inferred from the scripts", None, from_file=False)


def find_database_yml(script_dir: Path, root: Path, below: dict | None = None) -> Path | None:
    """The nearest config/database.yml walking up from the script's folder to the project root.

    A script outside any app (`.kamal/hooks/` or `ops/` at the root of a repository whose Rails
    app lives in `server/`) runs against the project's app when there is exactly one, one
    folder down; with several, the app is not known. `below`: what was found one folder down
    from each root already, kept by the caller for the length of a run.
    """
    here = script_dir
    while True:
        candidate = here / "config" / "database.yml"
        if candidate.is_file():
            return candidate
        if here == root or here.parent == here:
            if here != root:
                return None
            if below is None:
                return _only_app_below(root)
            if root not in below:
                below[root] = _only_app_below(root)
            return below[root]
        try:
            here.relative_to(root)
        except ValueError:
            return None
        here = here.parent


def _only_app_below(root: Path) -> Path | None:
    try:
        found = [child / "config" / "database.yml" for child in root.iterdir()
                 if not child.name.startswith(".") and (child / "config" / "database.yml").is_file()]
    except OSError:
        return None
    return found[0] if len(found) == 1 else None
