"""`orderlint server`: the Language Server over stdio, on pygls.

The event loop thread answers requests and records edits; one worker thread runs the analysis
(`orderlint.server.engine`) and hands the diagnostics back to the loop to publish. An edit made
while an analysis runs supersedes it: the worker drops it between two entry scripts and starts
again with every edit so far (edits that arrive during one analysis are answered by the next).
Hover and code actions read the last finished analysis, so they are answered at once.
"""

from __future__ import annotations

import asyncio
import threading
import time
import traceback
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from orderlint import __version__
from orderlint.messages import Context, Message, render
from orderlint.model import Severity
from orderlint.server.actions import PLACE_CURSOR, actions
from orderlint.server.engine import CONFIG_NAMES, MODEL_NAMES, Cancelled, Engine, key_of
from orderlint.server.present import Text, hover_markdown, units

SEVERITY = {Severity.ERROR: lsp.DiagnosticSeverity.Error, Severity.WARNING: lsp.DiagnosticSeverity.Warning,
            Severity.INFO: lsp.DiagnosticSeverity.Information}
ENCODINGS = {lsp.PositionEncodingKind.Utf8: "utf-8", lsp.PositionEncodingKind.Utf32: "utf-32"}
WATCHED = ("**/*.sh", "**/*.bash", "**/.orderlint.toml", "**/pyproject.toml", "**/config/*.yml", "**/Gemfile.lock",
           "**/.github/workflows/*", "**/.gitlab-ci.yml", "**/*compose*.y*ml", "**/Dockerfile*", "**/Procfile*",
           "**/fly*.toml", "**/render.yaml", "**/app.json", "**/heroku.yml", "**/.kamal/hooks/*")


class Worker:
    """The one thread that analyses; edits are merged until it takes them."""

    def __init__(self, server: "OrderlintServer") -> None:
        self.server = server
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.generation = 0
        self.changed: set[Path] = set()
        self.model = False
        self.config = False
        self.files = False  # a file was created or deleted
        self.stopped = False
        self.busy = False
        self.thread = threading.Thread(target=self.run, name="orderlint-analysis", daemon=True)

    def submit(self, changed=(), model: bool = False, config: bool = False, files: bool = False) -> None:
        with self.lock:
            self.changed.update(changed)
            self.model |= model
            self.config |= config
            self.files |= files
            self.generation += 1
        self.wake.set()

    def check(self, generation: int) -> None:
        if self.generation != generation or self.stopped:
            raise Cancelled

    def run(self) -> None:
        while not self.stopped:
            self.wake.wait()
            self.wake.clear()
            if self.stopped:
                return
            if self.server.debounce:
                time.sleep(self.server.debounce)
            with self.lock:
                changed, model, config, files = self.changed, self.model, self.config, self.files
                self.changed, self.model, self.config, self.files = set(), False, False, False
                generation = self.generation
                engine = self.server.engine
                documents, versions, opened = dict(engine.documents), dict(engine.versions), list(engine.pending)
                engine.pending.clear()
            self.busy = True
            try:
                outcomes = self.analyse(documents, versions, opened, changed, model, config, files, generation)
            except Cancelled:
                self.submit(changed, model, config, files)  # again, with the newer edits
                with self.lock:
                    engine.pending.extend(opened)
                continue
            except Exception:  # never a crash: the next edit tries again
                self.server.log(f"orderlint: internal error while analysing:\n{traceback.format_exc()}")
                continue
            finally:
                self.busy = False
            self.server.loop.call_soon_threadsafe(self.server.publish_all, outcomes, documents, generation)

    def analyse(self, documents, versions, opened, changed, model, config, files, generation):
        engine = self.server.engine
        if config:
            engine.projects.clear()
            engine.open = {key: None for key in engine.open}
        for key in [k for k, p in engine.open.items() if p is None] + opened:
            if key in engine.open or key in documents:
                engine.open[key] = engine.project_of(key)
        for key in list(engine.open):
            if key not in documents:
                del engine.open[key]
        outcomes = []
        for project in dict.fromkeys(p for p in engine.projects.values()):
            extra = engine.extra(project, documents)
            if files:
                project.discovered = None
            if project.outcome is not None and not (model or files or project.dirty_all) and \
                    not project.concerns(changed, extra):
                outcomes.append(project.outcome)
                continue
            outcomes.append(project.update(documents, versions, extra, changed, model,
                                           lambda: self.check(generation)))
        return outcomes


class OrderlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("orderlint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.engine = Engine()
        self.worker = Worker(self)
        self.lang = "en"
        self.debounce = 0.0
        self.loop: asyncio.AbstractEventLoop | None = None
        self.published: dict[str, tuple] = {}  # uri → (version, Text, [(Diagnostic, lsp.Diagnostic)])
        self.scripts: list = []
        self.shown_problems: set[str] = set()

    # -- capabilities ------------------------------------------------------------------------
    @property
    def encoding(self) -> str:
        return ENCODINGS.get(self.workspace.position_encoding, "utf-16")

    def capability(self, *path, default=None):
        value = self.client_capabilities
        for name in path:
            value = getattr(value, name, None) if value is not None else None
        return default if value is None else value

    # -- messages to the client --------------------------------------------------------------
    def log(self, text: str) -> None:
        import sys

        sys.stderr.write(text + "\n")
        try:
            self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Log, message=text))
        except Exception:
            pass

    def problems(self, problems: list[str]) -> None:
        for problem in problems:
            if problem not in self.shown_problems:
                self.shown_problems.add(problem)
                text = render(Message("server.problem", problem=problem), self.lang)
                self.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=text))

    # -- diagnostics -------------------------------------------------------------------------
    def to_lsp(self, d, text: Text) -> lsp.Diagnostic:
        from orderlint.report.sarif import help_uri
        from orderlint.rules import RULES

        enc = self.encoding
        start = text.position(d.line, d.column, enc)
        end = text.position(d.end_line, d.end_column, enc)
        if end <= start:
            end = (start[0], start[1] + 1) if start[1] < units(text.line(start[0]), enc) else start
        related = []
        for r in d.related:
            row = max(0, r.line - 1)
            related.append(lsp.DiagnosticRelatedInformation(
                location=lsp.Location(uri=key_of(r.path).as_uri(), range=lsp.Range(lsp.Position(row, 0),
                                                                                    lsp.Position(row, 0))),
                message=render(r.text, self.lang, Context(here=d.path))))
        rule = RULES.get(d.code)
        return lsp.Diagnostic(
            range=lsp.Range(lsp.Position(*start), lsp.Position(*end)),
            severity=SEVERITY[d.severity], code=d.code, source="orderlint",
            code_description=lsp.CodeDescription(href=help_uri(rule)) if rule is not None else None,
            message=render(d.text, self.lang, Context(here=d.path)),
            related_information=related or None,
            tags=[lsp.DiagnosticTag.Unnecessary] if d.code == "OL004" and d.severity >= Severity.WARNING else None,
        )

    def publish_all(self, outcomes, documents: dict[Path, bytes], generation: int) -> None:
        """On the event loop: publish what the worker found for every open document (not when a
        newer edit is already on its way: its analysis follows)."""
        if generation != self.worker.generation:
            return
        try:
            from orderlint.shell.resolve import display_path

            by_path: dict[str, list] = {}
            self.scripts = [s for o in outcomes for s in o.scripts]
            for outcome in outcomes:
                for d in outcome.diagnostics:
                    by_path.setdefault(d.path, []).append(d)
                self.problems(outcome.problems)
            for key, data in documents.items():
                if key not in self.engine.open:
                    continue
                uri = self.engine.uris.get(key, key.as_uri())
                text = Text(data.decode("utf-8", "replace"))
                version = self.engine.versions.get(key)
                found = [(d, self.to_lsp(d, text)) for d in by_path.get(display_path(key), ())]
                before = self.published.get(uri)
                self.published[uri] = (version, text, found, data)
                if before is not None and before[0] == version and [x[1] for x in before[2]] == [x[1] for x in found]:
                    continue
                self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
                    uri=uri, version=version, diagnostics=[x[1] for x in found]))
        except Exception:
            self.log(f"orderlint: internal error while publishing:\n{traceback.format_exc()}")

    # -- documents ---------------------------------------------------------------------------
    def document_changed(self, uri: str, opened: bool = False) -> None:
        doc = self.workspace.get_text_document(uri)
        key = key_of(to_fs_path(uri) or uri)
        with self.worker.lock:
            self.engine.documents[key] = doc.source.encode("utf-8", "surrogatepass")
            self.engine.versions[key] = doc.version
            self.engine.uris[key] = uri
            if opened:
                self.engine.pending.append(key)
        self.worker.submit({key})

    def document_closed(self, uri: str) -> None:
        key = key_of(to_fs_path(uri) or uri)
        with self.worker.lock:
            self.engine.documents.pop(key, None)
            self.engine.versions.pop(key, None)
        self.published.pop(uri, None)
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        self.worker.submit({key})  # the file on disk is what the other scripts read now

    def file_event(self, path: Path, kind: lsp.FileChangeType | None) -> None:
        name = path.name
        if name in CONFIG_NAMES:
            self.worker.submit(config=True)
        elif name in MODEL_NAMES:
            self.worker.submit(model=True)
        else:
            self.worker.submit({key_of(path)}, files=kind in (lsp.FileChangeType.Created, lsp.FileChangeType.Deleted))


server = OrderlintServer()


def _guard(handler):
    """A request or notification never takes the server down: the error is logged, the answer empty."""
    import functools

    @functools.wraps(handler)
    def wrapped(ls: OrderlintServer, params):
        try:
            return handler(ls, params)
        except Exception:
            ls.log(f"orderlint: internal error in {handler.__name__}:\n{traceback.format_exc()}")
            return None

    return wrapped


@server.feature(lsp.INITIALIZE)
@_guard
def initialize(ls: OrderlintServer, params: lsp.InitializeParams):
    import os

    ls.loop = asyncio.get_running_loop()
    options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
    locale = str(options.get("lang") or params.locale or "en").lower()
    ls.lang = "fr" if locale.startswith("fr") else "en"
    try:
        ls.debounce = max(0.0, float(options.get("debounce", 0))) / 1000
    except (TypeError, ValueError):
        ls.debounce = 0.0
    root = ls.workspace.root_path
    if not root and params.workspace_folders:
        root = to_fs_path(params.workspace_folders[0].uri)
    if root and os.path.isdir(root):
        os.chdir(root)  # paths are shown, and settings rebased, from the workspace's root
    ls.worker.thread.start()


@server.feature(lsp.INITIALIZED)
@_guard
def initialized(ls: OrderlintServer, params):
    if ls.capability("workspace", "did_change_watched_files", "dynamic_registration"):
        watchers = [lsp.FileSystemWatcher(glob_pattern=g) for g in WATCHED]
        ls.client_register_capability(lsp.RegistrationParams(registrations=[lsp.Registration(
            id="orderlint-watch", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=lsp.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))]))


@server.feature(lsp.SHUTDOWN)
@_guard
def shutdown(ls: OrderlintServer, params):
    ls.worker.stopped = True
    ls.worker.wake.set()


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
@_guard
def did_open(ls: OrderlintServer, params: lsp.DidOpenTextDocumentParams):
    ls.document_changed(params.text_document.uri, opened=True)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
@_guard
def did_change(ls: OrderlintServer, params: lsp.DidChangeTextDocumentParams):
    ls.document_changed(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
@_guard
def did_save(ls: OrderlintServer, params: lsp.DidSaveTextDocumentParams):
    path = Path(to_fs_path(params.text_document.uri) or "")
    if path.name in CONFIG_NAMES or path.name in MODEL_NAMES:
        ls.file_event(path, lsp.FileChangeType.Changed)
    else:
        ls.document_changed(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
@_guard
def did_close(ls: OrderlintServer, params: lsp.DidCloseTextDocumentParams):
    ls.document_closed(params.text_document.uri)


@server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
@_guard
def did_change_watched_files(ls: OrderlintServer, params: lsp.DidChangeWatchedFilesParams):
    for change in params.changes:
        path = to_fs_path(change.uri)
        if path:
            ls.file_event(Path(path), change.type)


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
@_guard
def hover(ls: OrderlintServer, params: lsp.HoverParams):
    from orderlint.shell.resolve import display_path

    doc = ls.workspace.get_text_document(params.text_document.uri)
    text = Text(doc.source)
    row = params.position.line
    column = text.column1(row, params.position.character, ls.encoding)
    shown = display_path(key_of(to_fs_path(params.text_document.uri) or ""))
    markdown = hover_markdown(ls.scripts, shown, row + 1, column, ls.lang)
    if markdown is None:
        return None
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=markdown))


@server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix], resolve_provider=False))
@_guard
def code_action(ls: OrderlintServer, params: lsp.CodeActionParams):
    return actions(ls, params)


@server.command(PLACE_CURSOR)
def place_cursor(ls: OrderlintServer, uri: str, line: int, character: int):
    """After the suppression's edit, without snippet edits: put the cursor where the reason goes."""
    try:
        position = lsp.Position(int(line), int(character))
        ls.window_show_document(lsp.ShowDocumentParams(uri=uri, take_focus=True,
                                                       selection=lsp.Range(position, position)))
    except Exception:
        ls.log(f"orderlint: internal error in place_cursor:\n{traceback.format_exc()}")


def serve(stdin, stdout) -> None:
    server.start_io(stdin, stdout)
