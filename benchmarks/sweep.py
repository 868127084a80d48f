"""Run the whole pipeline over every shell script of this machine: no traceback, no hang, same output twice.

    python benchmarks/sweep.py [--timeout 60] [--jobs 2] [--limit N] [--roots /usr /etc …]

Each script is checked on its own by worker processes (a crash or a segfault kills only its
worker, a hang is killed after --timeout seconds): every output format is rendered (text,
json, github, sarif, markdown), the exit code must be 0, 1 or 2, and an exit code of 2 must
come with an `orderlint: error:` message. Folders holding several scripts are also checked as
a whole (sourced libraries, used-by). The sweep runs twice, with two different
PYTHONHASHSEEDs, and every output must be byte-identical between the two passes.
Exits 1 and lists the problems when there are any.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import select
import subprocess
import sys
import tempfile
import time
import traceback
from contextlib import redirect_stderr
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import machine_scripts  # noqa: E402

FORMATS = ("text", "github")
DATE = "2000-01-01"


# -- the worker: one target (a file or a folder) → a digest of every output -----------------

def check_target(target: str, scratch: Path) -> dict:
    from orderlint.cli.run import Options, execute

    digests: dict[str, str] = {}
    problems: list[str] = []
    codes = []
    for fmt in FORMATS:
        outputs = {name: scratch / f"out.{name}" for name in ("main", "json", "sarif", "markdown")}
        for p in outputs.values():
            p.unlink(missing_ok=True)
        err = io.StringIO()
        options = Options(paths=(Path(target),), output_format=fmt, output=outputs["main"],
                          json_output=outputs["json"] if fmt == "text" else None,
                          sarif_output=outputs["sarif"] if fmt == "text" else None,
                          markdown_output=outputs["markdown"] if fmt == "text" else None,
                          date=DATE, no_cache=True, color=False)
        try:
            with redirect_stderr(err):
                code = execute(options)
        except BaseException as exc:  # noqa: BLE001 - that is what the sweep looks for
            if isinstance(exc, KeyboardInterrupt):
                raise
            return {"target": target, "problems": [f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"]}
        codes.append(code)
        stderr = err.getvalue()
        if code not in (0, 1, 2):
            problems.append(f"exit code {code} ({fmt})")
        if code == 2 and "orderlint: error:" not in stderr:
            problems.append(f"exit code 2 without an error message ({fmt})")
        if "Traceback" in stderr:
            problems.append(f"traceback on stderr ({fmt}): {stderr[-2000:]}")
        for name, path in outputs.items():
            if not path.exists():
                continue
            data = path.read_bytes()
            if name == "json":
                try:
                    json.loads(data)
                except ValueError as exc:
                    problems.append(f"invalid JSON: {exc}")
            if name == "sarif":
                try:
                    json.loads(data)
                except ValueError as exc:
                    problems.append(f"invalid SARIF JSON: {exc}")
            digests[f"{fmt}.{name}"] = hashlib.sha256(data).hexdigest()
        digests[f"{fmt}.stderr"] = hashlib.sha256(stderr.encode()).hexdigest()
        digests[f"{fmt}.code"] = str(code)
    return {"target": target, "problems": problems, "digests": digests, "codes": codes}


def worker() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="orderlint-sweep-"))
    out = sys.stdout
    sys.stdout = io.StringIO()  # whatever the pipeline might print does not break the protocol
    for line in sys.stdin:
        target = line.rstrip("\n")
        started = time.perf_counter()
        result = check_target(target, scratch)
        result["seconds"] = round(time.perf_counter() - started, 3)
        sys.stdout = io.StringIO()
        out.write(json.dumps(result) + "\n")
        out.flush()


# -- the parent: a pool of workers with a deadline per target --------------------------------

class Worker:
    def __init__(self, env: dict, cwd: str) -> None:
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker"], cwd=cwd, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, bufsize=1)
        self.target: str | None = None
        self.deadline = 0.0

    def send(self, target: str, timeout: float) -> None:
        self.target = target
        self.deadline = time.monotonic() + timeout
        assert self.proc.stdin is not None
        self.proc.stdin.write(target + "\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()


def run_pass(targets: list[str], jobs: int, timeout: float, hash_seed: str, cwd: str,
             progress: bool = False) -> dict[str, dict]:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed, PYTHONPATH=os.pathsep.join(
        p for p in (str(HERE.parent), os.environ.get("PYTHONPATH", "")) if p))
    env.pop("GITHUB_ACTIONS", None)
    pending = list(reversed(targets))
    results: dict[str, dict] = {}
    workers = [Worker(env, cwd) for _ in range(max(1, min(jobs, len(targets))))]
    idle = list(workers)
    busy: list[Worker] = []
    done = 0
    while pending or busy:
        while idle and pending:
            w = idle.pop()
            w.send(pending.pop(), timeout)
            busy.append(w)
        ready, _, _ = select.select([w.proc.stdout for w in busy], [], [], 0.5)
        now = time.monotonic()
        for w in list(busy):
            if w.proc.stdout in ready:
                line = w.proc.stdout.readline()
                busy.remove(w)
                done += 1
                if not line:  # the worker died: a crash in C code, or an abort
                    results[w.target] = {"target": w.target, "problems": [
                        f"worker died (exit {w.proc.wait()}) on this target"]}
                    workers.remove(w)
                    w = Worker(env, cwd)
                    workers.append(w)
                else:
                    results[w.target] = json.loads(line)
                idle.append(w)
            elif now > w.deadline:
                busy.remove(w)
                done += 1
                results[w.target] = {"target": w.target, "problems": [f"hang: no result after {timeout:.0f} s"]}
                w.kill()
                workers.remove(w)
                w = Worker(env, cwd)
                workers.append(w)
                idle.append(w)
        if progress:
            print(f"\r{done}/{len(targets)}", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    for w in workers:
        if w.proc.stdin:
            w.proc.stdin.close()
        w.proc.wait()
    return results


def folders_of(files: list[Path]) -> list[str]:
    """Folders that hold at least two of the scripts: checked as a whole too."""
    count: dict[Path, int] = {}
    for f in files:
        count[f.parent] = count.get(f.parent, 0) + 1
    return sorted(str(d) for d, n in count.items() if n >= 2 and not str(d).startswith("/var/lib/dpkg"))


def sweep(files: list[Path], jobs: int = 2, timeout: float = 60.0, cwd: str = "/", folders: bool = True,
          progress: bool = False) -> tuple[list[str], dict]:
    targets = [str(f) for f in files] + (folders_of(files) if folders else [])
    first = run_pass(targets, jobs, timeout, "1", cwd, progress)
    second = run_pass(targets, jobs, timeout, "2", cwd, progress)
    problems: list[str] = []
    for target in targets:
        a, b = first.get(target, {}), second.get(target, {})
        for p in a.get("problems", []):
            problems.append(f"{target}: {p}")
        if not a.get("problems") and not b.get("problems") and a.get("digests") != b.get("digests"):
            differ = sorted(k for k in set(a["digests"]) | set(b["digests"])
                            if a["digests"].get(k) != b["digests"].get(k))
            problems.append(f"{target}: nondeterministic output ({', '.join(differ)})")
    slowest = sorted((r.get("seconds", 0.0), t) for t, r in first.items())[-5:]
    stats = {"targets": len(targets), "files": len(files), "slowest": slowest}
    return problems, stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per script (default 60)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--limit", type=int, default=0, help="check only the first N scripts")
    parser.add_argument("--roots", nargs="*", default=None, help="folders to search (default: the system's)")
    parser.add_argument("--no-folders", action="store_true", help="check files one by one only")
    args = parser.parse_args(argv)
    if args.worker:
        worker()
        return 0
    files = machine_scripts(tuple(args.roots)) if args.roots else machine_scripts(dedupe=False)
    if args.limit:
        files = files[:args.limit]
    started = time.perf_counter()
    problems, stats = sweep(files, args.jobs, args.timeout, folders=not args.no_folders, progress=sys.stderr.isatty())
    print(f"{stats['files']} scripts, {stats['targets']} targets, {time.perf_counter() - started:.0f} s; slowest: "
          + ", ".join(f"{t} ({s:.1f} s)" for s, t in reversed(stats["slowest"])))
    for p in problems:
        print(p)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
