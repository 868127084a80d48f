"""How fast `orderlint server` answers an edit: from `textDocument/didChange` of a 500-line
script to the `publishDiagnostics` of that version, through the server's stdio as an editor
talks to it (a small JSON-RPC client over pipes, no editor library).

The project is a copy of fixtures/seed-app (its scripts and the library they source) with a
500-line deploy script added that sources the library; each edit changes one line of that
script (a message, then a task), as typing does. The target is 100 ms.

    python benchmarks/server.py [--edits 40]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_MS = 100


def script(lines: int = 500) -> str:
    out = ["#!/bin/bash", "set -euo pipefail", 'source "$(dirname "$0")/lib/database/migrations.sh"',
           'log() { echo "[deploy] $*" >&2; }', ""]
    n = 0
    while len(out) + 12 + 4 + (n + 1) <= lines:  # room for one more function, the tasks and the calls
        n += 1
        out += [f"step_{n}() {{", f'  log "step {n}: checking the release"',
                f'  if [ -f "/srv/app/releases/{n}/REVISION" ]; then',
                f'    cp "/srv/app/releases/{n}/REVISION" /srv/app/current/REVISION',
                "  else", f'    log "no revision for step {n}"', "  fi",
                f'  for host in web{n}a web{n}b; do', '    ssh "$host" "systemctl reload puma" || log "reload failed"',
                "  done", "}", ""]
    out += ["bin/rails db:migrate:primary", 'bin/rails db:migrate:queue || log "queue migration failed"',
            "bin/rails db:abort_if_pending_migrations", "bin/rails db:seed"]
    out += [f"step_{i}" for i in range(1, n + 1)]
    out += [f'log "done: {i}"' for i in range(lines - len(out))]
    return "\n".join(out) + "\n"


class Client:
    def __init__(self, cwd: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "orderlint", "server"], cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.next_id = 0

    def send(self, method: str, params, request: bool = False) -> int | None:
        message = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            self.next_id += 1
            message["id"] = self.next_id
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return message.get("id")

    def receive(self) -> dict:
        length = 0
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("the server stopped")
            if line in (b"\r\n", b"\n"):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.proc.stdout.read(length))

    def until(self, test) -> dict:
        while True:
            message = self.receive()
            if "id" in message and "method" in message:  # a request of the server: answer it
                self.proc.stdin.write(self._answer(message["id"]))
                self.proc.stdin.flush()
            elif test(message):
                return message

    @staticmethod
    def _answer(ident) -> bytes:
        body = json.dumps({"jsonrpc": "2.0", "id": ident, "result": None}).encode()
        return b"Content-Length: %d\r\n\r\n" % len(body) + body


def published(uri: str, version: int):
    return lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri and \
        m["params"].get("version") == version


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "app"
        shutil.copytree(REPO / "fixtures" / "seed-app", root)
        (root / ".git").mkdir()
        text = script()
        path = root / "ops" / "release.sh"
        path.write_text(text)
        uri = path.as_uri()
        client = Client(root)
        client.send("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {}}, True)
        client.until(lambda m: m.get("id") == 1)
        client.send("initialized", {})
        started = time.perf_counter()
        client.send("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "shellscript", "version": 1,
                                                              "text": text}})
        first = client.until(published(uri, 1))
        opened = time.perf_counter() - started
        lines = text.split("\n")
        target = lines.index('bin/rails db:migrate:queue || log "queue migration failed"')
        times = []
        for version in range(2, args.edits + 2):
            edited = list(lines)
            if version % 2:
                edited[target] = "bin/rails db:migrate:queue"  # the queue failure now stops the script
            else:
                edited[6] = f'  log "step 1: checking release {version}"'
            started = time.perf_counter()
            client.send("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                   "contentChanges": [{"text": "\n".join(edited)}]})
            client.until(published(uri, version))
            times.append((time.perf_counter() - started) * 1000)
        client.send("shutdown", None, True)
        client.until(lambda m: m.get("id") == client.next_id)
        client.send("exit", None)
        client.proc.wait(timeout=10)
    times.sort()
    median, p90, worst = statistics.median(times), times[int(len(times) * 0.9) - 1], times[-1]
    print(f"500-line script ({len(text)} bytes) in a copy of fixtures/seed-app, {len(times)} edits")
    print(f"open: {opened * 1000:.0f} ms to the first diagnostics ({len(first['params']['diagnostics'])} findings)")
    print(f"edit → fresh diagnostics: median {median:.1f} ms, p90 {p90:.1f} ms, max {worst:.1f} ms "
          f"(target {TARGET_MS} ms: {'met' if p90 < TARGET_MS else 'NOT met'})")


if __name__ == "__main__":
    main()
