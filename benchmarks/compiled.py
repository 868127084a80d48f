"""The compiled build against the pure one, and both against the floor, on the same files in the same run.

    ORDERLINT_MYPYC=1 pip install --no-build-isolation -e .   # the compiled modules, in this checkout
    python benchmarks/compiled.py [--tree 2000] [--repeat 3] [--skip-machine]

The pure build is this checkout's `orderlint` package copied without its extension modules. On
the machine's shell scripts (benchmarks/corpus.py) and on a generated ops tree
(benchmarks/gen_tree.py), each of benchmarks/floor.py, the pure build and the compiled build
runs `--repeat` times, in turn, one process at a time (`--no-cache --format json -o /dev/null`,
as benchmarks/bench.py runs orderlint); the best wall and CPU times of each are kept, and the
ratios are of CPU time (user + system), which other load on the machine disturbs least. It then checks that both
builds write the same JSON report, byte for byte.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import machine_scripts  # noqa: E402
from gen_tree import generate  # noqa: E402


def seconds_of(cmd: list[str], cwd: Path | str, env: dict) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def env_for(package_parent: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "PYTHONPATH")}
    env["PYTHONPATH"] = str(package_parent)
    return env


def compare(title: str, orderlint_args: list[str], floor_args: list[str], cwd: Path | str,
            builds: dict[str, dict], repeat: int, files: list[Path], workdir: Path) -> None:
    """Times floor.py and both builds on the same files, then compares the builds' JSON reports."""
    size = sum(f.stat().st_size for f in files)
    report = ["--no-cache", "--format", "json", "-o"]
    cmds = {"floor": ([sys.executable, str(HERE / "floor.py"), *floor_args], builds["pure"])}
    for build, env in builds.items():
        cmds[build] = ([sys.executable, "-m", "orderlint", *orderlint_args, *report, os.devnull], env)
    best = {key: (float("inf"), float("inf")) for key in cmds}
    for _ in range(repeat):
        for key, (cmd, env) in cmds.items():
            wall, cpu = seconds_of(cmd, cwd, env)
            best[key] = (min(best[key][0], wall), min(best[key][1], cpu))
    print(f"\n{title} ({len(files)} files, {size / 1e6:.1f} MB), best of {repeat}, wall and CPU time:")
    floor = best["floor"][1]
    for key, (wall, cpu) in best.items():
        extra = "" if key == "floor" else f"  {cpu / floor:5.2f}x the floor"
        print(f"  {key:<9} {wall:7.2f} s wall {cpu:7.2f} s CPU {size / 1e6 / cpu:6.2f} MB/s{extra}")
    print(f"  compiled / pure (CPU): {best['pure'][1] / best['compiled'][1]:.2f}x faster")
    outputs = {build: workdir / f"{title.split()[1]}-{build}.json" for build in builds}
    for build, env in builds.items():
        subprocess.run([sys.executable, "-m", "orderlint", *orderlint_args, *report, str(outputs[build])], cwd=cwd,
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    same = filecmp.cmp(outputs["pure"], outputs["compiled"], shallow=False)
    print(f"  JSON reports of both builds: {'byte-identical' if same else 'DIFFERENT'}")
    if not same:
        raise SystemExit(f"the builds disagree: diff {outputs['pure']} {outputs['compiled']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=int, default=2000, help="scripts in the generated tree (0: skip)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-machine", action="store_true")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "orderlint-bench")
    args = parser.parse_args(argv)

    checkout = HERE.parent
    probe = subprocess.run([sys.executable, "-c", "import orderlint; print(orderlint.compiled())"], cwd=checkout,
                           capture_output=True, text=True, env=env_for(checkout))
    if probe.stdout.strip() != "True":
        raise SystemExit("this checkout is not compiled: ORDERLINT_MYPYC=1 pip install --no-build-isolation -e .")
    args.workdir.mkdir(parents=True, exist_ok=True)
    pure = Path(tempfile.mkdtemp(prefix="orderlint-pure-"))
    try:
        shutil.copytree(checkout / "orderlint", pure / "orderlint",
                        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd"))
        builds = {"pure": env_for(pure), "compiled": env_for(checkout)}
        if not args.skip_machine:
            files = machine_scripts()
            names = [str(f) for f in files]  # orderlint: every file on its command line, as bench.py does
            if sum(len(n) + 1 for n in names) > 1_000_000:
                raise SystemExit("too many paths for one command line")
            listing = args.workdir / "machine-files.txt"
            listing.write_text("".join(f"{n}\n" for n in names))
            compare("the machine's shell scripts", names, ["--files-from", str(listing)], "/", builds,
                    args.repeat, files, args.workdir)
        if args.tree:
            tree = args.workdir / f"tree-{args.tree}"
            if not tree.exists():
                generate(tree, args.tree, seed=1)
            files = sorted(tree.rglob("*.sh"))
            compare(f"a generated tree of {args.tree} scripts", ["."], [str(tree)], tree, builds, args.repeat,
                    files, args.workdir)
    finally:
        shutil.rmtree(pure, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
