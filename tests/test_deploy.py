"""Deploy files: a bare `orderlint` at a Rails app checks its deploy surface, and the shell of
every deploy file is reported at its exact line, with its host's failure rules.

Each tree under fixtures/deploy/ is a Rails app; its files carry `# expect:` / `# ok:`
annotations (as in test_fixture_annotations), checked both ways from a bare run in the tree.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPO, project_tree, run_cli
from test_fixture_annotations import annotations

TREES = sorted(p.parent.parent for p in REPO.glob("fixtures/deploy/*/config/application.rb"))


def bare(tree: Path, *args: str):
    proc = run_cli("--format", "json", "--no-cache", *args, cwd=tree)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return json.loads(proc.stdout), proc


def _files(tree: Path) -> list[Path]:
    return sorted(p for p in tree.rglob("*") if p.is_file() and ".git" not in p.parts)


CASES = [(tree, path) for tree in TREES for path in _files(tree)]


@pytest.mark.parametrize("tree,path", CASES, ids=[str(p.relative_to(REPO)) for _, p in CASES])
def test_annotations(tree: Path, path: Path):
    report, _ = bare(tree)
    rel = path.relative_to(tree).as_posix()
    actual = Counter((d["line"], d["code"]) for d in report["diagnostics"] if d["path"] == rel)
    expected, silent = annotations(path)
    if rel == "app.json":  # JSON has no comments: what its postdeploy script must give
        expected = Counter({(4, "OL401"): 1, (4, "OL502"): 1})
    assert actual - expected == Counter() and not {k for k in silent if actual[k]}, \
        f"{rel}: reported but not expected: {sorted((actual - expected).elements())}"
    assert expected - actual == Counter(), f"{rel}: expected but not reported: {sorted((expected - actual).elements())}"


def test_every_tree_has_findings_and_covers_every_kind():
    kinds = set()
    for tree in TREES:
        report, proc = bare(tree)
        assert proc.returncode == 1
        kinds.update(Path(f).name for f in report["files"])
    for name in ("ci.yml", "deploy.yml", ".gitlab-ci.yml", "compose.yaml", "docker-compose.yml", "Dockerfile",
                 "Procfile", "render.yaml", "fly.toml", "app.json", "heroku.yml", "pre-deploy"):
        assert name in kinds


RAILS_APP = REPO / "fixtures/deploy/rails-app"

# Every database task of the app's deploy files: (path, line, column, task, on_failure, entry).
TASKS = {
    (".github/workflows/ci.yml", 19, 24, "db:test:prepare", "aborts", ".github/workflows/ci.yml"),
    (".github/workflows/ci.yml", 31, 21, "db:migrate", "continues-silently", ".github/workflows/ci.yml"),
    (".github/workflows/ci.yml", 34, 24, "db:seed", "continues-silently", ".github/workflows/ci.yml"),
    (".gitlab-ci.yml", 15, 17, "db:migrate:primary", "aborts", ".gitlab-ci.yml"),
    (".gitlab-ci.yml", 16, 17, "db:migrate:queue", "aborts", ".gitlab-ci.yml"),
    (".kamal/hooks/pre-deploy", 3, 35, "db:migrate", "continues-silently", ".kamal/hooks/pre-deploy"),
    ("Procfile", 1, 20, "db:migrate", "continues-silently", "Procfile"),
    ("Procfile", 1, 42, "db:seed", "aborts", "Procfile"),
    ("Procfile", 2, 16, "db:migrate:queue", "aborts", "Procfile"),
    ("app.json", 4, 30, "db:schema:load", "aborts", "app.json"),
    ("app.json", 4, 58, "db:seed", "aborts", "app.json"),
    ("bin/docker-entrypoint", 11, 15, "db:prepare", "aborts", "Dockerfile"),
    ("bin/docker-entrypoint", 11, 15, "db:prepare", "aborts", "bin/docker-entrypoint"),
    ("compose.yaml", 6, 40, "db:migrate", "continues-silently", "compose.yaml"),
    ("compose.yaml", 9, 24, "db:migrate:queue", "aborts", "compose.yaml"),
    ("fly.toml", 7, 34, "db:prepare", "aborts", "fly.toml"),
    ("heroku.yml", 7, 17, "db:migrate:primary", "aborts", "heroku.yml"),
    ("heroku.yml", 7, 49, "db:migrate:queue", "aborts", "heroku.yml"),
    ("render.yaml", 6, 33, "db:migrate", "aborts", "render.yaml"),
}


def test_rails_app_every_task_at_its_line_with_its_verdict():
    report, proc = bare(RAILS_APP)
    assert proc.returncode == 1
    found = {(i["path"], i["line"], i["column"], i["task"], i["on_failure"], i["script"])
             for i in report["invocations"]}
    assert found == TASKS
    # the line and column name the task itself in the host file
    for path, line, column, task, _, _ in TASKS:
        text = (RAILS_APP / path).read_text().splitlines()[line - 1]
        assert text[column - 1:].startswith(task), (path, line, column)


def test_rails_app_surface():
    report, _ = bare(RAILS_APP)
    files = set(report["files"])
    assert "bin/docker-entrypoint" in files and ".kamal/hooks/pre-deploy" in files
    assert not {"bin/rails", "bin/setup"} & files  # Ruby: never read, never a parse error
    assert ".kamal/hooks/pre-deploy.sample" not in files  # Kamal never runs samples
    assert "bin/local-reset.sh" not in files  # .gitignore
    assert not [d for d in report["diagnostics"] if d["code"] == "OL001"]


def test_chains_are_followed():
    report, _ = bare(RAILS_APP)
    prepare = [i for i in report["invocations"] if i["script"] == "Dockerfile"]
    assert prepare and prepare[0]["path"] == "bin/docker-entrypoint"
    assert any("Dockerfile:24" in v for v in prepare[0]["via"])
    github, _ = bare(REPO / "fixtures/deploy/github")
    followed = [i for i in github["invocations"] if i["script"] == ".github/workflows/deploy.yml"
                and i["path"] == "ops/deploy.sh"]
    assert [i["task"] for i in followed] == ["db:migrate:primary", "db:migrate:queue"]


@pytest.mark.parametrize("fmt", ["text", "github", "sarif", "markdown"])
def test_every_format_speaks_of_the_host_files(fmt):
    proc = run_cli("--format", fmt, "--no-cache", cwd=RAILS_APP)
    assert proc.returncode == 1, proc.stderr.decode()
    out = proc.stdout.decode()
    for name in ("Procfile", "compose.yaml", "fly.toml", ".gitlab-ci.yml"):
        assert name in out, (fmt, name)


def test_markdown_gives_each_host_file_a_section():
    for lang in ("en", "fr"):
        proc = run_cli("--format", "markdown", "--lang", lang, "--no-cache", cwd=RAILS_APP)
        out = proc.stdout.decode()
        for name in ("Procfile", "render.yaml", "Dockerfile"):
            assert any(line.startswith("#") and name in line for line in out.splitlines()), (lang, name)


def test_below_the_app_root(tmp_path):
    report, _ = bare(RAILS_APP / "config")
    assert any(f.endswith("Procfile") for f in report["files"])


def test_nothing_found_says_so(tmp_path):
    root = project_tree(tmp_path, {"config/application.rb": b"module App; end\n", "bin/rails": b"#!/usr/bin/env ruby\n"})
    proc = run_cli(cwd=root)
    assert proc.returncode == 0
    assert "no shell script or deploy file found in the Rails app" in proc.stderr.decode()


def test_outside_a_rails_app_the_default_stays_ops(tmp_path):
    root = project_tree(tmp_path, {"Procfile": b"release: bin/rails db:migrate; echo\n"})
    proc = run_cli(cwd=root)
    assert proc.returncode == 2
    assert "orderlint checks ops/ by default" in proc.stderr.decode()


def test_named_paths_and_configured_paths_are_unchanged(tmp_path):
    root = project_tree(tmp_path, {
        "config/application.rb": b"module App; end\n",
        "ops/deploy.sh": b"#!/bin/bash\nbin/rails db:migrate\n",
        "Procfile": b"release: bin/rails db:migrate; echo\n",
    })
    proc = run_cli("ops", "--format", "json", "--no-cache", cwd=root)
    assert json.loads(proc.stdout)["files"] == ["ops/deploy.sh"]
    (root / ".orderlint.toml").write_text('paths = ["ops"]\n')
    proc = run_cli("--format", "json", "--no-cache", cwd=root)
    assert json.loads(proc.stdout)["files"] == ["ops/deploy.sh"]


HOSTILE = {
    ".github/workflows/x.yml": b"jobs: [\n",
    "fly.toml": b"[deploy\nrelease_command = 1\n",
    "app.json": b"{\"scripts\": ",
    "Dockerfile": b"RUN \\\n",
    "Procfile": b"\xff\xfe: \x00\n",
    "compose.yaml": b"services:\n  a: &a\n    command: *a\n",
    "render.yaml": b"services: 3\n",
    ".gitlab-ci.yml": b"a:\n  extends: a\n  script: [1, {b: 2}]\n",
    "heroku.yml": b"release:\n  command: {x: 1}\n",
}


def test_hostile_deploy_files_never_crash(tmp_path):
    files = {"config/application.rb": b"module App; end\n", **HOSTILE}
    root = project_tree(tmp_path, files)
    proc = run_cli("--format", "json", "--no-cache", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    assert b"Traceback" not in proc.stderr


def test_placing_folded_and_quoted_scalars():
    from orderlint.deploy.host import Source
    from orderlint.deploy.yamlnodes import compose, get, placed

    text = 'a: >\n  bin/rails\n  db:migrate\nb: "x \\"y\\" db:seed"\nc: |-\n    one\n    two\n'
    src = Source("t.yml", text.encode(), "github")
    root = compose(src)
    for key, word, row, col in (("a", "db:migrate", 2, 2), ("b", "db:seed", 3, 12), ("c", "two", 6, 4)):
        p = placed(src, get(root, key))
        at = p.value.index(word)
        pos = src.pos(p.index[at])
        assert (pos.row, pos.col) == (row, col), key


def test_github_shell_rules():
    from orderlint.deploy.github import shell_rules

    assert shell_rules("") == ("bash -e {0}", True, False)
    assert shell_rules("bash") == ("bash --noprofile --norc -eo pipefail {0}", True, True)
    assert shell_rules("sh")[1:] == (True, False)
    assert shell_rules("bash -l {0}")[1:] == (False, False)
    assert shell_rules("bash -eo pipefail {0}")[1:] == (True, True)
    assert shell_rules("pwsh") is None and shell_rules("python") is None


def test_readers_never_raise_on_any_text():
    from hypothesis import given, settings, strategies as st

    from orderlint.deploy import KINDS, read_host

    pieces = st.sampled_from(["run: ", "script:", "- ", "  ", "\n", "\r\n", "|", ">", "&a ", "*a", "<<: *a",
                              "RUN ", "\\\n", "[\"sh\", \"-c\", ", "\"", "'", "#", "release_command = ",
                              "[deploy]", "db:migrate", "bin/rails ", "${{ x }}", "jobs:", "steps:", "{", "}",
                              "services:", "command: ", "<<EOF", "EOF", "\t", "é", "\x00"])

    @settings(max_examples=150, deadline=None)
    @given(st.lists(pieces, max_size=40), st.sampled_from([k for k, _, _ in KINDS]))
    def check(parts, kind):
        host = read_host(kind, "x", "".join(parts).encode("utf-8", "surrogatepass"))
        for step in host.steps:
            assert step.start.row >= 0

    check()


def test_suppression_directives_in_deploy_file_comments(tmp_path):
    workflow = (b"jobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n"
                b"      # orderlint: disable=OL201 -- the seed is optional here\n"
                b"      - run: |\n          bin/rails db:seed || true\n"
                b"      - run: bin/rails db:seed || true  # orderlint: disable=OL202 -- wrong code\n")
    root = project_tree(tmp_path, {"config/application.rb": b"module App; end\n",
                                   ".github/workflows/w.yml": workflow,
                                   "fly.toml": b"[deploy]\n  # orderlint: disable=OL201 -- unused\n"
                                               b"  release_command = \"bin/rails db:seed\"\n"})
    report, _ = bare(root)
    found = sorted((d["path"], d["line"], d["code"]) for d in report["diagnostics"])
    assert found == [(".github/workflows/w.yml", 8, "OL004"), (".github/workflows/w.yml", 8, "OL201"),
                     ("fly.toml", 2, "OL004")]
