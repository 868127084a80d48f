"""Score orderlint against the labelled corpus of real ops scripts (tests/corpus/).

Each folder `tests/corpus/<owner>__<repo>/` mirrors the paths of one public repository; its
scripts carry an expert's labels in the fixture convention:

    bin/rails db:migrate  # expect: OL201         that rule must report on this line
    # expect+2: OL301                             ... N lines below (heredocs, `\\` lines)
    bin/rails db:prepare  # ok: OL201             that rule must stay silent here

For each repository folder the scorer copies it to a temporary folder of its own (with a `.git`
marker, so that the folder is the project root, as the repository was), runs
`orderlint --format json --no-cache .` there, sees which of the folder's scripts that
discovery did not find, and runs again with those files named explicitly.
Reported (path, line, code) and expected ones are compared as multisets: true positives,
false positives (split by the severity orderlint gave them), false negatives (split by the
rule's default severity), precision and recall, per repository and in total, and every
disagreement with orderlint's message. An `ok:` label that orderlint breaks is a false
positive, marked `[ok-label]`.

    python benchmarks/corpus_score.py            # the figures and every disagreement
    python benchmarks/corpus_score.py --json     # the same as JSON
    python benchmarks/corpus_score.py --repo basecamp__once-campfire
    python benchmarks/corpus_score.py --set held-out   # only the held-out set
    python benchmarks/corpus_score.py --set held-out-2 # only the second held-out set
    python benchmarks/corpus_score.py --set held-out-3 # only the third held-out set
    python benchmarks/corpus_score.py --set held-out-4 # only the fourth held-out set
    python benchmarks/corpus_score.py --set held-out-5 # only the fifth held-out set

The corpus has six sets, named by the `## ` heading of SOURCES.md under which a repository's
rows appear: `## Tuning set` (rows before any heading count as tuning too), `## Held-out set`,
`## Held-out set 2`, `## Held-out set 3`, `## Held-out set 4` and `## Held-out set 5` (each gathered later and never tuned on).
`--set tuning|held-out|held-out-2|held-out-3|held-out-4|held-out-5|all` scores one set or all of them (default); with more than
one, the totals of each set are printed too. A folder that SOURCES.md does not
list belongs to no set and is scored only with `--set all`.

The corpus scripts themselves are not committed (see tests/corpus/README.md): this scorer
runs on whatever copies are present and says so when there are none.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "corpus"
ANNOTATION = re.compile(r"#\s*(expect|ok)(?:\+(\d+))?:\s*((?:OL\d{3}[\s,]*)+)")
CODE = re.compile(r"OL\d{3}")
NOT_SCRIPTS = {"database.yml", "Gemfile.lock"}
SEVERITIES = ("error", "warning", "info")
SETS = ("tuning", "held-out", "held-out-2", "held-out-3", "held-out-4", "held-out-5")
SOURCE_ROW = re.compile(r"^\|\s*([A-Za-z0-9][\w.-]*)/([\w.-]+)\s*\|")


def set_name(heading: str) -> str | None:
    """`Held-out set` -> "held-out", `Held-out set 2` -> "held-out-2" (3, 4 and 5 likewise), `Tuning set` -> "tuning";
    any other heading names no set."""
    words = heading.strip().lower().replace("held out", "held-out").split()
    if not words:
        return None
    name = f"{words[0]}-{words[-1]}" if len(words) > 1 and words[-1].isdigit() else words[0]
    return name if name in SETS else None


def folder_sets(sources: Path) -> dict[str, str]:
    """Each repository folder (`owner__repo`) of SOURCES.md with the set whose heading it appears under."""
    found: dict[str, str] = {}
    if not sources.is_file():
        return found
    current: str | None = "tuning"
    for line in sources.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = set_name(line[3:])
            continue
        row = SOURCE_ROW.match(line)
        if row and current and row.group(1) != "repository":
            found.setdefault(f"{row.group(1)}__{row.group(2)}", current)
    return found


def orderlint_command() -> list[str]:
    exe = shutil.which("orderlint")
    return [exe] if exe else [sys.executable, "-m", "orderlint"]


def default_severities() -> dict[str, str]:
    """Each rule's default severity, from `orderlint rules`."""
    out = subprocess.run([*orderlint_command(), "rules"], capture_output=True, text=True, cwd=REPO).stdout
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and CODE.fullmatch(parts[0]) and parts[2] in SEVERITIES:
            found[parts[0]] = parts[2]
    return found


def corpus_scripts(folder: Path) -> list[Path]:
    """The files of a repository folder that are scripts (everything but database.yml and Gemfile.lock)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in NOT_SCRIPTS)


def labels(path: Path) -> tuple[Counter, set]:
    expected: Counter = Counter()
    silent: set = set()
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        for kind, offset, codes in ANNOTATION.findall(line):
            target = number + int(offset or 0)
            for code in CODE.findall(codes):
                if kind == "expect":
                    expected[(target, code)] += 1
                else:
                    silent.add((target, code))
    return expected, silent


def rel(path: Path) -> str:
    return path.resolve().relative_to(REPO).as_posix()


def run_orderlint(args: list[str], cwd: Path = REPO) -> tuple[dict | None, str]:
    proc = subprocess.run([*orderlint_command(), "--format", "json", "--no-cache", *args],
                          capture_output=True, text=True, cwd=cwd)
    if proc.returncode not in (0, 1):
        return None, f"orderlint exited {proc.returncode}: {proc.stderr.strip()[-500:]}"
    try:
        return json.loads(proc.stdout), ""
    except json.JSONDecodeError as exc:
        return None, f"orderlint printed no JSON ({exc}): {proc.stderr.strip()[-500:]}"


def score_repo(folder: Path, severity_of: dict[str, str]) -> dict:
    scripts = corpus_scripts(folder)
    with tempfile.TemporaryDirectory() as tmp:
        # Each folder is checked as the repository it was taken from: its own project root.
        copy = Path(tmp) / folder.name
        shutil.copytree(folder, copy, symlinks=True)
        (copy / ".git").mkdir(exist_ok=True)
        inside = {rel(p): p.relative_to(folder).as_posix() for p in scripts}
        report, error = run_orderlint(["."], cwd=copy)
        discovered = set(report["files"]) if report else set()
        missing = [p for p in scripts if inside[rel(p)] not in discovered]
        if report is not None and missing:
            report, error = run_orderlint([".", *(inside[rel(p)] for p in missing)], cwd=copy)
    prefix = rel(folder)
    if report is not None:
        for d in report["diagnostics"]:
            d["path"] = f"{prefix}/{d['path']}"
    result = {
        "repository": folder.name, "scripts": len(scripts),
        "not_discovered": [rel(p) for p in missing], "error": error,
        "tp": 0, "tp_by_severity": dict.fromkeys(SEVERITIES, 0), "fp": dict.fromkeys(SEVERITIES, 0), "fn": dict.fromkeys(SEVERITIES, 0),
        "false_positives": [], "false_negatives": [], "expected": 0, "reported": 0,
    }
    diagnostics = report["diagnostics"] if report else []
    for script in scripts:
        path = rel(script)
        text_lines = script.read_text(encoding="utf-8", errors="replace").splitlines()
        expected, silent = labels(script)
        mine = [d for d in diagnostics if d["path"] == path]
        actual = Counter((d["line"], d["code"]) for d in mine)
        result["expected"] += sum(expected.values())
        result["reported"] += sum(actual.values())
        matched = expected & actual
        result["tp"] += sum(matched.values())
        for (line, code), count in matched.items():
            severity = next(d["severity"] for d in mine if (d["line"], d["code"]) == (line, code))
            result["tp_by_severity"][severity] += count

        def source(line: int) -> str:
            return text_lines[line - 1].strip() if 0 < line <= len(text_lines) else ""

        for (line, code), count in sorted((actual - expected).items()):
            matching = [d for d in mine if (d["line"], d["code"]) == (line, code)]
            for d in matching[-count:]:
                result["fp"][d["severity"]] = result["fp"].get(d["severity"], 0) + 1
                result["false_positives"].append({
                    "path": path, "line": line, "code": code, "severity": d["severity"],
                    "ok_label": (line, code) in silent, "message": d["message"], "source": source(line)})
        for (line, code), count in sorted((expected - actual).items()):
            severity = severity_of.get(code, "warning")
            result["fn"][severity] = result["fn"].get(severity, 0) + count
            for _ in range(count):
                result["false_negatives"].append({
                    "path": path, "line": line, "code": code, "severity": severity, "source": source(line)})
    return result


def ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def totals(results: list[dict]) -> dict:
    tp = sum(r["tp"] for r in results)
    fp = {s: sum(r["fp"].get(s, 0) for r in results) for s in SEVERITIES}
    fn = {s: sum(r["fn"].get(s, 0) for r in results) for s in SEVERITIES}
    tp_sev = {s: sum(r["tp_by_severity"].get(s, 0) for r in results) for s in SEVERITIES}
    fp_all, fn_all = sum(fp.values()), sum(fn.values())
    return {"repositories": len(results), "scripts": sum(r["scripts"] for r in results),
            "expected": sum(r["expected"] for r in results), "reported": sum(r["reported"] for r in results),
            "tp": tp, "fp": fp, "fp_total": fp_all, "fn": fn, "fn_total": fn_all,
            "precision": ratio(tp, tp + fp_all), "recall": ratio(tp, tp + fn_all),
            "tp_by_severity": tp_sev,
            "precision_by_severity": {s: ratio(tp_sev[s], tp_sev[s] + fp[s]) for s in SEVERITIES},
            "not_discovered": [p for r in results for p in r["not_discovered"]],
            "run_errors": [f"{r['repository']}: {r['error']}" for r in results if r["error"]]}


def fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def print_set_totals(by_set: dict[str, dict]) -> None:
    print()
    print(f"{'set':10} {'repos':>5} {'scr':>4} {'exp':>4} {'rep':>4} {'TP':>4} {'FPe':>4} {'FPw':>4} {'FPi':>4} "
          f"{'FN':>4} {'prec':>6} {'recall':>6}")
    for name, t in by_set.items():
        print(f"{name:10} {t['repositories']:>5} {t['scripts']:>4} {t['expected']:>4} {t['reported']:>4} {t['tp']:>4} "
              f"{t['fp']['error']:>4} {t['fp']['warning']:>4} {t['fp']['info']:>4} {t['fn_total']:>4} "
              f"{fmt(t['precision']):>6} {fmt(t['recall']):>6}")


def print_text(results: list[dict], total: dict) -> None:
    print(f"{'repository':44} {'scr':>3} {'exp':>4} {'rep':>4} {'TP':>3} {'FPe':>3} {'FPw':>3} {'FPi':>3} "
          f"{'FN':>3} {'prec':>6} {'recall':>6}")
    for r in results:
        fp_all, fn_all = sum(r["fp"].values()), sum(r["fn"].values())
        print(f"{r['repository'][:44]:44} {r['scripts']:>3} {r['expected']:>4} {r['reported']:>4} {r['tp']:>3} "
              f"{r['fp']['error']:>3} {r['fp']['warning']:>3} {r['fp']['info']:>3} {fn_all:>3} "
              f"{fmt(ratio(r['tp'], r['tp'] + fp_all)):>6} {fmt(ratio(r['tp'], r['tp'] + fn_all)):>6}")
    print()
    print(f"TOTAL  repositories {total['repositories']}, scripts {total['scripts']}, "
          f"expected {total['expected']}, reported {total['reported']}")
    print(f"  true positives   {total['tp']}  (errors {total['tp_by_severity']['error']}, "
          f"warnings {total['tp_by_severity']['warning']}, info {total['tp_by_severity']['info']})")
    print(f"  false positives  {total['fp_total']}  (errors {total['fp']['error']}, "
          f"warnings {total['fp']['warning']}, info {total['fp']['info']})")
    print(f"  false negatives  {total['fn_total']}  (errors {total['fn']['error']}, "
          f"warnings {total['fn']['warning']}, info {total['fn']['info']})")
    print(f"  precision {fmt(total['precision'])}   recall {fmt(total['recall'])}")
    by = total["precision_by_severity"]
    print(f"  precision of errors {fmt(by['error'])}, of warnings {fmt(by['warning'])}, of info {fmt(by['info'])}")
    if total["not_discovered"]:
        print(f"\nnot found by folder discovery (passed as files): {len(total['not_discovered'])}")
        for p in total["not_discovered"]:
            print(f"  {p}")
    for err in total["run_errors"]:
        print(f"\nRUN ERROR {err}")
    fps = [fp for r in results for fp in r["false_positives"]]
    fns = [fn for r in results for fn in r["false_negatives"]]
    if fps:
        print(f"\nfalse positives ({len(fps)}): reported, not expected")
        for d in fps:
            mark = " [ok-label]" if d["ok_label"] else ""
            print(f"  {d['path']}:{d['line']}: {d['code']} ({d['severity']}){mark}\n"
                  f"      | {d['source']}\n      > {d['message']}")
    if fns:
        print(f"\nfalse negatives ({len(fns)}): expected, not reported")
        for d in fns:
            print(f"  {d['path']}:{d['line']}: {d['code']} ({d['severity']})\n      | {d['source']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--repo", action="append", default=[], help="only this repository folder (repeatable)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the corpus folder (default: tests/corpus)")
    parser.add_argument("--set", choices=(*SETS, "all"), default="all", dest="which",
                        help="score one set, or all of them (default: all)")
    args = parser.parse_args(argv)
    folders = sorted(p for p in args.corpus.iterdir() if p.is_dir() and "__" in p.name) if args.corpus.is_dir() else []
    if args.repo:
        folders = [f for f in folders if f.name in set(args.repo)]
    sets = folder_sets(args.corpus / "SOURCES.md")
    if args.which != "all":
        folders = [f for f in folders if sets.get(f.name) == args.which]
    if not folders:
        print(f"no corpus repository folder under {args.corpus}"
              + (f" in the {args.which} set" if args.which != "all" else "")
              + " (the scripts are not committed: see tests/corpus/README.md)", file=sys.stderr)
        return 2
    severity_of = default_severities()
    results = [score_repo(folder, severity_of) for folder in folders]
    for r in results:
        r["set"] = sets.get(r["repository"])
    total = totals(results)
    by_set = {name: totals([r for r in results if r["set"] == name]) for name in SETS
              if any(r["set"] == name for r in results)}
    if args.json:
        json.dump({"set": args.which, "totals": total, "sets": by_set, "repositories": results},
                  sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print_text(results, total)
        if len(by_set) > 1:
            print_set_totals(by_set)
    return 0


if __name__ == "__main__":
    sys.exit(main())
