"""docs/rules/: one page per rule, generated from its docstring, committed as generated."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO
from orderlint.rules import RULES


def test_rule_pages_are_up_to_date():
    proc = subprocess.run([sys.executable, str(REPO / "docs" / "generate.py"), "--check"], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr  # regenerate: python docs/generate.py


def test_one_page_per_rule_and_an_index():
    pages = {p.name for p in (REPO / "docs" / "rules").glob("*.md")}
    assert pages == {f"{code}.md" for code in RULES} | {"README.md"}
    index = (REPO / "docs" / "rules" / "README.md").read_text(encoding="utf-8")
    for code, rule in RULES.items():
        assert f"[{code}]({code}.md)" in index
        page = (REPO / "docs" / "rules" / f"{code}.md").read_bytes().decode("utf-8")
        assert page.startswith(f"# {code}: {rule.name}\n")
        assert rule.docs() in page  # the docstring, as `orderlint rule CODE` prints it
