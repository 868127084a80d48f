"""SARIF 2.1.0 for GitHub code scanning.

Every rule of the catalog is described in `tool.driver.rules` (so `ruleIndex` is stable from
run to run), with its docs as `help` and its page in docs/rules/ as `helpUri`; each result
points at its file with a URI relative to `%SRCROOT%`, the repository root (see
`source_root`), wherever orderlint runs from, and carries a `partialFingerprints` entry
computed from the rule, the file and the text of the flagged line, not its number, so that an
alert follows its line when lines move. `automationDetails.id` is `orderlint/`: the category
`orderlint`, the one the README's workflow gave upload-sarif (which fills automationDetails
only where a run has none), so alerts uploaded before it existed keep matching.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from urllib.parse import quote

from orderlint import __version__
from orderlint.model import Diagnostic, Severity
from orderlint.report import Report, json_text
from orderlint.rules import RULES, Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/orderlint/"
# Where the rule pages of docs/rules/ are read on GitHub: the repository that hosts orderlint.
# A placeholder until it has a home of its own; a fork that publishes them changes it here.
DOCS_URL = "https://github.com/orderlint/orderlint/blob/main/docs/rules/"
CONFIG_NAMES = (".orderlint.toml", "pyproject.toml")  # a project root found by its configuration
AUTOMATION_ID = "orderlint/"  # category "orderlint" (all before the last "/"), no run id
SRCROOT = "%SRCROOT%"
FINGERPRINT = "orderlint/v1"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
CATEGORY = {"OL0": "pipeline", "OL1": "order", "OL2": "failure-handling", "OL3": "verification",
            "OL4": "environment", "OL5": "separation"}


def _sections(docs: str) -> dict[str, str]:
    """The `## Heading` sections of a rule's docs."""
    found: dict[str, str] = {}
    for chunk in re.split(r"^## ", docs, flags=re.M):
        title, _, body = chunk.partition("\n")
        if body.strip():
            found[title.strip()] = body.strip()
    return found


def _plain(markdown: str) -> str:
    """Rule docs as plain text: `##` headings bare, code blocks indented by four spaces."""
    out: list[str] = []
    in_code = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            out.append("    " + line)
        else:
            out.append(line[3:] if line.startswith("## ") else line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def help_uri(rule: Rule) -> str:
    return f"{DOCS_URL}{rule.code}.md"


def rule_descriptor(rule: Rule) -> dict:
    docs = rule.docs()
    what = _sections(docs).get("What it does", rule.summary)
    full = " ".join(what.split("\n\n")[0].split())
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": _plain(docs), "markdown": docs},
        "helpUri": help_uri(rule),
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "tags": ["orderlint", "rails", CATEGORY.get(rule.code[:3], "other")],
            "precision": "high",
            "problem.severity": {Severity.ERROR: "error", Severity.WARNING: "warning",
                                 Severity.INFO: "recommendation"}[rule.severity],
        },
    }


def _absolute(path: str) -> Path:
    return Path(path).resolve()


def artifact_location(path: str, root: Path) -> dict:
    """A URI relative to `%SRCROOT%` (percent-encoded), or an absolute file URI outside it."""
    absolute = _absolute(path)
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(relative.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def _holds(folder: Path, files: list[Path]) -> bool:
    return all(f == folder or folder in f.parents for f in files)


def source_root(results, paths=()) -> Path:
    """What code scanning calls the repository root, wherever orderlint runs from: the git
    work tree that holds the project root orderlint found. Without git: the folder of the
    configuration file when orderlint found one (the project root then), else the Rails app
    that holds the files (the folder of `config/database.yml` above them), else the current
    directory when it holds them, else their deepest common folder."""
    root = Path(results.root).resolve()
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            return folder
    files = [_absolute(p) for p in (*results.files, *paths)]
    if not files or any((root / name).is_file() for name in CONFIG_NAMES):
        return root
    try:
        start = Path(os.path.commonpath([str(f.parent) for f in files]))
        common = Path(os.path.commonpath([str(root), *map(str, files)]))
    except ValueError:  # files on another drive (Windows)
        return root
    for folder in (start, *start.parents):
        if (folder / "config" / "database.yml").is_file():
            return folder
    return root if _holds(root, files) else common


def root_uri(root: Path) -> str:
    uri = root.as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _region(d: Diagnostic) -> dict:
    region = {"startLine": d.line, "startColumn": d.column}
    end_line = max(d.end_line, d.line)
    region["endLine"] = end_line
    end_column = d.end_column
    if end_line == d.line and end_column <= d.column:
        end_column = d.column + 1
    region["endColumn"] = max(1, end_column)
    return region


def fingerprint(d: Diagnostic, line_text: str, occurrence: int) -> str:
    """Stable across line moves: rule, file, the flagged line's text, and which of equal ones."""
    key = "\0".join((d.code, d.path.replace(os.sep, "/"), " ".join(line_text.split()), str(occurrence)))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def sarif_fix(fix, root) -> dict:
    """SARIF's fix object: one artifactChange per file, each edit a replacement of a binary
    region (byteOffset/byteLength of the file on disk) by the inserted text."""
    changes: dict[str, list] = {}
    for e in fix.edits:
        changes.setdefault(e.path, []).append({
            "deletedRegion": {"byteOffset": e.start_byte, "byteLength": e.end_byte - e.start_byte},
            "insertedContent": {"text": e.text},
        })
    return {
        "description": {"text": str(fix.message)},
        "artifactChanges": [{"artifactLocation": artifact_location(path, root), "replacements": replacements}
                            for path, replacements in changes.items()],
        "properties": {"applicability": fix.applicability.value},
    }


def sarif_document(report: Report) -> dict:
    results = report.results
    root = source_root(results, [p for d in report.diagnostics for p in (d.path, *(r.path for r in d.related))])
    rules = list(RULES.values())
    index = {rule.code: i for i, rule in enumerate(rules)}
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for d in report.diagnostics:
        parsed = results.parsed.get(d.path)
        line_text = parsed.line_text(d.line - 1) if parsed is not None else ""
        key = (d.code, d.path, " ".join(line_text.split()))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        result = {
            "ruleId": d.code,
            "level": LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [{"physicalLocation": {"artifactLocation": artifact_location(d.path, root),
                                                "region": _region(d)}}],
            "partialFingerprints": {FINGERPRINT: fingerprint(d, line_text, occurrence)},
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        if d.related:
            result["relatedLocations"] = [
                {"id": n, "message": {"text": r.note},
                 "physicalLocation": {"artifactLocation": artifact_location(r.path, root),
                                      "region": {"startLine": max(1, r.line)}}}
                for n, r in enumerate(d.related, start=1)
            ]
        if d.fix is not None:
            result["fixes"] = [sarif_fix(d.fix, root)]
        out.append(result)
    run = {
        "tool": {"driver": {
            "name": "orderlint",
            "informationUri": INFORMATION_URI,
            "version": __version__,
            "semanticVersion": __version__,
            "rules": [rule_descriptor(rule) for rule in rules],
        }},
        "automationDetails": {"id": AUTOMATION_ID},
        "originalUriBaseIds": {SRCROOT: {"uri": root_uri(root)}},
        "columnKind": "unicodeCodePoints",
        "results": out,
        "invocations": [{
            "executionSuccessful": not results.errors,
            "toolExecutionNotifications": [{"level": "error", "message": {"text": problem}}
                                           for problem in results.errors],
        }],
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: Report) -> str:
    return json_text(sarif_document(report))
