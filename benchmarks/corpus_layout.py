"""Lay the corpus copies out again from SOURCES.md, labels included (the copies are not committed).

For each row of tests/corpus/SOURCES.md, `git show COMMIT:PATH` from a local git snapshot of the
repository (`--mirrors DIR`, one `DIR/<owner>+<repo>/repo` git directory each), written byte for
byte to `tests/corpus/<owner>__<repo>/<path>`; a `Gemfile.lock` is cut to its `rails (x.y.z)`
line. A row whose repository or commit is not in the snapshots is taken from `--extra DIR`
(`DIR/<owner>__<repo>/<path>`, the file at that commit obtained by other means) when it is
there, and listed otherwise.

Then every label of tests/corpus/LABELS.md is applied to the copies just written, in the fixture
convention: `  # expect: CODE …` / `  # ok: CODE …` appended to the labelled line, and, for the
files LABELS.md names at its top ("one `# expect+N:` line inserted after line M"), one line
`# expect+N: … # ok+N: …` inserted after line M that carries the labels of line M+1+N.

LABELS.md is read as follows: a `## owner/repo` or `### owner/repo` heading opens a repository;
a bullet, or a paragraph's first line, that starts with a backquoted path names the file; in a bullet (with its
indented continuation lines), `Lnn`, `Lnn, Lmm`, `Lnn–Lmm` name lines and each following
`expect CODE[, CODE] [×N]` / `ok CODE[, CODE]` is a label on those lines, until the next line
list. Anything it cannot place (a label with no file or line, a file not laid out, a line past
the end, a label on a line that ends in `\\`) is an error: nothing is written for that file.

    python benchmarks/corpus_layout.py --mirrors /path/to/mirrors [--extra DIR] [--force]
    python benchmarks/corpus_layout.py --list-labels      # the labels as parsed, per set
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "corpus"
ROW = re.compile(r"^\|\s*([A-Za-z0-9][\w.-]*)/([\w.-]+)\s*\|\s*`([^`]+)`\s*\|\s*`([0-9a-f]{40})`\s*\|")
REPO_HEADING = re.compile(r"^#{2,3} ([A-Za-z0-9][\w.-]*)/([\w.-]+)\s*$")
FILE_START = re.compile(r"^(?:- )?`([^`\s]+)`")
INSERTED = re.compile(r"`([\w.-]+__[\w.-]+)/([^`]+)` \(one `# expect\+(\d+):` line inserted after line (\d+)\)")
LINES = r"L\d+(?:\s*(?:,|–|-)\s*L\d+)*"
TOKEN = re.compile(rf"(?P<lines>\b{LINES}\b)|\b(?P<kind>expect|ok) (?P<codes>OL\d{{3}}(?:, OL\d{{3}})*)(?: ×(?P<times>\d+))?")


class LabelError(ValueError):
    pass


def rows(sources: Path):
    for line in sources.read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m:
            yield m.groups()


def rails_line(lock: bytes) -> bytes:
    for line in lock.splitlines(keepends=True):
        if re.match(rb"^    rails \(", line):
            return line
    raise ValueError("no rails line")


def _line_numbers(text: str) -> list[int]:
    found: list[int] = []
    for part in re.split(r"\s*,\s*", text):
        ends = [int(x) for x in re.findall(r"\d+", part)]
        found.extend(range(ends[0], ends[-1] + 1))
    return found


def parse_labels(text: str) -> dict[str, dict[int, list[tuple[str, str]]]]:
    """{"owner__repo/path": {line: [(kind, code), …]}} from LABELS.md; `expect … ×N` gives N entries."""
    labels: dict[str, dict[int, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    folder = path = None
    bullet: list[str] = []

    def flush(number: int) -> None:
        if not bullet:
            return
        chunk = " ".join(s.strip() for s in bullet)
        bullet.clear()
        current: list[int] = []
        for m in TOKEN.finditer(chunk):
            if m.group("lines"):
                current = _line_numbers(m.group("lines"))
                continue
            if not (folder and path and current):
                raise LabelError(f"LABELS.md near line {number}: a label with no file or line: {chunk[:100]}")
            times = int(m.group("times") or 1) if m.group("kind") == "expect" else 1
            for line in current:
                for code in re.findall(r"OL\d{3}", m.group("codes")):
                    labels[f"{folder}/{path}"][line].extend([(m.group("kind"), code)] * times)

    previous = ""
    for number, line in enumerate(text.splitlines(), start=1):
        paragraph_start = not previous.strip() or previous.startswith("#")
        previous = line
        if line.startswith("#"):
            flush(number)
            head = REPO_HEADING.match(line)
            folder = f"{head.group(1)}__{head.group(2)}" if head else None
            path = None
            continue
        if folder is None:
            continue
        if bullet and line.startswith("  ") and line.strip():
            bullet.append(line)
            continue
        flush(number)
        start = FILE_START.match(line)
        if start and (line.startswith("- ") or paragraph_start):
            path = start.group(1)
        if line.startswith("- "):
            bullet.append(line[2:])
    flush(number + 1)
    return {k: dict(v) for k, v in labels.items()}


def inserted_lines(text: str) -> dict[str, tuple[int, int]]:
    """{"owner__repo/path": (after_line, offset)} for the files with one inserted `# expect+N:` line."""
    return {f"{m.group(1)}/{m.group(2)}": (int(m.group(4)), int(m.group(3))) for m in INSERTED.finditer(text)}


def _comment(kinds: list[tuple[str, str]], offset: int | None = None) -> str:
    plus = f"+{offset}" if offset is not None else ""
    parts = []
    for kind in ("expect", "ok"):
        codes = [code for k, code in kinds if k == kind]
        if codes:
            parts.append(f"# {kind}{plus}: {' '.join(codes)}")
    return "  ".join(parts)


def annotate(data: bytes, file_labels: dict[int, list[tuple[str, str]]], inserted: tuple[int, int] | None) -> bytes:
    """The copy with its labels; line numbers are those of the annotated file (see LABELS.md)."""
    lines = data.split(b"\n")
    trailing = lines[-1] == b""
    if trailing:
        lines.pop()
    carried: list[tuple[str, str]] = []
    on_line: dict[int, list[tuple[str, str]]] = {}
    if inserted:
        after, offset = inserted
        carried = file_labels.get(after + 1 + offset, [])
        if not carried:
            raise LabelError(f"no label on line {after + 1 + offset}, which the inserted line is said to carry")
        for line, kinds in file_labels.items():
            if line == after + 1 + offset:
                continue
            if line == after + 1:
                raise LabelError(f"a label on the inserted line {line}")
            on_line[line - 1 if line > after else line] = kinds
    else:
        on_line = dict(file_labels)
    for line, kinds in sorted(on_line.items()):
        if not 0 < line <= len(lines):
            raise LabelError(f"line {line} is past the end ({len(lines)} lines)")
        text = lines[line - 1]
        cr = text.endswith(b"\r")
        body = text[:-1] if cr else text
        if body.rstrip().endswith(b"\\"):
            raise LabelError(f"line {line} ends in a backslash: an appended comment would end the command")
        lines[line - 1] = body + b"  " + _comment(kinds).encode() + (b"\r" if cr else b"")
    if inserted:
        after, offset = inserted
        lines.insert(after, _comment(carried, offset).encode())
    return b"\n".join(lines) + (b"\n" if trailing else b"")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirrors", type=Path, help="folder of the git snapshots, DIR/<owner>+<repo>/repo")
    ap.add_argument("--extra", type=Path, help="folder of files obtained otherwise, DIR/<owner>__<repo>/<path>")
    ap.add_argument("--force", action="store_true", help="overwrite copies already present")
    ap.add_argument("--list-labels", action="store_true", help="print the labels as parsed and stop")
    args = ap.parse_args(argv)
    labels_text = (CORPUS / "LABELS.md").read_text(encoding="utf-8")
    try:
        labels = parse_labels(labels_text)
    except LabelError as exc:
        print(exc, file=sys.stderr)
        return 2
    inserts = inserted_lines(labels_text)
    listed = {f"{o}__{n}/{p}" for o, n, p, _ in rows(CORPUS / "SOURCES.md")}
    unknown = sorted(set(labels) - listed)
    if args.list_labels:
        for key in sorted(labels):
            for line, kinds in sorted(labels[key].items()):
                print(f"{key}:{line}: {_comment(kinds)}")
        counts = Counter(k for v in labels.values() for kinds in v.values() for k, _ in kinds)
        print(f"{counts['expect']} expect, {counts['ok']} ok", file=sys.stderr)
        for key in unknown:
            print(f"labelled but not in SOURCES.md: {key}", file=sys.stderr)
        return 1 if unknown else 0
    if args.mirrors is None:
        ap.error("--mirrors is required")
    missing, problems, written = [], [], 0
    for owner, name, path, commit in rows(CORPUS / "SOURCES.md"):
        key = f"{owner}__{name}/{path}"
        target = CORPUS / f"{owner}__{name}" / path
        if target.exists() and not args.force:
            continue
        gitdir = args.mirrors / f"{owner}+{name}" / "repo"
        if (gitdir / ".git").is_dir():
            gitdir = gitdir / ".git"
        proc = subprocess.run(["git", "--git-dir", str(gitdir), "show", f"{commit}:{path}"], capture_output=True)
        if proc.returncode == 0:
            data = proc.stdout
        elif args.extra and (args.extra / f"{owner}__{name}" / path).is_file():
            data = (args.extra / f"{owner}__{name}" / path).read_bytes()
        else:
            missing.append(f"{owner}/{name} {path} {commit}: {proc.stderr.decode().strip()[:120]}")
            continue
        if Path(path).name == "Gemfile.lock":
            data = rails_line(data)
        if key in labels:
            try:
                data = annotate(data, labels[key], inserts.get(key))
            except LabelError as exc:
                problems.append(f"{key}: {exc}")
                continue
        elif key in inserts:
            problems.append(f"{key}: an inserted line is named but the file has no label")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    for key in unknown:
        problems.append(f"{key}: labelled in LABELS.md but not a row of SOURCES.md")
    for m in missing:
        print("not copied:", m, file=sys.stderr)
    for p in problems:
        print("label error:", p, file=sys.stderr)
    print(f"{written} files written", file=sys.stderr)
    return 1 if missing or problems else 0


if __name__ == "__main__":
    sys.exit(main())
