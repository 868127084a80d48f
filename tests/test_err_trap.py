"""An ERR trap that only prints: the script goes on (as bash does), and the failure leaves a message."""

from __future__ import annotations

import json

from conftest import project_tree, run_cli


def outcomes(tmp_path, script: bytes) -> list[str]:
    root = project_tree(tmp_path, {"ops/start.sh": script})
    proc = run_cli("ops", "--format", "json", "--no-cache", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return [i["on_failure"] for i in json.loads(proc.stdout)["invocations"]]


def test_a_printing_err_trap_makes_the_failure_a_warning(tmp_path):
    script = b"#!/bin/bash\ntrap 'echo \"failed on line $LINENO\" >&2' ERR\nbin/rails db:migrate\nbin/rails server\n"
    assert outcomes(tmp_path, script) == ["continues-with-warning"]


def test_a_trap_that_does_not_print_leaves_the_failure_silent(tmp_path):
    script = b"#!/bin/bash\ntrap 'rm -f /tmp/lock' ERR\nbin/rails db:migrate\nbin/rails server\n"
    assert outcomes(tmp_path, script) == ["continues-silently"]
