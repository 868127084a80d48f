"""orderlint is pure Python; `ORDERLINT_MYPYC=1` also compiles its analysis core with mypyc.

    pip install .                                        # pure Python: no compiler, no mypy
    pip install mypy setuptools                          # the compiled build: mypy, a C compiler
    ORDERLINT_MYPYC=1 pip install --no-build-isolation .

The compiled build needs mypy (which ships mypyc) where setup.py runs, hence
`--no-build-isolation`, and a C compiler; without either it stops with an error instead of
installing the pure build quietly. The compiled modules are the same sources, compiled: an
extension module sits beside each one and is imported first, and `orderlint --version` then
says "(compiled)". Everything else stays interpreted.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sysconfig

from setuptools import setup

# The modules compiled: where a run spends its time (reading the tree into orderlint's syntax,
# the launchers, the summaries of inert commands), limited to modules that mypyc compiles as they
# are and that run the same compiled. The interpreter's mixins (orderlint/flow/{interpreter,commands,words,…}.py) stay
# interpreted: mypyc compiles multiple inheritance only from traits. So do orderlint/model.py (a
# compiled dataclass needs the classes its fields name at run time, and Message is imported there
# for the type checker only), orderlint/flow/state.py (its `replace` copies a State's `__dict__`,
# which a compiled class does not have) and orderlint/shell/resolve.py (the language server
# subclasses its ScriptLoader, and interpreted classes cannot subclass compiled ones).
COMPILED = [
    "orderlint/shell/syntax.py",
    "orderlint/shell/extract.py",
    "orderlint/shell/joined.py",
    "orderlint/shell/source.py",
    "orderlint/shell/launch/__init__.py",
    "orderlint/shell/launch/containers.py",
    "orderlint/shell/launch/grammar.py",
    "orderlint/shell/launch/managers.py",
    "orderlint/shell/launch/model.py",
    "orderlint/shell/launch/process.py",
    "orderlint/shell/launch/remote.py",
    "orderlint/shell/launch/shells.py",
    "orderlint/flow/nodes.py",
    "orderlint/flow/inert.py",
    "orderlint/flow/reach.py",
    "orderlint/flow/hosts.py",
    "orderlint/flow/counters.py",
    "orderlint/rails/databases.py",
    "orderlint/rails/policy.py",
]


def _wanted() -> bool:
    return os.environ.get("ORDERLINT_MYPYC", "").strip() not in ("", "0")


def _extensions() -> list:
    if not _wanted():
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        raise SystemExit("ORDERLINT_MYPYC=1: mypy (which ships mypyc) is not importable here. Install it, then "
                         "build without isolation: pip install mypy setuptools && ORDERLINT_MYPYC=1 pip install "
                         "--no-build-isolation . (or leave ORDERLINT_MYPYC unset for the pure-Python build)") from None
    compiler = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")[:1]
    if not compiler or shutil.which(compiler[0]) is None:
        raise SystemExit(f"ORDERLINT_MYPYC=1: no C compiler ({' '.join(compiler) or 'cc'}) on PATH. Install one, "
                         "or leave ORDERLINT_MYPYC unset for the pure-Python build.")
    # Imports of modules not listed are read for their types only (--follow-imports=silent).
    return mypycify(["--ignore-missing-imports", "--follow-imports=silent", *COMPILED],
                    opt_level="3", debug_level="0", group_name="orderlint.core")


setup(ext_modules=_extensions())
