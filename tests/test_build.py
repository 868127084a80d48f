"""Which build runs: pure Python, or the analysis core compiled with mypyc (`ORDERLINT_MYPYC=1`).

`orderlint --version` says "(compiled)" when the compiled modules are what Python imports. When
`ORDERLINT_EXPECT_COMPILED` is set (`1`: the compiled build, `0`: the pure one), as CI does for
each of its two runs, every module setup.py compiles must be loaded from an extension module,
or none of them, so that a run never tests the other build than the one it means to.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys

import pytest

from conftest import REPO, run_cli
from orderlint import __version__, compiled


def compiled_modules() -> list[str]:
    """The modules listed in setup.py's COMPILED, by name."""
    tree = ast.parse((REPO / "setup.py").read_text(encoding="utf-8"))
    paths = next(ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
                 and any(isinstance(t, ast.Name) and t.id == "COMPILED" for t in node.targets))
    names = [path.removesuffix(".py").removesuffix("/__init__").replace("/", ".") for path in paths]
    assert names and all(name.startswith("orderlint.") for name in names)
    return names


def loaded_from(modules: list[str], cwd) -> dict[str, str]:
    """The file each module is imported from, in a fresh interpreter started in `cwd` as the tests
    start orderlint (in this checkout: its sources; elsewhere: the installed package)."""
    probe = ("import importlib, json, sys\n"
             "print(json.dumps({m: importlib.import_module(m).__file__ for m in sys.argv[1:]}))\n")
    proc = subprocess.run([sys.executable, "-c", probe, *modules], cwd=cwd, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


def test_version_names_the_build():
    proc = run_cli("--version")
    assert proc.returncode == 0
    assert proc.stdout.decode() == f"orderlint {__version__}{' (compiled)' if compiled() else ''}\n"


def test_compiled_modules_exist():
    for name in compiled_modules():
        path = REPO.joinpath(*name.split("."))
        assert path.with_suffix(".py").is_file() or (path / "__init__.py").is_file(), name


@pytest.mark.skipif(os.environ.get("ORDERLINT_EXPECT_COMPILED", "") not in ("0", "1"),
                    reason="ORDERLINT_EXPECT_COMPILED (1 or 0) names the build this run must test")
def test_the_expected_build_is_loaded(tmp_path):
    expected = os.environ["ORDERLINT_EXPECT_COMPILED"] == "1"
    for cwd in (REPO, tmp_path):
        files = loaded_from(compiled_modules(), cwd)
        native = {name for name, path in files.items() if not path.endswith(".py")}
        if expected:
            assert native == set(files), f"interpreted, not compiled ({cwd}): {sorted(set(files) - native)}"
        else:
            assert native == set(), f"compiled ({cwd}): {sorted(native)}"
    assert compiled() is expected
    assert run_cli("--version").stdout.decode().endswith(" (compiled)\n") is expected
