"""Shared by the reporter tests: the hostile fixture, golden files, markdown and command checks."""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from conftest import REPO, run_cli

SEED = "fixtures/seed-app/ops"
HOSTILE = REPO / "tests" / "data" / "hostile"
GOLDEN = REPO / "tests" / "golden"
DATE = "2025-12-30"
UPDATE_GOLDEN = os.environ.get("ORDERLINT_UPDATE_GOLDEN") == "1"

# Lines a runner would take as a workflow command: `::name …::` at the start of a line.
COMMAND_LINE = re.compile(r"^\s*::[A-Za-z-]+[ :]")


def hostile_tree(tmp: Path, crlf_name: bool = True) -> Path:
    """A copy of tests/data/hostile (an app root); with a second script whose name holds CR and LF."""
    root = tmp / "app"
    shutil.copytree(HOSTILE, root)
    (root / ".git").mkdir()  # the project root, as in a repository
    if crlf_name:
        source = next((root / "ops").glob("*.sh"))
        text = source.read_bytes().replace(b"bin/rails db:migrate:queue", b"bin/rails 'db:migrate:queue[\r\n]'")
        (root / "ops" / "cr\rlf\n::error::x.sh").write_bytes(text)
    return root


def run(*args: str, cwd: Path = REPO, env: dict | None = None):
    proc = run_cli(*args, cwd=cwd, env=env)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return proc


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE_GOLDEN or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not UPDATE_GOLDEN:
            raise AssertionError(f"{path.relative_to(REPO)} did not exist: written, check it and commit it")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (f"{path.relative_to(REPO)} differs; if the change is intended, regenerate with "
                                f"ORDERLINT_UPDATE_GOLDEN=1 python -m pytest tests/test_report_golden.py")


# -- markdown --------------------------------------------------------------------------------------

ALLOWED_TAGS = {"h1", "h2", "h3", "h4", "p", "strong", "em", "code", "pre", "table", "thead", "tbody", "tr", "th",
                "td", "ul", "ol", "li", "hr", "br"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, _ in attrs:
            if name not in ("class", "style", "align"):
                self.tags.append(f"{tag}[{name}]")


def render_html(markdown: str) -> str:
    """As GitHub renders it: CommonMark with tables, raw HTML allowed through."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough").render(markdown)


def html_tags(markdown: str) -> set[str]:
    parser = _Tags()
    parser.feed(render_html(markdown))
    return set(parser.tags)


def split_row(line: str) -> list[str]:
    """The cells of a table row, honouring backslash escapes (`\\|` stays in its cell)."""
    cells, current, i = [], "", 0
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            current += body[i:i + 2]
            i += 2
            continue
        if ch == "|":
            cells.append(current)
            current = ""
        else:
            current += ch
        i += 1
    cells.append(current)
    return cells


def tables(markdown: str) -> list[list[list[str]]]:
    """Every table of a markdown document, as rows of cells (the header first)."""
    found, current = [], []
    in_fence = False
    for line in markdown.split("\n"):
        if line.startswith("```"):
            in_fence = not in_fence
        if not in_fence and line.startswith("|"):
            current.append(split_row(line))
        elif current:
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


def mermaid_blocks(markdown: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", markdown, re.S)
