"""SARIF 2.1.0: valid against the OASIS schema, with every field GitHub code scanning needs."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import REPO
from report_support import SEED, hostile_tree, run
from orderlint import __version__
from orderlint.report import json_text
from orderlint.report.sarif import DOCS_URL
from orderlint.rules import RULES

jsonschema = pytest.importorskip("jsonschema")
SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def sarif(target: str, cwd: Path = REPO, *extra: str) -> dict:
    return json.loads(run(target, "--format", "sarif", *extra, cwd=cwd).stdout)


def validate(doc: dict) -> None:
    validator = jsonschema.Draft4Validator(SCHEMA)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def is_uri_reference(value: str) -> bool:
    """RFC 3986 URI-reference, as far as SARIF consumers care: no raw specials, `%` only as an escape,
    and no colon in the first segment of a relative reference (it would read as a scheme)."""
    if any(ch in value for ch in ' <>"{}|\\^`\n\r') or re.search(r"%(?![0-9A-Fa-f]{2})", value):
        return False
    return bool(urlsplit(value).scheme) or ":" not in value.split("/")[0]


@pytest.fixture(scope="module")
def seed() -> dict:
    return sarif(SEED)


def test_valid_against_the_schema(seed):
    validate(seed)


def test_fields_github_code_scanning_requires(seed):
    assert seed["$schema"] and seed["version"] == "2.1.0"
    run_ = seed["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "orderlint"
    assert driver["version"] == driver["semanticVersion"] == __version__
    assert driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == list(RULES)
    for rule in driver["rules"]:
        code = RULES[rule["id"]]
        assert rule["name"] == code.name
        assert rule["shortDescription"]["text"] == code.summary
        assert rule["fullDescription"]["text"]
        assert rule["help"]["markdown"] == code.docs()
        assert "Why is this bad?" in rule["help"]["text"] and "##" not in rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning",
                                                         "info": "note"}[code.severity.label]
        assert "orderlint" in rule["properties"]["tags"]
        assert rule["helpUri"] == f"{DOCS_URL}{rule['id']}.md" and rule["helpUri"].startswith("https://")
    assert run_["automationDetails"] == {"id": "orderlint/"}  # the category `orderlint`
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == REPO.resolve().as_uri() + "/"
    results = run_["results"]
    assert results
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        artifact = location["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert artifact["uri"].startswith("fixtures/seed-app/ops/") and is_uri_reference(artifact["uri"])
        region = location["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert region["endLine"] >= region["startLine"] and region["endColumn"] > region["startColumn"]
        assert list(result["partialFingerprints"]) == ["orderlint/v1"]


def test_results_match_the_json_findings(seed):
    findings = json.loads(run(SEED, "--format", "json").stdout)["diagnostics"]
    got = [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            r["locations"][0]["physicalLocation"]["region"]["endColumn"], r["message"]["text"])
           for r in seed["runs"][0]["results"]]
    assert got == [(d["code"], d["path"], d["line"], d["column"], d["end_column"], d["message"]) for d in findings]


def test_help_uris_are_the_pages_of_docs_rules(seed):
    """Each helpUri names a page of docs/rules/ in this repository (tests/test_docs.py keeps them current)."""
    assert DOCS_URL.startswith("https://github.com/") and "/blob/main/docs/rules/" in DOCS_URL
    for rule in seed["runs"][0]["tool"]["driver"]["rules"]:
        page = rule["helpUri"].removeprefix(DOCS_URL)
        assert (REPO / "docs" / "rules" / page).is_file(), page


def uris(doc: dict) -> set[str]:
    out = set()
    for result in doc["runs"][0]["results"]:
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        out.add(artifact["uri"])
        for related in result.get("relatedLocations", ()):
            assert related["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
            out.add(related["physicalLocation"]["artifactLocation"]["uri"])
    return out


SEED_URIS = {"ops/dev/deploy.sh", "ops/lib/database/migrations.sh", "ops/production/init-db.sh",
             "ops/staging/init-db.sh", "ops/deploy.sh"}


def test_uris_are_relative_to_the_repository_root_wherever_orderlint_runs():
    from_ops = sarif("ops", REPO / "fixtures" / "seed-app")
    assert {"fixtures/seed-app/" + u for u in SEED_URIS - {"ops/deploy.sh"}} <= uris(from_ops) <= \
        {"fixtures/seed-app/" + u for u in SEED_URIS}
    from_dev = sarif(".", REPO / "fixtures" / "seed-app" / "ops" / "dev")
    assert uris(from_dev) == {"fixtures/seed-app/ops/dev/deploy.sh"}
    assert from_dev["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == REPO.resolve().as_uri() + "/"


@pytest.mark.parametrize("layout", ["git", "git-file", "config", "rails-app"])
def test_a_run_from_a_subfolder_gives_uris_from_the_repository_root(tmp_path, layout):
    """The repository root: the git work tree (`.git` a folder, or a file as in a worktree or a
    submodule); without git, the folder of the configuration, else the Rails app's."""
    repo = tmp_path / "repo"
    app = repo / "apps" / "shop"
    shutil.copytree(REPO / "fixtures" / "seed-app", app)
    if layout == "git":
        (repo / ".git").mkdir()
    elif layout == "git-file":
        (repo / ".git").write_text("gitdir: /elsewhere/.git/worktrees/repo\n")
    elif layout == "config":
        (repo / ".orderlint.toml").write_text("")
    prefix = "" if layout == "rails-app" else "apps/shop/"
    root = app if layout == "rails-app" else repo
    for cwd, target in ((app / "ops" / "dev", "."), (app / "ops" / "dev", "../../ops"), (app / "ops", "staging")):
        doc = sarif(target, cwd, "--no-cache")
        validate(doc)
        assert doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == root.resolve().as_uri() + "/"
        got = uris(doc)
        assert got and got <= {prefix + u for u in SEED_URIS}, (cwd, target, got)
        if target == "staging":
            assert prefix + "ops/staging/init-db.sh" in got


def test_fingerprints_follow_the_line_not_its_number(tmp_path):
    app = tmp_path / "app"
    shutil.copytree(REPO / "fixtures" / "seed-app", app)
    (app / ".git").mkdir()
    before = sarif("ops", app)["runs"][0]["results"]
    script = app / "ops" / "staging" / "init-db.sh"
    lines = script.read_text().split("\n")
    script.write_text("\n".join(lines[:1] + ["# a new comment", "# and another"] + lines[1:]))
    after = sarif("ops", app)["runs"][0]["results"]

    def prints(results):
        return {r["partialFingerprints"]["orderlint/v1"]: r["locations"][0]["physicalLocation"]["region"]["startLine"]
                for r in results}

    old, new = prints(before), prints(after)
    assert set(old) == set(new)  # the same alerts
    moved = [f for f in old if new[f] != old[f]]
    assert len(moved) == 1 and new[moved[0]] == old[moved[0]] + 2
    assert len(set(old)) == len(before)  # no two results share one


def test_sarif_output_beside_another_format(tmp_path):
    target = tmp_path / "out.sarif"
    run(SEED, "--format", "github", "--sarif-output", str(target))
    assert json.loads(target.read_text(encoding="utf-8")) == sarif(SEED)


def test_hostile_content_stays_valid(tmp_path):
    root = hostile_tree(tmp_path)
    doc = sarif("ops", root)
    validate(doc)
    results = doc["runs"][0]["results"]
    findings = json.loads(run("ops", "--format", "json", cwd=root).stdout)["diagnostics"]
    assert [r["message"]["text"] for r in results] == [d["message"] for d in findings]
    for result in results:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert is_uri_reference(uri), uri
        assert unquote(uri).startswith("ops/")
    decoded = {unquote(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in results}
    assert decoded == {d["path"] for d in findings}
    assert {r["level"] for r in results} == {"error", "warning", "note"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (st.lists(inner, max_size=40) |
                   st.dictionaries(st.text(max_size=5) | st.integers() | st.booleans(), inner, max_size=4)),
    max_leaves=80)


@given(json_values)
@example({"runs": [{"results": [{"id": n, "tags": ["a"]} for n in range(40)], "keys": {1: "one", True: []}}]})
def test_reports_write_json_exactly_as_json_dumps_would(value):
    """JSON and SARIF are written item by item (memory); the text is json.dumps's, byte for byte."""
    assert json_text(value) == json.dumps(value, indent=2, ensure_ascii=False) + "\n"
