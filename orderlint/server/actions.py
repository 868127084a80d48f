"""Code actions: the fixes orderlint knows (a safe one is the preferred quick fix) and
"suppress with a reason", which writes `# orderlint: disable=CODE -- ` above the statement and
puts the cursor after it: with a snippet edit where the client takes them
(`workspace.workspaceEdit.snippetEditSupport`), else by asking the client to show the document
with the cursor there (`window/showDocument`), else the directive is written and the cursor
stays where it was."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp

from orderlint.messages import Message, render
from orderlint.server.engine import key_of
from orderlint.server.present import Text, directive_place, directive_text, units

PLACE_CURSOR = "orderlint.placeCursor"  # the command that puts the cursor after the directive


def _overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    start_a, end_a = (a.start.line, a.start.character), (a.end.line, a.end.character)
    start_b, end_b = (b.start.line, b.start.character), (b.end.line, b.end.character)
    return start_a <= end_b and start_b <= end_a


def _document_edit(ls, uri: str, version, edits) -> lsp.WorkspaceEdit:
    if ls.capability("workspace", "workspace_edit", "document_changes"):
        return lsp.WorkspaceEdit(document_changes=[lsp.TextDocumentEdit(
            text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits=edits)])
    return lsp.WorkspaceEdit(changes={uri: edits})


def suppress_action(ls, uri: str, version, text: Text, data: bytes, d, diagnostic: lsp.Diagnostic):
    from orderlint.rules import RULES

    place = directive_place(data, d.line - 1)
    raw = text.lines[place.row] if place.row < len(text.lines) else ""
    eol = "\r\n" if raw.endswith("\r") else "\n"
    line = place.indent + directive_text(d.code)
    at = lsp.Position(place.row, 0)
    rule = RULES.get(d.code)
    title = render(Message("server.action.suppress", code=d.code, name=rule.name if rule else d.code), ls.lang)
    command = None
    snippets = ls.capability("workspace", "workspace_edit", "snippet_edit_support") and \
        ls.capability("workspace", "workspace_edit", "document_changes")
    if snippets:
        escaped = line.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")
        edit = lsp.SnippetTextEdit(range=lsp.Range(at, at), snippet=lsp.StringValue(value=escaped + "$0" + eol))
    else:
        edit = lsp.TextEdit(range=lsp.Range(at, at), new_text=line + eol)
        if ls.capability("window", "show_document", "support"):
            command = lsp.Command(title=title, command=PLACE_CURSOR,
                                  arguments=[uri, place.row, units(line, ls.encoding)])
    return lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                          edit=_document_edit(ls, uri, version, [edit]), command=command)


def _text_of(ls, path: str) -> tuple[str, Text, int | None] | None:
    key = key_of(path)
    uri = ls.engine.uris.get(key, key.as_uri())
    published = ls.published.get(uri)
    if published is not None:
        return uri, published[1], published[0]
    try:
        return uri, Text(Path(key).read_bytes().decode("utf-8", "replace")), None
    except OSError:
        return None


def fix_action(ls, d, diagnostic: lsp.Diagnostic):
    fix = getattr(d, "fix", None)
    if fix is None or not fix.edits:
        return None
    by_file: dict[str, list] = {}
    versions = {}
    for edit in sorted(fix.edits, key=lambda e: (e.path, e.start_byte)):
        found = _text_of(ls, edit.path)
        if found is None:
            return None
        uri, text, version = found
        start = text.byte_position(edit.start_byte, ls.encoding)
        end = text.byte_position(edit.end_byte, ls.encoding)
        by_file.setdefault(uri, []).append(lsp.TextEdit(range=lsp.Range(lsp.Position(*start), lsp.Position(*end)),
                                                        new_text=edit.text))
        versions[uri] = version
    if ls.capability("workspace", "workspace_edit", "document_changes"):
        workspace_edit = lsp.WorkspaceEdit(document_changes=[lsp.TextDocumentEdit(
            text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=versions[uri]), edits=edits)
            for uri, edits in by_file.items()])
    else:
        workspace_edit = lsp.WorkspaceEdit(changes=by_file)
    safe = bool(getattr(fix, "safe", False))
    title = render(Message("server.action.fix" if safe else "server.action.fix-unsafe", fix=fix.message,
                           code=d.code), ls.lang)
    return lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                          edit=workspace_edit, is_preferred=safe or None)


def actions(ls, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    uri = params.text_document.uri
    published = ls.published.get(uri)
    if published is None:
        return []
    version, text, found, data = published
    current = ls.workspace.get_text_document(uri)
    fresh = current.version == version  # the edits were computed on this text
    wanted = params.context.only
    if wanted and not any(k == lsp.CodeActionKind.QuickFix or lsp.CodeActionKind.QuickFix.startswith(k)
                          for k in wanted):
        return []
    fixes, suppressions = [], []
    for d, diagnostic in found:
        if not _overlaps(diagnostic.range, params.range):
            continue
        if fresh:
            action = fix_action(ls, d, diagnostic)
            if action is not None:
                fixes.append(action)
        if d.code != "OL004" and fresh:
            suppressions.append(suppress_action(ls, uri, version, text, data, d, diagnostic))
    fixes.sort(key=lambda a: not a.is_preferred)
    return fixes + suppressions
