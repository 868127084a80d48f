"""The pipeline end to end: discover → parse → extract → resolve → flow → rules.

`analyze` returns `Results`, the one input of every reporter.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from orderlint.deploy import host_kind
from orderlint.shell.discover import discover
from orderlint.flow import (
    EnvSet,
    Execution,
    FlowNote,
    Interpreter,
    file_environment,
    initial_state,
    normalize_env,
    replace,
)
from orderlint.messages import Loc, Message
from orderlint.model import Diagnostic, OrderlintError, Pos, Related, Severity
from orderlint.shell.parse import ParsedFile, parse_tree
from orderlint.flow.reach import may_reach_rails, names_task, runs_other_code
from orderlint.rails.databases import (
    DatabaseModel,
    databases_touched,
    find_database_yml,
    inferred_model,
    load_database_yml,
    split_scope,
)
from orderlint.shell.resolve import (
    LoadedScript,
    ScriptLoader,
    can_reach_rails,
    display_path,
    find_project_root,
    real_path,
)
from orderlint.results import Invocation, Results, ScriptAnalysis
from orderlint.settings import Settings
from orderlint.shell.syntax import AndOr, Command, Seq, Test


def is_library(loaded: LoadedScript) -> bool:
    return loaded.library


def is_load_guard(item) -> bool:
    """`[[ -n ${LIB_LOADED:-} ]] && return`: a library guarding against a second load."""
    if not isinstance(item, AndOr):
        return False
    left, right = item.left, item.right
    tests = isinstance(left, Test) or (isinstance(left, Command) and bool(left.words) and
                                      left.words[0].literal in ("[", "[[", "test"))
    leaves = isinstance(right, Command) and bool(right.words) and right.words[0].literal in ("return", "exit")
    return tests and leaves


class Analyzer:
    def __init__(self, settings: Settings, jobs: int = 1, progress=None) -> None:
        self.settings = settings
        self.loader = ScriptLoader()
        self.models: dict[Path, DatabaseModel] = {}
        self.jobs = jobs  # processes for the flow of entry scripts (0: one per core); see orderlint.flow.parallel
        self.progress = progress or (lambda done, total: None)
        self.extra_paths: set[str] = set()  # files read by worker processes (for the run cache)
        self._ymls: dict[tuple[Path, Path], Path | None] = {}
        self._apps_below: dict[Path, Path | None] = {}  # the one app one folder down from a root, if any
        self._shared: dict = {}
        self.warnings: list[str] = []  # entries below a given folder left out (loops, unreadable): the run goes on
        self.hosts: dict = {}  # deploy files read (orderlint.deploy), by absolute path: run by their steps

    def find_yml(self, folder: Path, root: Path) -> Path | None:
        """find_database_yml, once per folder in a run (thousands of scripts share a few apps)."""
        key = (folder, root)
        if key not in self._ymls:
            self._ymls[key] = find_database_yml(folder, root, self._apps_below)
        return self._ymls[key]

    def tracked(self, task: str) -> bool:
        return task.startswith("db:") or any(fnmatch.fnmatchcase(task, p) for p in self.settings.policy.task_patterns())

    # -- environments and databases -------------------------------------------------------
    def script_environment(self, path: Path, root: Path) -> EnvSet:
        absolute = real_path(path)
        try:
            rel = absolute.relative_to(root)
        except ValueError:
            rel = Path(path.name)
        yml = self.find_yml(absolute.parent, root)
        app = yml.parent.parent if yml is not None else root  # as app_root()
        try:
            app_rel = absolute.relative_to(app)
        except ValueError:
            app_rel = rel
        for glob, env in self.settings.environments.items():
            if fnmatch.fnmatch(rel.as_posix(), glob) or fnmatch.fnmatch(display_path(path), glob):
                return self.shared(EnvSet(frozenset({normalize_env(env)})))
        from orderlint.deploy.kamal import hook_environments
        from orderlint.flow import ENV_ALIASES

        hooks = hook_environments(absolute)
        if hooks and all(h.lower() in ENV_ALIASES for h in hooks):  # a Kamal hook: its destinations
            return self.shared(EnvSet(frozenset(normalize_env(h) for h in hooks)))
        found = file_environment(app_rel.parts)
        return self.shared(EnvSet(frozenset({found})) if found else EnvSet())

    def model_for(self, script: Path, root: Path, scoped_names: set[str]) -> DatabaseModel:
        if self.settings.database_yml:
            yml = Path(self.settings.database_yml)
            if not yml.is_absolute():
                yml = root / yml
            if not yml.is_file():
                raise OrderlintError(f"{display_path(yml)}: database-yml not found")
        else:
            yml = self.find_yml(real_path(script).parent, root)
        if yml is not None:
            if yml not in self.models:
                model = load_database_yml(yml, display_path(yml), self.settings.roles)
                if self.settings.rails_version:
                    model = DatabaseModel(model.environments, model.source, self.settings.rails_version)
                self.models[yml] = model
            return self.models[yml]
        if self.settings.databases:
            return configured_model(self.settings.databases, self.settings.rails_version, self.settings.roles)
        return inferred_model(scoped_names, self.settings.roles)

    def model_in(self, cwd: str, fallback: DatabaseModel) -> DatabaseModel:
        """A task run after `cd apps/admin` uses apps/admin/config/database.yml."""
        if not cwd or self.settings.database_yml:
            return fallback
        yml = Path(cwd) / "config" / "database.yml"
        if not yml.is_file():
            return fallback
        if yml not in self.models:
            self.models[yml] = load_database_yml(yml, display_path(yml), self.settings.roles)
        return self.models[yml]

    # -- the run ----------------------------------------------------------------------------
    def analyze(self, paths: list[Path], stdin: tuple[str, bytes] | None = None) -> Results:
        root = find_project_root(paths[0] if paths else Path.cwd())
        found = discover(paths, self.settings.exclude) if paths else None
        errors = list(found.problems) if found else []
        self.warnings.extend(found.warnings if found else ())
        named = set(paths)
        files = list(found.files) if found else []
        loaded: dict[Path, LoadedScript] = {}
        used_by: dict[str, list[str]] = {}
        runs: list[tuple[Path, LoadedScript, Interpreter, str]] = []
        # One process: each entry script runs as soon as it is read, on the tree just parsed.
        # Several: every file is read first, and the workers share the parent's reading.
        at_once = self.jobs == 1

        def read(path: Path, ls: LoadedScript) -> None:
            loaded[path] = ls
            if at_once and not is_library(ls):
                runs.append((path, ls, self._run_one(path, ls, root, used_by), "entry"))
            ls.tree = None
            if at_once and ls.released:
                ls.parsed.pack()  # reports quote a line or two of it at most

        for n, f in enumerate(files, 1):
            try:
                kind = host_kind(f)
                ls = self._load_host(f, kind) if kind else self.loader.load(f, keep_tree=at_once)
            except OrderlintError as exc:
                (errors if f in named else self.warnings).append(str(exc))
                continue
            read(f, ls)
            if at_once:
                self.progress(n, len(files))
        if stdin is not None:
            name, data = stdin
            read(Path(name), self.loader.load(Path(name).resolve(), data=data, display=name, keep_tree=at_once))
        diagnostics: list[Diagnostic] = []
        parsed = {ls.parsed.path: ls.parsed for ls in loaded.values()}

        entries = [(p, ls) for p, ls in loaded.items() if not is_library(ls)]
        libraries = {ls.parsed.path: (p, ls) for p, ls in loaded.items() if is_library(ls)}
        if not at_once:
            for path, ls, interp in self._run_entries(entries, root, used_by):
                runs.append((path, ls, interp, "entry"))
        for shown, (path, ls) in libraries.items():
            if shown in used_by:
                continue
            # A library nobody here sources: each of its functions is run on its own.
            interp = self._interpreter(path, ls, root, used_by)
            st = initial_state(ls.absolute, self.script_environment(path, root), ls.parsed.line_text(0))
            st_defs = interp.seq(ls.script.body.items, st)
            base = st_defs[0].state if st_defs else st
            for name, fn in sorted(base.functions.items()):
                if fn.path == ls.parsed.path:
                    interp.run(Seq((fn.body,), fn.start), base)
            from orderlint.flow.parallel import EntryRun

            runs.append((path, ls, EntryRun.of(interp), "library"))
            self.loader.trim()
        for ls in loaded.values():  # after the flow: files are extracted when it first needs them
            diagnostics.extend(parse_diagnostics(ls))
            ls.parsed.pack()

        scoped = set()
        for _, _, interp, _ in runs:
            for ex in interp.by_id.values():
                _, scope = split_scope(ex.task)
                if scope:
                    scoped.add(scope)
        scripts: list[ScriptAnalysis] = []
        models: dict[str, DatabaseModel] = {}
        for path, ls, interp, role in runs:
            try:
                model = self.model_for(path, root, scoped)
            except OrderlintError as exc:
                raise exc
            env = self.script_environment(path, root)
            invocations = tuple(self._invocation(ex, ls, model, parsed) for ex in
                                sorted(interp.by_id.values(), key=lambda e: e.order))
            scripts.append(ScriptAnalysis(ls.parsed.path, role, env, model, invocations, self.settings,
                                          tuple(sorted(interp.files_read))))
            models[ls.parsed.path] = model
            for note in interp.notes.values():
                diagnostics.append(note_diagnostic(note, parsed))
        for script in scripts:
            script.used_by = tuple(u for u in used_by.get(script.path, ()) if u != script.path)
        from orderlint.rules.ol005_crlf_line_endings import crlf_diagnostics

        diagnostics.extend(crlf_diagnostics(parsed, (inv for script in scripts for inv in script.invocations)))
        shown_files = sorted(ls.parsed.path for ls in loaded.values())
        return Results(root, shown_files, scripts, diagnostics, errors, used_by, models, parsed)

    def run_entry(self, path: Path, ls: LoadedScript, root: Path, used_by: dict[str, list[str]]) -> Interpreter:
        interp = self._interpreter(path, ls, root, used_by)
        host = self.hosts.get(ls.absolute)
        if host is not None:  # a deploy file: its steps, with the host's failure rules
            from orderlint.flow.hosts import run_host

            st = initial_state(ls.absolute, self.script_environment(path, root), "")
            st = replace(st, cwd=os.path.normpath(ls.absolute.parent / host.folder))  # the checkout, the build context
            run_host(interp, host.steps, st)
            return interp
        if can_reach_rails(ls.parsed.data):
            st = initial_state(ls.absolute, self.script_environment(path, root), ls.parsed.line_text(0))
            if not names_task(ls.parsed.data):
                if ls.tree is None:
                    ls.tree = parse_tree(ls.parsed.data)  # kept for the extraction that may follow
                if not runs_other_code(ls.tree, ls.parsed.data):
                    ls.tree = None
                    return interp  # nothing to follow: no task, nothing to say
                if not may_reach_rails(interp, ls.script.body, st):
                    return interp  # with the notes on what it could not follow
                interp = self._interpreter(path, ls, root, used_by)
            interp.run(ls.script.body, st)
        return interp

    def _load_host(self, path: Path, kind: str) -> LoadedScript:
        """A deploy file read by its reader (orderlint.deploy): an entry with no shell of its own."""
        from orderlint.deploy import read_host
        from orderlint.shell.syntax import Script

        absolute = real_path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise OrderlintError(f"{display_path(path)}: cannot read ({exc.strerror or exc})") from None
        host = read_host(kind, display_path(path), raw)
        self.hosts[absolute] = host
        self.extra_paths.add(str(absolute))
        return LoadedScript(host.text, absolute, False, script=Script(host.text.path, Seq((), Pos(0, 0))))

    def _run_entries(self, entries: list, root: Path, used_by: dict[str, list[str]]) -> list[tuple]:
        if self.jobs != 1:
            from orderlint.flow.parallel import run_entries

            done = run_entries(self, entries, root, used_by, self.progress)
            if done is not None:
                return done
        out = []
        for n, (path, ls) in enumerate(entries, 1):
            out.append((path, ls, self._run_one(path, ls, root, used_by)))
            self.progress(n, len(entries))
        return out

    def _run_one(self, path: Path, ls: LoadedScript, root: Path, used_by: dict[str, list[str]]):
        from orderlint.flow.parallel import EntryRun

        # Only what the rest reads is kept: the interpreter's caches would grow with the tree.
        run = EntryRun.of(self.run_entry(path, ls, root, used_by))
        self.loader.trim()  # memory stays flat: only recently extracted files keep their syntax
        return run

    def _interpreter(self, path: Path, ls: LoadedScript, root: Path, used_by: dict[str, list[str]]) -> Interpreter:
        entry_shown = ls.parsed.path

        def on_source(lib: str, _user: str) -> None:
            users = used_by.setdefault(lib, [])
            if entry_shown not in users:
                users.append(entry_shown)

        return Interpreter(ls.absolute, entry_shown, root, self.loader, self.tracked, on_source,
                           launchers=self.settings.launchers)

    def _invocation(self, ex: Execution, ls: LoadedScript, model: DatabaseModel,
                    parsed: dict[str, ParsedFile]) -> Invocation:
        model = self.model_in(ex.cwd, model)
        envs = ex.env.only
        base, scope = split_scope(ex.task, model.names())
        pf = parsed.get(ex.word.path) or self._parsed(ex.word.path)
        column = pf.char_column(ex.word.start) if pf else ex.word.start.col + 1
        end_column = pf.char_column(ex.word.end) if pf else ex.word.end.col + 1
        outcome = ex.on_failure
        fallback = frozenset(i for f in ex.fates for i in f.fallback)
        databases = self.shared(databases_touched(ex.task, model, envs))
        return Invocation(
            id=ex.id, script=ex.script, path=ex.word.path, line=ex.line, column=column,
            end_line=ex.word.end.row + 1, end_column=end_column, task=ex.task, base=base, scope=scope,
            databases=databases, roles=self.shared(tuple(model.role(d, envs) for d in databases)),
            primary=model.primary(envs),
            environment=self.shared(ex.env), on_failure=outcome, reason=self.shared(ex.reason(outcome)),
            fix=self.shared(ex.fix(outcome)), fallback=self.shared(fallback),
            via=ex.via, arguments=ex.arguments, must_before=ex.must_before,
            may_before=ex.may_before, output_used=ex.output_used, output_inspected=ex.output_inspected,
            status_tested=ex.status_tested,
            disables_env_check=ex.disables_env_check,
            functions=tuple(c.name for c in ex.calls if not c.function.startswith("source ")),
            calls=tuple(c for c in ex.calls if not c.function.startswith("source ")),
            command=ex.command, model=model, first_boot=ex.empty_database,
        )

    def shared(self, value):
        """One object for equal values kept for the reports (thousands of scripts share a few)."""
        return self._shared.setdefault(value, value)

    def _parsed(self, shown: str) -> ParsedFile | None:
        try:
            return self.loader.load(Path(shown)).parsed
        except OrderlintError:
            return None


def app_root(script: Path, root: Path) -> Path:
    """The Rails app a script belongs to: the folder of the nearest config/database.yml."""
    yml = find_database_yml(script.parent, root)
    return yml.parent.parent if yml is not None else root


def configured_model(databases: dict, version: str | None, roles: dict[str, str] | None = None) -> DatabaseModel:
    from orderlint.rails.databases import Database, _database_entry, assign_roles

    envs = {}
    roles = dict(roles or {})
    for env, dbs in databases.items():
        if isinstance(dbs, dict):
            envs[str(env)] = tuple(_database_entry(str(n), c if isinstance(c, dict) else {}) for n, c in dbs.items())
            for n, c in dbs.items():
                if isinstance(c, dict) and c.get("role"):
                    roles.setdefault(str(n), str(c["role"]))
        elif isinstance(dbs, list):
            envs[str(env)] = tuple(Database(str(n)) for n in dbs)
    return DatabaseModel(assign_roles(envs, None, roles), "configuration", version)


def parse_diagnostics(ls: LoadedScript) -> list[Diagnostic]:
    out = []
    pf = ls.parsed
    for first, last in pf.error_rows:
        lines = Loc(pf.path, first + 1, last + 1)
        out.append(Diagnostic(pf.path, first + 1, 1, last + 1, max(1, len(pf.line_text(last)) + 1), "OL001",
                              "parse-error", Severity.WARNING, Message("OL001.unparsed", where=lines)))
    for row, why in pf.misread_rows:
        out.append(Diagnostic(pf.path, row + 1, 1, row + 1, max(1, len(pf.line_text(row)) + 1), "OL001",
                              "parse-error", Severity.WARNING, Message(f"OL001.{why}", line=row + 1)))
    for row in sorted(set(ls.truncated_rows or ()))[:1]:
        out.append(Diagnostic(pf.path, row + 1, 1, row + 1, 1, "OL001", "parse-error", Severity.WARNING,
                              Message("OL001.too-deep")))
    if pf.binary_from is not None:
        row = pf.binary_from
        message = Message("OL001.binary") if row == 0 else Message("OL001.binary-from", line=row + 1)
        out.append(Diagnostic(pf.path, row + 1, 1, row + 1, 1, "OL001", "parse-error", Severity.WARNING, message))
    return out


def note_diagnostic(note: FlowNote, parsed: dict[str, ParsedFile]) -> Diagnostic:
    from orderlint.rules import RULES

    rule = RULES[note.code]
    pf = parsed.get(note.path)
    col = pf.char_column(note.start) if pf else note.start.col + 1
    end_col = pf.char_column(note.end) if pf else note.end.col + 1
    return Diagnostic(note.path, note.start.row + 1, col, note.end.row + 1, end_col, rule.code, rule.name,
                      rule.severity, note.message)


__all__ = ["Analyzer", "Invocation", "Results", "ScriptAnalysis", "Related"]
