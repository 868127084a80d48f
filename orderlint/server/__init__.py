"""`orderlint server`: orderlint's findings, fixes and task details in the editor, over the
Language Server Protocol on stdio.

Only the `server` command imports this package, and only `orderlint.server.lsp` imports pygls
and lsprotocol (an optional extra: `pip install 'orderlint[server]'`), so no other run pays for
them. `engine` holds the analysis kept between edits, `present` what the editor shows (positions,
hover, where a directive goes), `actions` the code actions, `lsp` the protocol and its threads.
"""

from __future__ import annotations

import sys

USAGE = """usage: orderlint server

Run orderlint as a Language Server on stdin and stdout: diagnostics as you type, fixes and
"suppress with a reason" as code actions, a task's databases, environment and failure
behaviour on hover. Editors start it themselves; see the README for VS Code, Neovim and Helix.
Needs the server extra: pip install 'orderlint[server]'.
"""


def main(args: list[str]) -> int:
    if args in (["-h"], ["--help"]):
        sys.stdout.write(USAGE)
        return 0
    if args and args != ["--stdio"]:  # clients often pass --stdio
        sys.stderr.write(f"orderlint: error: orderlint server takes no argument (given '{args[0]}')\n")
        return 2
    try:
        from orderlint.server.lsp import serve
    except ImportError as exc:
        sys.stderr.write(f"orderlint: error: orderlint server needs pygls and lsprotocol ({exc.name or exc} is "
                         f"missing): pip install 'orderlint[server]'\n")
        return 2
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # the protocol owns stdout: nothing else may write to it
    serve(stdin, stdout)
    return 0
