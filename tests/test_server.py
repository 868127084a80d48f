"""`orderlint server` driven through a real client over stdio (pytest-lsp): initialize, open,
change, code actions, hover, watched files, shutdown; broken and huge files."""

from __future__ import annotations

import asyncio
import sys
import time

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types as lsp  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from conftest import project_tree  # noqa: E402

DATABASE_YML = b"""\
production:
  primary:
    adapter: postgresql
    database: shop
  queue:
    adapter: sqlite3
    database: storage/queue.sqlite3
    migrations_paths: db/queue_migrate
"""
ENTRY = """\
#!/bin/bash
set -e
source "$(dirname "$0")/lib/db.sh"
bin/rails db:migrate:queue || echo "queue migration failed" >&2
migrate_primary
bin/rails db:seed
"""
LIBRARY = """\
migrate_primary() {
  bin/rails db:migrate:primary || true
}
"""
TIMEOUT = 60


@pytest.fixture
def app(tmp_path):
    return project_tree(tmp_path, {"config/database.yml": DATABASE_YML, "ops/deploy.sh": ENTRY.encode(),
                                   "ops/lib/db.sh": LIBRARY.encode()})


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "orderlint", "server"]))
async def client(lsp_client: LanguageClient):
    lsp_client.registrations = []

    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params: lsp.RegistrationParams):
        lsp_client.registrations.extend(params.registrations)

    yield
    await lsp_client.shutdown_session()  # also after a failure: the server exits


def capabilities(editor: str = "visual_studio_code", snippets: bool = False, show_document: bool = True,
                 document_changes: bool = True) -> lsp.ClientCapabilities:
    caps = client_capabilities(editor)
    caps.workspace.workspace_edit.snippet_edit_support = snippets
    caps.workspace.workspace_edit.document_changes = document_changes
    caps.window.show_document = lsp.ShowDocumentClientCapabilities(support=show_document)
    return caps


async def start(client: LanguageClient, root, locale: str = "en", **caps) -> None:
    await client.initialize_session(lsp.InitializeParams(capabilities=capabilities(**caps), root_uri=root.as_uri(),
                                                         locale=locale))


def open_doc(client: LanguageClient, path, text: str | None = None, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(
        uri=uri, language_id="shellscript", version=version, text=path.read_text() if text is None else text)))
    return uri


def change_doc(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))


async def diagnostics(client: LanguageClient, uri: str, until) -> list[lsp.Diagnostic]:
    """Wait for the diagnostics of `uri` to satisfy `until(codes)`."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        found = client.diagnostics.get(uri)
        if found is not None and until(sorted(str(d.code) for d in found)):
            return list(found)
        left = deadline - time.monotonic()
        assert left > 0, f"diagnostics of {uri}: {found and sorted(str(d.code) for d in found)}"
        try:
            await asyncio.wait_for(client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), left)
        except asyncio.TimeoutError:
            pass


def codes(*expected: str):
    return lambda found: found == sorted(expected)


async def actions(client: LanguageClient, uri: str, d: lsp.Diagnostic):
    return await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri), range=d.range, context=lsp.CodeActionContext(diagnostics=[d])))


@pytest.mark.asyncio(loop_scope="function")
async def test_a_session_diagnostics_hover_code_actions_and_edits(client: LanguageClient, app):
    await start(client, app, snippets=True)
    lib = open_doc(client, app / "ops/lib/db.sh")
    # the library's findings come from the entry script that sources it, shown in the library
    found = await diagnostics(client, lib, codes("OL201", "OL301"))
    ol201 = next(d for d in found if d.code == "OL201")
    assert (ol201.range.start.line, ol201.range.start.character, ol201.range.end.character) == (1, 12, 30)
    assert ol201.severity == lsp.DiagnosticSeverity.Error and ol201.source == "orderlint"
    assert ol201.code_description.href.endswith("/docs/rules/OL201.md")
    assert "`|| true`" in ol201.message

    # hover on the task: its databases, environment, failure and place in the entry's order
    hover = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(lib),
                                                                   lsp.Position(1, 16)))
    text = hover.contents.value
    assert "**`db:migrate:primary`**: task 2 of 3 of `ops/deploy.sh`" in text
    assert "**Databases**: primary" in text
    assert "**If it fails**: 🔇 goes on silently, because `|| true` on line 2 discards the failure" in text
    assert "**Runs after**: `db:migrate:queue` (ops/deploy.sh:4)" in text
    assert "**Runs before**: `db:seed` (ops/deploy.sh:6)" in text
    assert "**Policy step**: primary migrations (1 of 3)" in text
    assert await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(lib),
                                                                  lsp.Position(0, 2))) is None

    # code actions: the safe fix first and preferred, then the suppression, a snippet with the cursor after `-- `
    fix, suppress = [a for a in await actions(client, lib, ol201) if a.diagnostics[0].code == "OL201"]
    assert fix.is_preferred and fix.kind == lsp.CodeActionKind.QuickFix
    (change,) = fix.edit.document_changes
    assert change.text_document.version == 1
    (edit,) = change.edits
    assert (edit.range.start.line, edit.range.start.character, edit.new_text) == (1, 34, "exit 1")
    assert suppress.title == "Suppress OL201 (primary-failure-ignored) here, with a reason"
    (edit,) = suppress.edit.document_changes[0].edits
    assert isinstance(edit, lsp.SnippetTextEdit)
    assert (edit.range.start.line, edit.range.start.character) == (1, 0)
    assert edit.snippet.value == "  # orderlint: disable=OL201 -- $0\n"

    # an edit of the library: fresh diagnostics for it, and for the entry script that uses it
    entry = open_doc(client, app / "ops/deploy.sh")
    await diagnostics(client, entry, codes("OL101"))
    change_doc(client, lib, "migrate_primary() {\n  bin/rails db:migrate:primary\n}\n", 2)
    await diagnostics(client, lib, codes("OL301"))
    assert client.diagnostics[entry] and client.diagnostics[entry][0].code == "OL101"
    change_doc(client, lib, "migrate_primary() {\n  bin/rails db:migrate:primary\n  bin/rails db:abort_if_pending_migrations\n}\n", 3)
    await diagnostics(client, lib, codes())
    # the entry script, edited: primary first
    lines = ENTRY.splitlines(keepends=True)
    change_doc(client, entry, "".join(lines[:3] + [lines[4], lines[3]] + lines[5:]), 2)
    await diagnostics(client, entry, codes())


@pytest.mark.asyncio(loop_scope="function")
async def test_suppression_as_a_plain_edit_and_the_cursor_placed_by_show_document(client: LanguageClient, app):
    await start(client, app, editor="neovim", show_document=False, document_changes=False)
    entry = open_doc(client, app / "ops/deploy.sh")
    (ol101,) = await diagnostics(client, entry, codes("OL101"))
    assert ol101.related_information[0].location.uri == (app / "ops/lib/db.sh").as_uri()
    assert ol101.related_information[0].location.range.start.line == 1
    (suppress,) = await actions(client, entry, ol101)
    (edit,) = suppress.edit.changes[entry]
    assert (edit.range.start.line, edit.new_text) == (3, "# orderlint: disable=OL101 -- \n")
    assert suppress.command is None
    # once the directive and its reason are written, the finding is gone
    lines = ENTRY.splitlines(keepends=True)
    change_doc(client, entry, "".join(lines[:3] + ["# orderlint: disable=OL101 -- the queue is empty here\n"] +
                                      lines[3:]), 2)
    await diagnostics(client, entry, codes())
    # the command a client without snippet edits runs after the edit puts the cursor after `-- `
    await client.workspace_execute_command_async(lsp.ExecuteCommandParams(
        command="orderlint.placeCursor", arguments=[entry, 3, 30]))
    for _ in range(100):
        if client.shown_documents:
            break
        await asyncio.sleep(0.05)
    shown = client.shown_documents[0]
    assert shown.uri == entry and shown.selection.start == lsp.Position(3, 30) and shown.take_focus


@pytest.mark.asyncio(loop_scope="function")
async def test_configuration_and_database_yml_changes_refresh_the_diagnostics(client: LanguageClient, app):
    await start(client, app, locale="fr-FR")
    lib = open_doc(client, app / "ops/lib/db.sh")
    entry = open_doc(client, app / "ops/deploy.sh")
    found = await diagnostics(client, lib, codes("OL201", "OL301"))
    message = next(d.message for d in found if d.code == "OL201")
    assert message.startswith("si `db:migrate:primary` échoue, le script continue sans message")  # the client's language
    hover = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(entry),
                                                                   lsp.Position(3, 14)))
    assert "**Bases** : queue" in hover.contents.value and "tâche 1 sur 3" in hover.contents.value

    (app / ".orderlint.toml").write_text('ignore = ["OL201"]\n')
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(
        uri=(app / ".orderlint.toml").as_uri(), type=lsp.FileChangeType.Created)]))
    await diagnostics(client, lib, codes("OL301"))

    (app / "config/database.yml").write_bytes(DATABASE_YML.split(b"  queue:")[0])
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(
        uri=(app / "config/database.yml").as_uri(), type=lsp.FileChangeType.Changed)]))
    await diagnostics(client, entry, lambda found: "OL402" in found)

    # a mistake in the configuration: said once, the last good settings stay
    (app / ".orderlint.toml").write_text('ignore = ["OL2O1"]\n')
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(
        uri=(app / ".orderlint.toml").as_uri(), type=lsp.FileChangeType.Changed)]))
    for _ in range(200):
        if client.messages:
            break
        await asyncio.sleep(0.05)
    assert "OL2O1" in client.messages[0].message


@pytest.mark.asyncio(loop_scope="function")
async def test_broken_and_huge_files_never_crash_nor_block_the_server(client: LanguageClient, app):
    await start(client, app)
    broken = open_doc(client, app / "ops/broken.sh", "#!/bin/bash\nif then ((\nbin/rails db:migrate\n\x00\xff")
    found = await diagnostics(client, broken, lambda found: "OL001" in found)
    assert found
    entry = open_doc(client, app / "ops/deploy.sh")
    await diagnostics(client, entry, codes("OL101"))
    block = "".join(f"if [ -n \"$X{n}\" ]; then\n  bin/rails db:migrate:primary || echo failed{n}\nfi\n"
                    for n in range(4000))
    huge = open_doc(client, app / "ops/huge.sh", "#!/bin/bash\nset -e\n" + block)
    # while the huge script is analysed, requests are answered
    started = time.monotonic()
    hover = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(entry),
                                                                   lsp.Position(3, 14)))
    answered = time.monotonic() - started
    assert hover is not None and answered < 2.0
    assert huge not in client.diagnostics  # its analysis was still running
    # edits supersede the analysis in progress: the last one is what is reported
    for version in range(2, 6):
        change_doc(client, huge, f"#!/bin/bash\nbin/rails db:migrate:queue\n# {version}\n", version)
    await diagnostics(client, huge, lambda found: "OL201" not in found)
    await diagnostics(client, entry, codes("OL101"))


def test_the_benchmark_prints_the_figure():
    import subprocess

    from conftest import REPO

    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "server.py"), "--edits", "3"],
                          capture_output=True, timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "edit → fresh diagnostics: median" in proc.stdout.decode()


def test_without_the_extra_the_command_says_what_to_install(tmp_path):
    import subprocess

    from conftest import REPO

    blocker = tmp_path / "pygls"  # a package that fails to import stands for a missing one
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('no pygls', name='pygls')\n")
    import os

    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{REPO}"}
    proc = subprocess.run([sys.executable, "-m", "orderlint", "server"], capture_output=True, timeout=60, env=env,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 2
    assert "pip install 'orderlint[server]'" in proc.stderr.decode()


SHAPES = {
    "continued command": ("set -e\ndocker compose exec web \\\n  bin/rails db:migrate || true\n", 3, 3),
    "inside an if": ("set -e\nif true; then\n    bin/rails db:migrate || true\nfi\n", 3, 4),
    "heredoc to ssh": ("set -e\nssh app <<EOF\nbin/rails db:migrate || true\nEOF\n", 3, 3),
    "and-or list over lines": ("set -e\ntrue &&\n  bin/rails db:migrate || true\n", 3, 3),
    "inside a function": ("set -e\nf() {\n  bin/rails db:migrate || true\n}\nf\n", 3, 4),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_the_suppression_goes_where_it_covers_the_finding_and_bash_still_reads_the_script(shape, tmp_path):
    """Checked against the command line's own reading of directives, and against bash -n."""
    import subprocess

    from orderlint.server.present import directive_place, directive_text

    body, finding_row, expected_line = SHAPES[shape]  # the finding's 0-based row, the directive's line
    text = "#!/bin/bash\n" + body
    place = directive_place(text.encode(), finding_row)
    assert place.row + 1 == expected_line
    lines = text.splitlines(keepends=True)
    lines.insert(place.row, place.indent + directive_text("OL201") + "the reason\n")
    script = project_tree(tmp_path, {"ops/run.sh": "".join(lines).encode()}) / "ops" / "run.sh"
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    proc = subprocess.run([sys.executable, "-m", "orderlint", "--no-cache", "--format", "json", str(script)],
                          capture_output=True, cwd=script.parent.parent)
    import json

    assert [d["code"] for d in json.loads(proc.stdout)["diagnostics"] if d["code"] in ("OL201", "OL004")] == []


@pytest.mark.asyncio(loop_scope="function")
async def test_deploy_files_get_diagnostics_from_the_editor_text(client: LanguageClient, tmp_path):
    import shutil

    from conftest import REPO

    root = tmp_path / "app"
    shutil.copytree(REPO / "fixtures" / "deploy" / "github", root)
    (root / ".git").mkdir()
    await start(client, root)
    workflow = root / ".github" / "workflows" / "deploy.yml"
    uri = open_doc(client, workflow)
    found = await diagnostics(client, uri, lambda found: "OL201" in found)
    assert {d.range.start.line for d in found if d.code == "OL201"} == {20}
    # unsaved: the step's failure now stops the job
    text = workflow.read_text()
    change_doc(client, uri, text.replace("set +e\n", "set -e\n", 1), 2)
    await diagnostics(client, uri, lambda found: "OL201" not in found)
