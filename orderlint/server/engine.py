"""The analysis behind the language server, kept between edits.

A `Project` is the files one configuration governs (the nearest `.orderlint.toml` or
`pyproject.toml` with `[tool.orderlint]`, found as the command line finds it): what discovery
takes under its `paths`, plus every open document discovery would take. Its work is split in
units, one per entry script (and one per library no entry script sources), each analysed by the
command line's own `Analyzer` on that one file; the parsed files and the database models live in
that analyzer between edits. An edit re-analyses only the units that read the edited file; the
rules' findings of every unit are then merged, selected and suppressed as one run of the command
line would (`run_rules`, `apply_suppressions`), which is cheap: no flow is run again.

Open documents are read from the editor's text, not from the disk (`DocumentLoader`).
Nothing here knows the protocol: `orderlint.server.lsp` drives it from a worker thread.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

from orderlint.model import Diagnostic, OrderlintError
from orderlint.shell.resolve import MAX_SCRIPT_BYTES, LoadedScript, ScriptLoader, display_path, real_path

# Files whose change re-reads the configuration, or the database model of every script.
CONFIG_NAMES = (".orderlint.toml", "pyproject.toml")
MODEL_NAMES = ("database.yml", "Gemfile.lock", "queue.yml", "cache.yml", "cable.yml")


class Cancelled(Exception):
    """A newer edit arrived: the analysis in progress is dropped, the next one starts."""


def key_of(path: str | Path) -> Path:
    """Every file is known by its real absolute path."""
    return Path(os.path.realpath(os.path.abspath(path)))


class DocumentLoader(ScriptLoader):
    """The command line's loader, reading open documents from the editor's text."""

    def __init__(self, documents: dict[Path, bytes]) -> None:
        super().__init__()
        self.documents = documents

    def load(self, path: Path, data: bytes | None = None, display: str | None = None,
             keep_tree: bool = False) -> LoadedScript:
        if data is None:
            key = real_path(path)
            text = self.documents.get(key)
            if text is not None and key not in self._cache:
                if len(text) > MAX_SCRIPT_BYTES:
                    raise OrderlintError(f"{display_path(path)}: larger than {MAX_SCRIPT_BYTES >> 20} MB, skipped")
                return super().load(key, data=text, display=display or display_path(key), keep_tree=keep_tree)
        return super().load(path, data, display, keep_tree)

    def forget(self, key: Path) -> None:
        self._cache.pop(key, None)
        self._built.pop(key, None)

    def loaded(self, key: Path) -> LoadedScript | None:
        found = self._cache.get(key)
        return found if isinstance(found, LoadedScript) else None


@dataclass
class Unit:
    """One file's share of the project's analysis."""

    key: Path
    role: str  # "entry", "library" (analysed on its own: nobody sources it) or "used" (sourced)
    scripts: list = field(default_factory=list)  # ScriptAnalysis
    findings: list[Diagnostic] = field(default_factory=list)  # every rule's, before selection
    reads: frozenset[Path] = frozenset()  # files whose change changes this unit
    used_by: dict[str, list[str]] = field(default_factory=dict)  # library → entries, in this unit
    scoped: frozenset[str] = frozenset()  # database names of scoped tasks (`db:migrate:queue`)


@dataclass
class Outcome:
    """What one pass produced: the project's findings and its scripts, for the requests."""

    diagnostics: list[Diagnostic]
    scripts: list
    versions: dict[Path, int | None]  # the document versions analysed
    problems: list[str] = field(default_factory=list)


class Project:
    def __init__(self, config: Path | None, start: Path) -> None:
        self.config = config  # the configuration file, or None (defaults)
        self.start = start  # a file of the project (where the configuration was looked for)
        self.settings = None
        self.problem: str | None = None
        self.analyzer = None
        self.units: dict[Path, Unit] = {}
        self.files: list[Path] = []
        self.outcome: Outcome | None = None
        self.dirty_all = True
        self.discovered: list[Path] | None = None  # what discovery found under `paths` (until a file is created or deleted)

    # -- settings ----------------------------------------------------------------------------
    def load_settings(self) -> None:
        """As the command line reads them; on a mistake the previous settings stay (the defaults at first)."""
        from orderlint.cli.config import load_settings
        from orderlint.cli.run import Options
        from orderlint.settings import Settings

        try:
            settings = load_settings(Options(config=self.config))
            self.problem = None
        except OrderlintError as exc:
            self.problem = str(exc)
            settings = self.settings or Settings()
        self.settings = settings
        self.analyzer = None
        self.dirty_all = True
        self.discovered = None

    def _analyzer(self, documents: dict[Path, bytes]):
        if self.analyzer is None:
            self.analyzer = editor_analyzer(self.settings)
            self.analyzer.loader = DocumentLoader(documents)
        self.analyzer.loader.documents = documents
        return self.analyzer

    # -- what the project holds ----------------------------------------------------------------
    def discover(self, extra: list[Path]) -> list[Path]:
        from orderlint.shell.discover import discover

        if self.discovered is None:
            paths = [Path(p) for p in self.settings.paths if Path(p).exists()]
            if self.settings.origins.get("paths", "default") == "default":
                # as a bare `orderlint` at the root of a Rails app: its whole deploy surface
                from orderlint.deploy.surface import rails_app, surface

                app = rails_app(Path.cwd()) or rails_app(self.start)
                if app is not None:
                    paths = list(surface(app, self.settings.exclude))
            found = discover(paths, self.settings.exclude) if paths else None
            self.discovered = [key_of(f) for f in (found.files if found else ())]
        files = dict.fromkeys(self.discovered)
        for key in extra:
            files.setdefault(key, None)
        return list(files)

    def concerns(self, changed: set[Path], extra: list[Path]) -> bool:
        """Whether an edit of `changed` (or a document opened) changes this project's findings."""
        return bool(set(extra) - set(self.files)) or bool(self.affected(changed))

    def affected(self, changed: set[Path]) -> set[Path]:
        """Units an edit of `changed` can reach: the files themselves, and every unit that read one."""
        return {k for k, unit in self.units.items() if k in changed or unit.reads & changed} | \
            (changed & set(self.files))

    # -- one pass ------------------------------------------------------------------------------
    def update(self, documents: dict[Path, bytes], versions: dict[Path, int | None], extra: list[Path],
               changed: set[Path], model_changed: bool, check: Callable[[], None]) -> Outcome:
        """Re-analyse what `changed` reaches (everything after a change of the configuration, of a
        database model, or a file created or deleted); `check` raises Cancelled when superseded."""
        analyzer = self._analyzer(documents)
        loader: DocumentLoader = analyzer.loader
        for key in changed:
            loader.forget(key)
        if model_changed:
            analyzer.models.clear()
            analyzer._ymls.clear()
        files = self.discover(extra)
        everything = self.dirty_all or model_changed or set(files) != set(self.files)
        self.dirty_all = self.dirty_all or everything  # until the pass completes (a newer edit may cancel it)
        self.files = files
        for gone in set(self.units) - set(files):
            del self.units[gone]
        todo = set(files) if everything else self.affected(changed)
        problems: list[str] = []
        shown = {key: display_path(key) for key in files}
        # entry scripts first: whether a library is sourced decides how it is analysed
        roles: dict[Path, bool] = {}
        from orderlint.deploy import host_kind

        for key in files:
            if host_kind(key) is not None:
                roles[key] = False  # a deploy file: an entry, read by its own reader
                continue
            try:
                roles[key] = loader.load(key, keep_tree=key in todo).library
            except OrderlintError as exc:
                problems.append(str(exc))
        scoped_before = frozenset().union(*(u.scoped for u in self.units.values()))
        for key in sorted(k for k in todo if k in roles and not roles[k]):
            check()
            self.units[key] = self._entry(analyzer, key, problems)
        for key in [k for k, unit in self.units.items() if k in roles and roles[k] and unit.role == "entry"]:
            del self.units[key]  # became a library
        scoped = frozenset().union(*(u.scoped for u in self.units.values() if u.role == "entry"))
        if scoped != scoped_before and not everything:
            # without database.yml, databases are inferred from every script's scoped tasks
            for key in sorted(k for k, u in self.units.items() if u.role == "entry" and k not in todo):
                check()
                self.units[key] = self._entry(analyzer, key, problems)
        used = {lib for u in self.units.values() if u.role == "entry" for lib in u.used_by}
        for key in files:
            if not roles.get(key):
                continue
            role = "used" if shown[key] in used else "library"
            unit = self.units.get(key)
            if unit is None or unit.role != role or key in todo or role == "used":
                check()
                self.units[key] = self._library(analyzer, key, role, problems)
        self.dirty_all = False
        self.outcome = self._assemble(loader, versions, problems)
        return self.outcome

    def _entry(self, analyzer, key: Path, problems: list[str], role: str = "entry") -> Unit:
        from orderlint.rails.databases import split_scope
        from orderlint.rules.check import run_rules

        analyzer.warnings = []
        try:
            if key.exists():
                results = analyzer.analyze([key])
            else:  # a new document, not saved yet: read as the command line reads stdin
                data = analyzer.loader.documents.get(key, b"")
                results = analyzer.analyze([], stdin=(display_path(key), data))
        except OrderlintError as exc:
            problems.append(str(exc))
            return Unit(key, role)
        except RecursionError:
            problems.append(f"{display_path(key)}: too deeply nested to analyse")
            return Unit(key, role)
        problems.extend(results.errors)
        findings = run_rules(results, self._neutral(), read=self._read)
        reads = {key}
        for script in results.scripts:
            reads.update(key_of(p) for p in script.sources)
        scoped = {s for script in results.scripts for inv in script.invocations
                  for s in [split_scope(inv.task)[1]] if s}
        return Unit(key, role, results.scripts, findings, frozenset(reads),
                    {lib: list(users) for lib, users in results.used_by.items()}, frozenset(scoped))

    def _library(self, analyzer, key: Path, role: str, problems: list[str]) -> Unit:
        """A library nobody sources runs on its own, as the command line runs it; a sourced one
        brings only what is its own (parse errors, line ends): its findings come from its users."""
        if role == "library":
            return self._entry(analyzer, key, problems, role)
        from orderlint.pipeline import parse_diagnostics
        from orderlint.rules.ol005_crlf_line_endings import crlf_diagnostics

        loaded = analyzer.loader.loaded(key)
        if loaded is None:
            return Unit(key, role, reads=frozenset({key}))
        invocations = [inv for u in self.units.values() for s in u.scripts for inv in s.invocations
                       if inv.path == loaded.parsed.path]
        findings = parse_diagnostics(loaded) + crlf_diagnostics({loaded.parsed.path: loaded.parsed}, invocations)
        # its users' findings change its line-end finding: it is read again with them
        return Unit(key, role, [], findings, frozenset({key}))

    def _read(self, path: str) -> bytes | None:
        """The bytes fixes are computed on: the editor's text of an open document, else the file."""
        text = self.analyzer.loader.documents.get(key_of(path)) if self.analyzer is not None else None
        if text is not None:
            return text
        try:
            return Path(path).read_bytes()
        except (OSError, ValueError):
            return None

    def _neutral(self):
        return replace(self.settings, select=(), ignore=(), per_file_ignores={}, severity={})

    def _assemble(self, loader: DocumentLoader, versions: dict[Path, int | None], problems: list[str]) -> Outcome:
        from orderlint.cli.suppress import apply_suppressions
        from orderlint.rules.check import run_rules

        findings = [d for unit in self.units.values() for d in unit.findings]
        parsed = {}
        for key in self.files:
            loaded = loader.loaded(key)
            if loaded is not None:
                parsed[loaded.parsed.path] = loaded.parsed
        for d in findings:  # libraries outside `paths`: their directives are read from the editor's text too
            if d.path not in parsed:
                loaded = loader.loaded(key_of(d.path))
                if loaded is not None:
                    parsed[d.path] = loaded.parsed
        run = SimpleNamespace(scripts=[], diagnostics=findings, parsed=parsed)
        diagnostics = run_rules(run, self.settings)
        if self.settings.suppressions:
            diagnostics = apply_suppressions(run, diagnostics, self.settings)
        used_by: dict[str, list[str]] = {}
        for unit in self.units.values():
            for lib, users in unit.used_by.items():
                for user in users:
                    if user != lib and user not in used_by.setdefault(lib, []):
                        used_by[lib].append(user)
        scripts = [s for unit in self.units.values() for s in unit.scripts]
        for script in scripts:
            script.used_by = tuple(used_by.get(script.path, ()))
        if self.problem:
            problems = [self.problem, *problems]
        return Outcome(diagnostics, scripts, dict(versions), list(dict.fromkeys(problems)))


def editor_analyzer(settings):
    """The command line's Analyzer, reading deploy files from the editor's text too."""
    from orderlint.pipeline import Analyzer

    class EditorAnalyzer(Analyzer):
        def _load_host(self, path: Path, kind: str) -> LoadedScript:
            text = self.loader.documents.get(key_of(path))
            if text is None:
                return super()._load_host(path, kind)
            from orderlint.deploy import read_host
            from orderlint.model import Pos
            from orderlint.shell.syntax import Script, Seq

            host = read_host(kind, display_path(path), text)
            self.hosts[real_path(path)] = host
            return LoadedScript(host.text, real_path(path), False, script=Script(host.text.path, Seq((), Pos(0, 0))))

    return EditorAnalyzer(settings)


def find_project_config(path: Path) -> Path | None:
    from orderlint.cli.config import find_config

    try:
        found = find_config(path)
    except OrderlintError:
        # an invalid configuration is still the project's: reading it reports the mistake
        folder = path if path.is_dir() else path.parent
        for above in (folder, *folder.parents):
            for name in CONFIG_NAMES:
                if (above / name).is_file():
                    return above / name
        return None
    return found.path if found is not None else None


class Engine:
    """Every project of the workspace; the open documents; which file changed since the last pass."""

    def __init__(self) -> None:
        self.projects: dict[Path | None, Project] = {}
        self.documents: dict[Path, bytes] = {}
        self.versions: dict[Path, int | None] = {}
        self.open: dict[Path, Project | None] = {}  # open documents and their projects
        self.uris: dict[Path, str] = {}  # as the client names them
        self.pending: list[Path] = []  # opened since the last pass

    def accepts(self, key: Path, documents: dict[Path, bytes]) -> bool:
        """A file discovery would take (what the command line checks in a folder), or one of the project's files."""
        from orderlint.deploy import host_kind
        from orderlint.shell.discover import SHEBANG, SHELL_SUFFIXES

        if key.suffix in SHELL_SUFFIXES or host_kind(key) is not None:
            return True
        text = documents.get(key)
        if text is not None and key.suffix == "" and SHEBANG.match(text[:128].lstrip(b"\xef\xbb\xbf")):
            return True
        return any(key in p.files for p in self.projects.values())

    def project_of(self, key: Path) -> Project:
        config = find_project_config(key)
        project = self.projects.get(config)
        if project is None:
            project = self.projects[config] = Project(config, key)
            project.load_settings()
        return project

    def extra(self, project: Project, documents: dict[Path, bytes]) -> list[Path]:
        """The open documents of the project that discovery would take."""
        return [k for k, p in self.open.items() if p is project and self.accepts(k, documents)]


__all__ = ["Engine", "Project", "Outcome", "Cancelled", "DocumentLoader", "key_of", "CONFIG_NAMES", "MODEL_NAMES"]
