"""`set -e` on some paths only: the reason a failure goes on says so, never that the script
lacks `set -e` altogether."""

from __future__ import annotations

import json

from conftest import REPO, project_tree, run_cli

RELEASE = "fixtures/rules/ol201-primary-failure-ignored/ops/release-tasks.sh"


def _messages(*args: str, cwd=REPO) -> list[str]:
    proc = run_cli(*args, "--format", "json", "--no-cache", cwd=cwd)
    assert proc.returncode == 1, proc.stderr.decode()
    return [d["message"] for d in json.loads(proc.stdout)["diagnostics"] if d["code"] == "OL201"]


def test_set_e_in_some_branches_is_named_where_it_is():
    migrate, seed = _messages(RELEASE)
    assert migrate == ("if `db:migrate` fails the script goes on silently: `set -e` (line 5) is not enabled on "
                       "every path to this line; fix: `set -e` first, or `|| exit 1` after the task")
    assert "never enables" not in seed


def test_in_french_too():
    proc = run_cli(RELEASE, "--format", "markdown", "--lang", "fr", "--no-cache", cwd=REPO)
    text = proc.stdout.decode()
    assert "`set -e` (ligne 5) n'est pas activé sur tous les chemins qui mènent à cette ligne" in text
    assert "n'active jamais" not in text


def test_a_script_without_set_e_still_says_so(tmp_path):
    root = project_tree(tmp_path, {"ops/migrate.sh": b"#!/usr/bin/env bash\nbin/rails db:migrate\necho ok\n"})
    (message,) = _messages("ops/migrate.sh", cwd=root)
    assert "the script never enables `set -e`" in message


def test_set_plus_e_on_the_other_path_is_what_is_told(tmp_path):
    root = project_tree(tmp_path, {"ops/migrate.sh": b"#!/usr/bin/env bash\nset -e\nif [ -n \"$LENIENT\" ]; then\n"
                                                     b"  set +e\nfi\nbin/rails db:migrate\necho ok\n"})
    (message,) = _messages("ops/migrate.sh", cwd=root)
    assert "`set +e` on line 4 turns errexit off" in message
