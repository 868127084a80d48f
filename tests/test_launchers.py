"""Launchers and the scripts they run: option grammars, child scripts by computed path, shell
held in variables. (Every launcher is also fuzzed: test_launcher_fuzz.py.)"""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import REPO, project_tree, run_cli
from orderlint.model import Pos
from orderlint.shell.extract import parse_nested
from orderlint.shell.launch import classify
from orderlint.shell.launch.grammar import grammar, options


def _words(text: str):
    return parse_nested("x.sh", text, Pos(0, 0)).items[0].words


def _invocations(tmp_path, files: dict[str, str], target: str = "ops") -> list[tuple[str, int, str, str]]:
    root = project_tree(tmp_path, {k: v.encode() for k, v in files.items()})
    proc = run_cli(target, "--format", "json", "--no-cache", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return [(i["path"], i["line"], i["task"], i["on_failure"]) for i in json.loads(proc.stdout)["invocations"]]


@pytest.mark.parametrize("text,end,names", [
    ("-p 2222 host", 2, ["-p"]),
    ("-p2222 -tt host", 2, ["-p", "-t", "-t"]),
    ("--port=22 -- host", 2, ["--port"]),
    ("-p", 1, ["-p"]),  # the value is missing: never read past the end
    ("-Hu deploy cmd", 2, ["-H", "-u"]),
    ('"${opts[@]}" host', 1, [""]),
    ("$SSH_OPTS host", 1, [""]),
    ("$HOST cmd", 0, []),
])
def test_option_grammar(text, end, names):
    g = grammar("-p --port -u")
    words = _words("x " + text)[1:]
    stop, found = options(words, 0, g)
    assert stop == end and [o.name for o in found] == names


def test_option_values_in_each_form():
    g = grammar("-e --env")
    for text in ("-e A=1", "-eA=1", "--env A=1", "--env=A=1"):
        _, found = options(_words("x " + text)[1:], 0, g)
        value = found[0].value
        assert (value if isinstance(value, str) else value.literal) == "A=1", text


def test_docker_exec_e_at_the_end_is_no_crash():
    launch = classify(_words("docker exec -e"), None)
    assert launch.rails is None and launch.shell is None


def test_ssh_options_after_the_destination():
    launch = classify(_words('ssh -t host -p 2222 "bin/rails db:migrate"'), None)
    assert launch.via == ("ssh host",) and launch.shell is not None


def test_bash_reads_every_option_before_its_script():
    launch = classify(_words("bash -euo pipefail -c 'bin/rails db:migrate'"), None)
    assert launch.shell is not None and launch.shell.errexit and "db:migrate" in launch.shell.text


def test_a_child_script_by_a_computed_path_never_outside_the_root(tmp_path):
    outside = tmp_path / "elsewhere.sh"
    outside.write_text("#!/bin/bash\nbin/rails db:migrate:outside\n")
    outside.chmod(0o755)
    found = _invocations(tmp_path, {
        "ops/deploy.sh": '#!/bin/bash\nset -e\nHERE="$(dirname "$(readlink -f "$0")")"\n"$HERE/db/run.sh"\n'
                         '"$HERE/../../elsewhere.sh"\n',
        "ops/db/run.sh": "#!/bin/bash\nbin/rails db:migrate\n",
    })
    assert ("ops/db/run.sh", 2, "db:migrate", "aborts") in found  # its status is the child's, under set -e
    assert not any(task == "db:migrate:outside" for _, _, task, _ in found)


def test_cd_to_the_script_folder_then_a_relative_script(tmp_path):
    found = _invocations(tmp_path, {
        "ops/deploy.sh": '#!/bin/bash\nset -e\ncd "$(dirname "$0")/.."\n./bin/migrate\n',
        "bin/migrate": "#!/bin/bash\nset -e\nbin/rails db:migrate\n",
    }, "ops/deploy.sh")
    assert [t for _, _, t, _ in found] == ["db:migrate"]


def test_read_d_empty_fails_at_the_end_of_its_heredoc_as_bash_does(tmp_path):
    script = ("#!/bin/bash\nset -e\nread -r -d '' STEPS <<'EOF'\nbin/rails db:seed\nEOF\n"
              'bash -c "$STEPS"\nbin/rails db:migrate\n')
    bash = subprocess.run(["bash", "-c", script.replace("bin/rails", "echo")], capture_output=True, text=True)
    assert bash.returncode == 1 and bash.stdout == ""  # bash stops at `read`
    assert _invocations(tmp_path, {"ops/deploy.sh": script}) == []


def test_a_variable_with_two_values_is_not_read(tmp_path):
    script = ('#!/bin/bash\nset -e\nif [ -n "$1" ]; then S="bin/rails db:seed; true"; else S="bin/rails db:reset; true"; fi\n'
              'bash -c "$S"\n')
    assert _invocations(tmp_path, {"ops/deploy.sh": script}) == []


def test_an_expanding_heredoc_in_a_variable_is_not_read(tmp_path):
    script = ("#!/bin/bash\nset -e\nS=$(cat <<EOF\ncd $APP_DIR\nbin/rails db:migrate\nEOF\n)\n"
              'ssh host "$S"\n')
    assert _invocations(tmp_path, {"ops/deploy.sh": script}) == []


def test_a_heredoc_command_keeps_the_list_after_it(tmp_path):
    script = ("#!/bin/bash\nset -e\nssh host <<'EOF' || echo 'remote migration failed' >&2\n"
              "set -e\nbin/rails db:migrate\nEOF\n")
    assert _invocations(tmp_path, {"ops/deploy.sh": script}) == [
        ("ops/deploy.sh", 5, "db:migrate", "continues-with-warning")]


# -- shell held in variables, against real bash ------------------------------------------------

VARIABLE_CASES = sorted((REPO / "tests" / "data" / "differential-variables").glob("*.sh"))


@pytest.mark.parametrize("script", VARIABLE_CASES, ids=[p.name for p in VARIABLE_CASES])
def test_shell_in_variables_agrees_with_bash(script):
    """The harness of test_differential_bash (a stub bin/rails fails the task) on scripts that run
    shell held in a variable: bash's outcome is the header's, and orderlint's verdict is bash's."""
    from test_differential_bash import CLAIMS, parse_case, run_bash

    case = parse_case(script)
    run = run_bash(case)
    assert run.outcome == case.declared, run.what
    proc = run_cli(str(script.relative_to(REPO)), "--format", "json", "--no-cache")
    found = [i for i in json.loads(proc.stdout)["invocations"]
             if i["line"] == case.at_line and i["task"] == case.task]
    assert len(found) == 1, found
    assert CLAIMS[found[0]["on_failure"]] == run.outcome
