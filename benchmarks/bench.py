"""orderlint's speed and memory, against the parse floor and ShellCheck on the same files in the same run.

    python benchmarks/bench.py                      # everything (about 15 minutes on 2 cores)
    python benchmarks/bench.py --tree 2000 --skip-growth --shellcheck-sample 300 --repeat 1   # quicker

Corpora: the machine's own shell scripts (benchmarks/corpus.py) and a generated ops tree of
Rails apps (benchmarks/gen_tree.py, 10,000 scripts by default). Every figure is a fresh
process, as a user runs it (`orderlint FILE… --no-cache --format json -o /dev/null`, every
file named on the command line), and each set of files is given to all three tools:

- the floor (benchmarks/floor.py): Python started, each file parsed and each node visited once,
  no analysis;
- orderlint on one core (the default `--jobs 1`) and on every core (`--jobs 0`);
- ShellCheck (`shellcheck -f json`, 200 files a process) one process at a time, and as many
  at a time as there are cores.

The runs are interleaved, `--repeat` times (3 by default), and each figure is the median
(wall clock; CPU seconds, user + system of the process and its children, are printed beside it:
the machine may be shared). Throughputs are printed as ratios: orderlint against the floor
(how many times the floor's time it takes) and ShellCheck against orderlint (how many times
faster orderlint is). On the tree ShellCheck, and the floor and orderlint beside it, run on a
sample of --shellcheck-sample scripts; the floor and orderlint also run on the whole tree.
Also measured: peak memory (the child's maximum resident set, from wait4) and how it grows
with the tree, a second run on the unchanged tree with the result cache, and `orderlint
--version` (the median of 15 runs). The run ends with the targets and what each throughput
target leaves for the analysis beyond the floor, per script, next to what orderlint spends.
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
CPUS = os.cpu_count() or 1


class Timed:
    """Wall seconds, CPU seconds (the process and its children) and peak RSS in MB of one run."""

    __slots__ = ("seconds", "cpu", "rss")

    def __init__(self, seconds: float, cpu: float, rss: int) -> None:
        self.seconds, self.cpu, self.rss = seconds, cpu, rss


def run(cmd: list[str], cwd: Path | str, env: dict | None = None) -> tuple[float, int, int]:
    """(seconds, peak RSS in MB, exit code) of one child process."""
    timed, code = run_timed(cmd, cwd, env)
    return timed.seconds, timed.rss, code


def run_timed(cmd: list[str], cwd: Path | str, env: dict | None = None) -> tuple[Timed, int]:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    # wait4's usage covers the child only; its own children (orderlint's workers) are in
    # RUSAGE_CHILDREN of this process, which grows by both.
    return Timed(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024), os.waitstatus_to_exitcode(status)


def children_cpu() -> float:
    usage = os.times()
    return usage.children_user + usage.children_system


def size_of(files: list[Path]) -> int:
    return sum(f.stat().st_size for f in files)


def orderlint_on(files: list[Path], cwd: Path | str, env: dict, *extra: str) -> Timed:
    args = [str(f) for f in files]  # one run, every file named on the command line
    if sum(len(a) + 1 for a in args) > 1_000_000:
        raise SystemExit("too many paths for one command line")
    before = children_cpu()
    timed, _ = run_timed([*ORDERLINT, *args, "--no-cache", "--format", "json", "-o", os.devnull, *extra], cwd, env)
    timed.cpu = children_cpu() - before  # with the workers of --jobs
    return timed


def shellcheck_on(files: list[Path], cwd: Path | str, processes: int = 1) -> Timed:
    """ShellCheck on the files, 200 a process, `processes` at a time."""
    exe = shutil.which("shellcheck")
    if exe is None:
        return Timed(float("nan"), float("nan"), 0)
    before = children_cpu()
    started = time.perf_counter()
    batch = 200
    running: list[subprocess.Popen] = []
    for i in range(0, len(files), batch):
        while len(running) >= processes:
            running.pop(0).wait()
        running.append(subprocess.Popen([exe, "-f", "json", *map(str, files[i:i + batch])], cwd=cwd,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for proc in running:
        proc.wait()
    return Timed(time.perf_counter() - started, children_cpu() - before, 0)


def floor_on(files: list[Path], cwd: Path | str) -> Timed:
    """benchmarks/floor.py on the files: Python, parse, visit each node; no analysis."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("".join(f"{f}\n" for f in files))
    try:
        before = children_cpu()
        timed, _ = run_timed([sys.executable, str(HERE / "floor.py"), "--files-from", listing.name], cwd)
        timed.cpu = children_cpu() - before
    finally:
        os.unlink(listing.name)
    return timed


def median(runs: list[Timed]) -> Timed:
    return Timed(statistics.median(r.seconds for r in runs), statistics.median(r.cpu for r in runs),
                 max(r.rss for r in runs))


def compare(files: list[Path], cwd: Path | str, env: dict, repeat: int, shellcheck: bool = True) -> dict[str, Timed]:
    """The floor, orderlint (one core, every core) and ShellCheck (one process, one per core) on
    the same files, interleaved, `repeat` times: the median of each."""
    runs: dict[str, list[Timed]] = {}
    for _ in range(repeat):
        runs.setdefault("floor", []).append(floor_on(files, cwd))
        runs.setdefault("orderlint", []).append(orderlint_on(files, cwd, env))
        runs.setdefault("orderlint_jobs", []).append(orderlint_on(files, cwd, env, "--jobs", "0"))
        if shellcheck:
            runs.setdefault("shellcheck", []).append(shellcheck_on(files, cwd))
            runs.setdefault("shellcheck_jobs", []).append(shellcheck_on(files, cwd, CPUS))
    return {name: median(r) for name, r in runs.items()}


def line(name: str, files: int, size: int, seconds: float, rss: int | None = None, extra: str = "") -> str:
    mbs = size / 1e6 / seconds if seconds else float("inf")
    mem = f"{rss:5d} MB" if rss is not None else "        "
    return f"  {name:<34} {files:6d} files {size / 1e6:6.1f} MB {seconds:7.2f} s {mbs:6.2f} MB/s " \
           f"{files / seconds:7.0f} files/s {mem} {extra}"


def report(found: dict[str, Timed], files: int, size: int) -> list[str]:
    """One line a tool, then the ratios of one core and of every core."""
    floor = found["floor"]
    out = [line("floor: parse + visit each node", files, size, floor.seconds, extra=f"cpu {floor.cpu:.2f} s")]
    for key, name in (("orderlint", "orderlint (1 core)"), ("orderlint_jobs", f"orderlint --jobs 0 ({CPUS} cores)"),
                      ("shellcheck", "shellcheck (1 process)"), ("shellcheck_jobs", f"shellcheck ({CPUS} processes)")):
        if key in found:
            t = found[key]
            out.append(line(name, files, size, t.seconds, t.rss if key.startswith("orderlint") else None,
                            f"cpu {t.cpu:.2f} s"))
    for suffix, label in (("", "one core"), ("_jobs", f"every core ({CPUS})")):
        ol = found["orderlint" + suffix]
        text = f"  {label}: orderlint takes {ol.seconds / floor.seconds:.2f}x the floor's time " \
               f"(cpu {ol.cpu / floor.cpu:.2f}x)"
        if "shellcheck" + suffix in found:
            text += f"; ShellCheck takes {found['shellcheck' + suffix].seconds / ol.seconds:.1f}x orderlint's"
        out.append(text)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=int, default=10_000, help="scripts in the generated tree (0: skip)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "orderlint-bench")
    parser.add_argument("--shellcheck-sample", type=int, default=1000, help="tree scripts given to ShellCheck")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each comparison (the median is shown)")
    parser.add_argument("--skip-machine", action="store_true")
    parser.add_argument("--skip-growth", action="store_true", help="do not measure memory at several tree sizes")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    figures: dict = {"cpus": CPUS, "python": sys.version.split()[0]}
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
        print(f"\nThe machine's shell scripts ({len(files)} distinct, {size / 1e6:.1f} MB), "
              f"median of {args.repeat}:")
        found = compare(files, "/", env, args.repeat)
        print("\n".join(report(found, len(files), size)))
        ol, sc, floor = found["orderlint"], found["shellcheck"], found["floor"]
        figures["machine"] = {"files": len(files), "mb": round(size / 1e6, 2), "seconds": round(ol.seconds, 2),
                              "mb_per_s": round(size / 1e6 / ol.seconds, 2),
                              "files_per_s": round(len(files) / ol.seconds), "peak_mb": ol.rss,
                              "shellcheck_seconds": round(sc.seconds, 2), "ratio": round(sc.seconds / ol.seconds, 1),
                              "floor_seconds": round(floor.seconds, 2),
                              "floor_ratio": round(ol.seconds / floor.seconds, 2),
                              "floor_ratio_cpu": round(ol.cpu / floor.cpu, 2),
                              "jobs_seconds": round(found["orderlint_jobs"].seconds, 2),
                              "jobs_floor_ratio": round(found["orderlint_jobs"].seconds / floor.seconds, 2),
                              "jobs_ratio": round(found["shellcheck_jobs"].seconds / found["orderlint_jobs"].seconds, 1)}

    if args.tree:
        tree = args.workdir / f"tree-{args.tree}"
        if not tree.exists():
            generate(tree, args.tree, seed=1)
        files = sorted(tree.rglob("*.sh"))
        size = size_of(files)
        print(f"\nA generated ops tree ({len(files)} scripts of {len(list(tree.glob('app-*')))} Rails apps, "
              f"{size / 1e6:.1f} MB), median of {args.repeat}:")
        found = compare(files, tree, env, args.repeat, shellcheck=False)
        print("\n".join(report(found, len(files), size)))
        ol, floor = found["orderlint"], found["floor"]
        tree_fig = {"files": len(files), "mb": round(size / 1e6, 2), "seconds": round(ol.seconds, 2),
                    "mb_per_s": round(size / 1e6 / ol.seconds, 2), "files_per_s": round(len(files) / ol.seconds),
                    "peak_mb": ol.rss, "floor_seconds": round(floor.seconds, 2),
                    "floor_ratio": round(ol.seconds / floor.seconds, 2), "floor_ratio_cpu": round(ol.cpu / floor.cpu, 2),
                    "jobs_seconds": round(found["orderlint_jobs"].seconds, 2),
                    "jobs_speedup": round(ol.seconds / found["orderlint_jobs"].seconds, 2),
                    "jobs_floor_ratio": round(found["orderlint_jobs"].seconds / floor.seconds, 2)}

        cold, _, _ = run([*ORDERLINT, ".", "--format", "json", "-o", os.devnull], tree, env)
        warm, wrss, _ = run([*ORDERLINT, ".", "--format", "json", "-o", os.devnull], tree, env)
        print(line("first run, cache on", len(files), size, cold))
        print(line("second run, unchanged tree", len(files), size, warm, wrss, f"{cold / warm:.1f}x faster"))
        tree_fig.update(cache_cold=round(cold, 2), cache_warm=round(warm, 2), cache_speedup=round(cold / warm, 1))

        sample = sorted(random.Random(1).sample(files, min(args.shellcheck_sample, len(files))))
        ssize = size_of(sample)
        print(f"\nThe same tree, a sample of {len(sample)} scripts ({ssize / 1e6:.1f} MB), median of {args.repeat}:")
        found = compare(sample, tree, env, args.repeat)
        print("\n".join(report(found, len(sample), ssize)))
        s_ol, s_sc, s_floor = found["orderlint"], found["shellcheck"], found["floor"]
        tree_fig.update(sample=len(sample), sample_seconds=round(s_ol.seconds, 2),
                        shellcheck_seconds=round(s_sc.seconds, 2), ratio=round(s_sc.seconds / s_ol.seconds, 1),
                        sample_floor_seconds=round(s_floor.seconds, 2),
                        jobs_ratio=round(found["shellcheck_jobs"].seconds / found["orderlint_jobs"].seconds, 1))
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
            if "floor_ratio" in fig:
                limit = 3 if name == "machine" else 4
                check(f"{name}: within {limit}x the floor's time on one core", f"{fig['floor_ratio']}x "
                      f"(cpu {fig['floor_ratio_cpu']}x)", fig["floor_ratio"] <= limit)
    if "machine" in figures:
        check("machine: peak memory under 100 MB", f"{figures['machine']['peak_mb']} MB",
              figures["machine"]["peak_mb"] < 100)
    if "tree" in figures:
        check("tree: peak memory under 150 MB", f"{figures['tree']['peak_mb']} MB", figures["tree"]["peak_mb"] < 150)
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
