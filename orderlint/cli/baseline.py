"""Baselines: adopt orderlint on existing scripts, then report only new findings.

`orderlint --write-baseline FILE` records the findings of the run; `--baseline FILE` drops the
findings it records. A finding is identified by its rule, its file and the content of its line
(stripped), never by its line number, so edits elsewhere in the file do not break the match;
`count` says how many findings share that identity (the same line repeated), and only that
many are dropped. Paths are stored relative to the baseline file's folder, so a baseline
works whatever the current directory.

    {
      "version": 1,
      "tool": "orderlint",
      "findings": [
        {"rule": "OL202", "path": "ops/deploy.sh", "content": "bin/rails db:migrate:queue", "count": 1}
      ]
    }
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

from orderlint.model import Diagnostic, OrderlintError

VERSION = 1
Key = tuple[str, str, str]  # (rule, path relative to the baseline's folder, stripped line)


def _relative(path: str, folder: Path) -> str:
    absolute = Path(path).resolve() if not os.path.isabs(path) else Path(path)
    try:
        return Path(os.path.relpath(absolute, folder.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return absolute.as_posix()


class _Lines:
    """The text of each reported file, read once (from the analysis when it parsed the file)."""

    def __init__(self, results) -> None:
        self.parsed = getattr(results, "parsed", {}) or {}
        self.cache: dict[str, list[str]] = {}

    def content(self, path: str, line: int) -> str:
        if path not in self.cache:
            pf = self.parsed.get(path)
            if pf is not None:
                data = pf.data
            else:
                try:
                    from orderlint.shell.parse import normalize

                    data = normalize(Path(path).read_bytes())
                except OSError:
                    data = b""
            self.cache[path] = data.decode("utf-8", "replace").split("\n")
        lines = self.cache[path]
        return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def _keys(diagnostics, results, folder: Path) -> list[tuple[Key, Diagnostic]]:
    lines = _Lines(results)
    return [((d.code, _relative(d.path, folder), lines.content(d.path, d.line)), d) for d in diagnostics]


def write_baseline(path: Path, diagnostics, results) -> None:
    counts = Counter(key for key, _ in _keys(diagnostics, results, Path(path).parent))
    ordered = sorted(counts.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2]))  # path, rule, content
    findings = [{"rule": rule, "path": file, "content": content, "count": count}
                for (rule, file, content), count in ordered]
    # One finding per line: a baseline diffs well in review.
    rows = ",\n".join("    " + json.dumps(f, ensure_ascii=False) for f in findings)
    text = (f'{{\n  "version": {VERSION},\n  "tool": "orderlint",\n  "findings": ['
            + (f"\n{rows}\n  " if rows else "") + "]\n}\n")
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OrderlintError(f"{path}: cannot write the baseline ({exc.strerror or exc})") from None


def read_baseline(path: Path) -> Counter:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OrderlintError(f"{path}: baseline not found (create it with --write-baseline {path})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OrderlintError(f"{path}: cannot read the baseline ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OrderlintError(f"{path}:{exc.lineno}:{exc.colno}: not a valid baseline: "
                             f"invalid JSON ({exc.msg})") from None
    if not isinstance(data, dict) or "version" not in data or "findings" not in data:
        raise OrderlintError(f"{path}: not an orderlint baseline (expected an object with \"version\" and "
                             f"\"findings\"; write one with --write-baseline)")
    if data["version"] != VERSION:
        raise OrderlintError(f"{path}: baseline version {data['version']!r} is not supported (expected {VERSION}); "
                             f"write it again with --write-baseline")
    findings = data["findings"]
    if not isinstance(findings, list):
        raise OrderlintError(f"{path}: not a valid baseline: \"findings\" must be an array")
    counts: Counter = Counter()
    for number, item in enumerate(findings, start=1):
        valid = (isinstance(item, dict) and all(isinstance(item.get(k), str) for k in ("rule", "path", "content"))
                 and isinstance(item.get("count", 1), int) and not isinstance(item.get("count", 1), bool)
                 and item.get("count", 1) >= 1)
        if not valid:
            raise OrderlintError(f"{path}: not a valid baseline: finding {number} needs \"rule\", \"path\" and "
                                 f"\"content\" strings and a positive \"count\"")
        counts[(item["rule"], item["path"], item["content"])] += item.get("count", 1)
    return counts


def filter_baseline(path: Path, diagnostics, results) -> list[Diagnostic]:
    """The findings the baseline does not record (each recorded one absorbs `count` findings)."""
    remaining = read_baseline(path)
    kept = []
    for key, d in _keys(diagnostics, results, Path(path).parent):
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            kept.append(d)
    return kept


__all__ = ["write_baseline", "filter_baseline", "read_baseline", "VERSION"]
