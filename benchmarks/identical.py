"""Check that orderlint's outputs on the benchmark corpora stay byte for byte the same.

    python benchmarks/identical.py save  REFDIR [--tree DIR]   # record the outputs of this checkout
    python benchmarks/identical.py check REFDIR [--tree DIR]   # run again and compare, byte for byte

Corpora: the machine's shell scripts (benchmarks/corpus.py; the list is recorded in REFDIR on
`save` and reused on `check`, so that a package installed meanwhile changes nothing) and a
generated ops tree (benchmarks/gen_tree.py, 10,000 scripts, seed 1; generated into --tree when
missing). Each corpus is analysed in one run that writes the text, JSON, SARIF and markdown
outputs (`--no-cache`, `--jobs 1`, a fixed `--date`), with the orderlint of this checkout.
Exit 0 when every output is identical, 1 otherwise (the differing files are named).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import machine_scripts  # noqa: E402
from gen_tree import generate  # noqa: E402

FORMATS = {"text": "txt", "json": "json", "sarif": "sarif", "markdown": "md"}


def analyse(paths: list[str], cwd: Path | str, out: Path, name: str, jobs: int) -> None:
    """One orderlint run on the paths, writing every format to out/NAME.EXT."""
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE.parent), env.get("PYTHONPATH", "")) if p)
    env["NO_COLOR"] = "1"
    target = {fmt: out / f"{name}.{ext}" for fmt, ext in FORMATS.items()}
    cmd = [sys.executable, "-m", "orderlint", *paths, "--no-cache", "--jobs", str(jobs), "--date", "2026-01-01",
           "--format", "text", "-o", str(target["text"]), "--json-output", str(target["json"]),
           "--sarif-output", str(target["sarif"]), "--markdown-output", str(target["markdown"])]
    code = subprocess.run(cmd, cwd=cwd, env=env).returncode
    (out / f"{name}.exit").write_text(f"{code}\n")


def outputs(tree: Path, listing: Path, out: Path, jobs: int) -> None:
    files = [line for line in listing.read_text().splitlines() if line]
    analyse(files, "/", out, "machine", jobs)
    analyse(["."], tree, out, "tree", jobs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("save", "check"))
    parser.add_argument("refdir", type=Path)
    parser.add_argument("--tree", type=Path, default=Path(tempfile.gettempdir()) / "ol-tree")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    if not args.tree.exists():
        generate(args.tree, 10_000, seed=1)
    listing = args.refdir / "machine-files.txt"
    if args.action == "save":
        args.refdir.mkdir(parents=True, exist_ok=True)
        listing.write_text("".join(f"{p}\n" for p in machine_scripts()))
        outputs(args.tree, listing, args.refdir, args.jobs)
        print(f"saved to {args.refdir}")
        return 0
    with tempfile.TemporaryDirectory(prefix="orderlint-identical-") as tmp:
        now = Path(tmp)
        outputs(args.tree, listing, now, args.jobs)
        differ = [f.name for f in sorted(now.iterdir()) if f.read_bytes() != (args.refdir / f.name).read_bytes()]
    for name in differ:
        print(f"differs: {name}")
    print("identical" if not differ else f"{len(differ)} output(s) differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
