"""The rule catalog: codes, names and docs are complete, and every documented example runs.

Each rule's docstring has ruff's sections. Its `## Example` must make the rule fire and its
`## Use instead` must not, run through the CLI in a fresh project. A bash block whose first
comment is a path (`# ops/dev/reset.sh`) is written there (default `ops/script.sh`); a yaml
block becomes `config/database.yml`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import run_cli
from orderlint.rules import RULES

SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")
BLOCK = re.compile(r"```(bash|yaml)\n(.*?)```", re.S)


def test_codes_are_unique_and_match_files():
    import orderlint.rules as package

    files = sorted(p.stem for p in Path(package.__file__).parent.glob("ol*.py"))
    assert [f.split("_")[0].upper() for f in files] == list(RULES)
    for stem in files:
        code = stem.split("_")[0].upper()
        assert stem.split("_", 1)[1].replace("_", "-") == RULES[code].name


@pytest.mark.parametrize("code", list(RULES))
def test_rule_has_docs(code):
    rule = RULES[code]
    docs = rule.docs()
    for section in SECTIONS:
        assert section in docs, f"{code}: missing {section}"
    assert re.fullmatch(r"[a-z]+(-[a-z]+)+", rule.name)
    assert not rule.name.startswith("disallow")


def write_project(tmp_path: Path, section: str) -> None:
    (tmp_path / ".orderlint.toml").write_text("")
    for kind, body in BLOCK.findall(section):
        if kind == "yaml":
            target = tmp_path / "config" / "database.yml"
        else:
            lines = body.splitlines()
            named = next((l for l in lines[:3] if re.match(r"#\s*ops/\S+$", l.strip())), None)
            target = tmp_path / (named.strip().lstrip("#").strip() if named else "ops/script.sh")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body)


def findings(tmp_path: Path, code: str) -> list[dict]:
    proc = run_cli("ops", "--format", "json", "--select", code, cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return [d for d in json.loads(proc.stdout)["diagnostics"] if d["code"] == code]


def split_docs(code: str) -> tuple[str, str]:
    docs = RULES[code].docs()
    example = docs.split("## Example", 1)[1].split("## Use instead", 1)[0]
    instead = docs.split("## Use instead", 1)[1]
    return example, instead


@pytest.mark.parametrize("code", list(RULES))
def test_documented_example_fires(code, tmp_path):
    example, _ = split_docs(code)
    write_project(tmp_path, example)
    assert findings(tmp_path, code), f"{code}: its documented example does not fire"


@pytest.mark.parametrize("code", list(RULES))
def test_documented_fix_is_silent(code, tmp_path):
    example, instead = split_docs(code)
    # The fix keeps the example's database.yml unless it brings its own.
    write_project(tmp_path, instead if "```yaml" in instead else instead + "\n".join(
        f"```yaml\n{b}```" for k, b in BLOCK.findall(example) if k == "yaml"))
    assert not findings(tmp_path, code), f"{code}: its documented fix still fires"
