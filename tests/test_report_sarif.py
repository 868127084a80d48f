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


def test_uris_are_relative_to_the_project_root_wherever_orderlint_runs():
    from_ops = sarif("ops", REPO / "fixtures" / "seed-app")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in from_ops["runs"][0]["results"]}
    assert uris == {"fixtures/seed-app/ops/dev/deploy.sh", "fixtures/seed-app/ops/lib/database/migrations.sh",
                    "fixtures/seed-app/ops/production/init-db.sh", "fixtures/seed-app/ops/staging/init-db.sh"}


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
