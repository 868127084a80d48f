#!/usr/bin/env python3
"""The Action's Python environment: orderlint's pinned dependencies, installed once, then cached.

    python3 install.py key       the cache key and the folder to cache (to $GITHUB_OUTPUT)
    python3 install.py install   install into that folder unless it already holds this key's
                                 environment (restored by actions/cache); the interpreter and
                                 PYTHONPATH that run orderlint (to $GITHUB_OUTPUT)

orderlint itself is not installed: action/launch.py runs it from the action's own checkout,
so the environment depends only on requirements.lock, this file and the interpreter, and one
cached environment serves every version of orderlint that pins the same dependencies.

The folder is `$RUNNER_TEMP/orderlint-env` (`$ORDERLINT_ENV_DIR` if set): the same path on
every run of a runner, as a virtual environment cannot move. It is made, in this order, with
1. `python3 -m venv --without-pip`, filled by python3's own pip (`pip --python`, pip 22.3 or
   newer): a second or more faster than 2., as no pip is copied into the environment;
2. `python3 -m venv` (pip from ensurepip);
3. `python3 -m virtualenv`, where venv or ensurepip is missing (Debian and Ubuntu without
   python3-venv) and virtualenv is installed;
4. `python3 -m pip install --target FOLDER/site`, the packages then put on PYTHONPATH: needs
   only pip, and works on an externally managed Python (PEP 668 leaves --target alone);
and when none of them can, the step fails saying what to install. `folder/orderlint-env.json`
records the key and how to run; a restored folder is used only if its key matches and its
interpreter imports the dependencies.

Standard library only, and Python 3.6 syntax: it must be able to say that python3 is too old.
"""

import hashlib
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LOCK = os.path.join(HERE, "requirements.lock")
STAMP = "orderlint-env.json"
FORMAT = "v1"
IMPORTS = "import tree_sitter, tree_sitter_bash, rich, yaml"
PIP = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input", "--requirement", LOCK]
MINIMUM = (3, 10)


class EnvironmentFailed(Exception):
    """This way of making the environment is not available here: try the next one."""


def log(message):
    sys.stderr.write("orderlint: %s\n" % message)
    sys.stderr.flush()


def env_dir():
    explicit = os.environ.get("ORDERLINT_ENV_DIR")
    if explicit:
        return os.path.abspath(explicit)
    base = os.environ.get("RUNNER_TEMP") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(os.path.abspath(base), "orderlint-env")


def cache_key(folder):
    digest = hashlib.sha256()
    for path in (LOCK, os.path.abspath(__file__)):
        with open(path, "rb") as handle:
            digest.update(handle.read())
    for part in (folder, os.path.realpath(sys.executable), sys.version, platform.machine()):
        digest.update(b"\0" + part.encode("utf-8", "surrogateescape"))
    system = os.environ.get("RUNNER_OS") or platform.system()
    arch = os.environ.get("RUNNER_ARCH") or platform.machine()
    return "orderlint-env-%s-%s-%s-py%s-%s" % (FORMAT, system, arch, platform.python_version(), digest.hexdigest()[:20])


def write_outputs(values):
    lines = "".join("%s=%s\n" % item for item in values.items())
    target = os.environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(lines)
    else:
        sys.stdout.write(lines)


def run(command, env=None, quiet=False):
    return subprocess.run(command, env=env, stdout=subprocess.DEVNULL if quiet else None,
                          stderr=subprocess.PIPE if quiet else None)


def child_env(pythonpath):
    env = dict(os.environ)
    env.pop("PYTHONHOME", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def imports_work(python, pythonpath):
    return run([python, "-c", IMPORTS], env=child_env(pythonpath), quiet=True).returncode == 0


def venv_python(folder):
    if os.name == "nt":
        return os.path.join(folder, "Scripts", "python.exe")
    return os.path.join(folder, "bin", "python")


def has_pip(python):
    return run([python, "-m", "pip", "--version"], quiet=True).returncode == 0


def pip_version(python):
    """(major, minor) of `python -m pip`, None without pip."""
    proc = subprocess.run([python, "-m", "pip", "--version"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    words = proc.stdout.decode("utf-8", "replace").split()
    if proc.returncode != 0 or len(words) < 2:
        return None
    try:
        return tuple(int(part) for part in words[1].split(".")[:2])
    except ValueError:
        return None


def _made(folder, command, what, needs_pip=True):
    proc = run(command, quiet=True)
    python = venv_python(folder)
    if proc.returncode != 0 or not os.path.exists(python) or (needs_pip and not has_pip(python)):
        reason = (proc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        shutil.rmtree(folder, ignore_errors=True)
        raise EnvironmentFailed("%s failed%s" % (what, ": " + reason[-1] if reason else ""))
    return python


def with_venv_and_own_pip(folder):
    if importlib.util.find_spec("venv") is None:
        raise EnvironmentFailed("no venv module")
    version = pip_version(sys.executable)
    if version is None or version < (22, 3):
        raise EnvironmentFailed("python3's pip cannot install into another environment (pip 22.3 or newer)")
    python = _made(folder, [sys.executable, "-m", "venv", "--without-pip", folder], "python3 -m venv --without-pip",
                   needs_pip=False)
    return {"mode": "venv", "python": python, "pythonpath": "", "pip": [sys.executable] + PIP[:2] + ["--python", python] + PIP[2:]}


def with_venv(folder):
    if importlib.util.find_spec("venv") is None:
        raise EnvironmentFailed("no venv module")
    python = _made(folder, [sys.executable, "-m", "venv", folder], "python3 -m venv")
    return {"mode": "venv", "python": python, "pythonpath": ""}


def with_virtualenv(folder):
    if importlib.util.find_spec("virtualenv") is None:
        raise EnvironmentFailed("no virtualenv module")
    python = _made(folder, [sys.executable, "-m", "virtualenv", "--quiet", folder], "python3 -m virtualenv")
    return {"mode": "virtualenv", "python": python, "pythonpath": ""}


def with_target(folder):
    if not has_pip(sys.executable):
        raise EnvironmentFailed("no pip for %s" % sys.executable)
    site = os.path.join(folder, "site")
    os.makedirs(site)
    return {"mode": "target", "python": os.path.realpath(sys.executable), "pythonpath": site,
            "pip": [sys.executable] + PIP + ["--target", site]}


STRATEGIES = (with_venv_and_own_pip, with_venv, with_virtualenv, with_target)


def read_stamp(folder):
    try:
        with open(os.path.join(folder, STAMP), encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def install():
    if sys.version_info < MINIMUM:
        log("orderlint needs Python %d.%d or newer; python3 is %s (actions/setup-python can provide one)"
            % (MINIMUM + (platform.python_version(),)))
        return 2
    folder = env_dir()
    key = cache_key(folder)
    stamp = read_stamp(folder)
    if stamp and stamp.get("key") == key and imports_work(stamp["python"], stamp["pythonpath"]):
        log("reusing the cached environment %s (%s)" % (folder, stamp["mode"]))
        write_outputs({"python": stamp["python"], "pythonpath": stamp["pythonpath"], "cached": "true"})
        return 0
    if os.path.lexists(folder):
        shutil.rmtree(folder)
    os.makedirs(os.path.dirname(folder), exist_ok=True)
    started = time.monotonic()
    failures = []
    for strategy in STRATEGIES:
        try:
            made = strategy(folder)
            break
        except EnvironmentFailed as exc:
            failures.append(str(exc))
    else:
        log("cannot make a Python environment for orderlint (%s). Install python3-venv (Debian, Ubuntu), "
            "virtualenv or pip, or use actions/setup-python before this action." % "; ".join(failures))
        return 2
    if failures:
        log("%s; using %s" % ("; ".join(failures), made["mode"]))
    log("installing orderlint's dependencies (%s) into %s" % (made["mode"], folder))
    command = made.pop("pip", [made["python"]] + PIP)
    if run(command).returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        log("pip could not install %s" % os.path.relpath(LOCK, HERE))
        return 2
    if not imports_work(made["python"], made["pythonpath"]):
        shutil.rmtree(folder, ignore_errors=True)
        log("the environment was installed but cannot import orderlint's dependencies")
        return 2
    made["key"] = key
    with open(os.path.join(folder, STAMP), "w", encoding="utf-8") as handle:
        json.dump(made, handle, indent=2)
    log("installed in %.1f s" % (time.monotonic() - started))
    write_outputs({"python": made["python"], "pythonpath": made["pythonpath"], "cached": "false"})
    return 0


def main(argv):
    if argv == ["key"]:
        folder = env_dir()
        write_outputs({"key": cache_key(folder), "path": folder})
        return 0
    if argv == ["install"]:
        return install()
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
