"""The seed fixture: fixtures/seed-app reproduces the scripts that the reference
audit (shared/seed/000_151dd4d7410172d1.md) describes, with every line number it
cites. These tests pin orderlint's JSON output on it: the invocations it finds
(line, task, databases, outcome of a failure) and the diagnostics, which must be
exactly the ones annotated in the fixture (`# expect: OLxxx`).

Annotation grammar, in the fixture's comments:

    # expect: OL501            the rule must report on this line
    # expect+1: OL501          ... on the next line (+N: N lines below)
    # ok: OL201, OL202         these rules must stay silent on this line

Several annotations may share a line (`# expect: OL502  # ok: OL201, OL401`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
APP = "fixtures/seed-app"
OPS = f"{APP}/ops"

STAGING = f"{OPS}/staging/init-db.sh"
PRODUCTION = f"{OPS}/production/init-db.sh"
LIBRARY = f"{OPS}/lib/database/migrations.sh"
DEV = f"{OPS}/dev/deploy.sh"
DEPLOY = f"{OPS}/deploy.sh"
COMMON = f"{OPS}/lib/common.sh"

# Entry script -> its invocations as (path, line, task). The lines are the
# ones the seed document cites, plus the fallback db:migrate of dev/deploy.sh
# (the seed mentions the fallback without a line). The library's invocations
# are reported through ops/deploy.sh, which sources it and calls
# apply_migrations.
EXPECTED_INVOCATIONS = {
    STAGING: [
        (STAGING, 77, "db:migrate"),
        (STAGING, 95, "db:migrate:queue"),
        (STAGING, 116, "db:seed"),
    ],
    PRODUCTION: [
        (PRODUCTION, 117, "db:migrate"),
        (PRODUCTION, 135, "db:migrate:queue"),
        (PRODUCTION, 144, "db:seed"),  # db/seeds_production.rb branch
        (PRODUCTION, 153, "db:seed"),  # else: db/seeds.rb
    ],
    DEPLOY: [
        (LIBRARY, 225, "db:migrate"),  # compose mode
        (LIBRARY, 229, "db:migrate"),  # host mode
        (LIBRARY, 257, "db:migrate:status"),  # post-migration verification
        (LIBRARY, 285, "db:migrate:queue"),
        (LIBRARY, 288, "db:migrate:queue"),  # the single retry
    ],
    DEV: [
        (DEV, 318, "db:reset"),
        (DEV, 320, "db:migrate"),  # fallback when db:reset fails
        (DEV, 351, "db:migrate:queue"),
    ],
}

# Scripts whose invocations must come out in execution order (which is also
# line order there).
ORDERED = (STAGING, PRODUCTION)

# The diagnostics the fixture must produce under real Rails semantics with
# its config/database.yml (PostgreSQL primary + SQLite queue everywhere):
# unscoped db:migrate also migrates the queue (OL501), db:reset wipes it
# (OL502). Cross-checked against the annotations so that an accidental edit
# of the fixture is caught even before orderlint runs.
EXPECTED_ANNOTATED = Counter(
    {
        (STAGING, 77, "OL501"): 1,
        (PRODUCTION, 117, "OL501"): 1,
        (LIBRARY, 225, "OL501"): 1,
        (LIBRARY, 229, "OL501"): 1,
        (DEV, 318, "OL502"): 1,
        (DEV, 320, "OL501"): 1,
    }
)

ANNOTATION = re.compile(
    r"#\s*(?P<kind>expect|ok)(?:\+(?P<offset>\d+))?:\s*"
    r"(?P<codes>OL\d{3}(?:\s*,\s*OL\d{3})*)"
)

# Only the policy rules are compared: OL0xx (parse errors, unresolved
# sources, dynamic tasks, suppressions) are infrastructure diagnostics.
COMPARED_CODES = range(101, 503)


def _compared(code: str) -> bool:
    return bool(re.fullmatch(r"OL\d{3}", code)) and int(code[2:]) in COMPARED_CODES


def fixture_scripts() -> list[str]:
    """Every shell file of the fixture, as a repository-relative posix path."""
    root = REPO / OPS
    return sorted(p.relative_to(REPO).as_posix() for p in root.rglob("*.sh"))


def annotations() -> tuple[Counter, set]:
    """(Counter of expected (path, line, code), set of ok (path, line, code))."""
    expected: Counter = Counter()
    silent: set = set()
    for rel in fixture_scripts():
        lines = (REPO / rel).read_text(encoding="utf-8").splitlines()
        for number, text in enumerate(lines, start=1):
            for match in ANNOTATION.finditer(text):
                target = number + int(match["offset"] or 0)
                for code in re.split(r"\s*,\s*", match["codes"]):
                    if match["kind"] == "expect":
                        expected[(rel, target, code)] += 1
                    else:
                        silent.add((rel, target, code))
    return expected, silent


def _norm(path: str) -> str:
    return Path(path).as_posix()


# ---------------------------------------------------------------------------
# The fixture itself (no analyzer needed)
# ---------------------------------------------------------------------------


def test_fixture_layout():
    assert set(fixture_scripts()) == {STAGING, PRODUCTION, LIBRARY, DEV, DEPLOY, COMMON}
    assert (REPO / APP / "config/database.yml").is_file()
    assert "    rails (8.0.2)" in (REPO / APP / "Gemfile.lock").read_text().splitlines()


@pytest.mark.parametrize("script", sorted(EXPECTED_INVOCATIONS))
def test_cited_lines_name_their_task(script):
    """Every cited line holds its task name, literally, outside the comment."""
    for path, line, task in EXPECTED_INVOCATIONS[script]:
        text = (REPO / path).read_text(encoding="utf-8").splitlines()[line - 1]
        code = text.split("  #", 1)[0]
        assert re.search(rf"(?<![\w:]){re.escape(task)}(?![\w:])", code), (path, line, text)


def test_annotations_match_the_seed_findings():
    expected, silent = annotations()
    assert expected == EXPECTED_ANNOTATED
    assert not {key for key in expected if key in silent}, "a line both expects and forbids a rule"


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash not installed")
@pytest.mark.parametrize("script", [STAGING, PRODUCTION, LIBRARY, DEV, DEPLOY, COMMON])
def test_scripts_are_valid_bash(script):
    result = subprocess.run(["bash", "-n", script], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------------
# orderlint on the fixture
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> dict:
    package = REPO / "orderlint"
    has_cli = (package / "cli.py").is_file() or (package / "cli" / "__init__.py").is_file()
    if not ((package / "__main__.py").is_file() and has_cli):
        pytest.skip("the orderlint CLI is not written yet: `python -m orderlint` cannot run")
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env["NO_COLOR"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "orderlint", OPS, "--format", "json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # 1: findings at or above the fail level (OL501 is a warning), not an error.
    assert result.returncode in (0, 1), result.stderr
    data = json.loads(result.stdout)
    assert data["version"] == 1
    return data


@pytest.fixture(scope="module")
def by_script(report) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for inv in report["invocations"]:
        groups.setdefault(_norm(inv["script"]), []).append(inv)
    return groups


def _triples(invocations: list[dict]) -> list[tuple[str, int, str]]:
    """Distinct (path, line, task), in report order. A task written once but
    reached through several wrapper routes (run_rails dispatches to docker
    compose or to bundle exec) may be reported once per route, with different
    `via`: that is still one cited line."""
    seen = dict.fromkeys((_norm(inv["path"]), inv["line"], inv["task"]) for inv in invocations)
    return list(seen)


def test_entry_scripts(by_script):
    # The libraries are not entry scripts: their invocations belong to callers.
    assert set(by_script) == set(EXPECTED_INVOCATIONS)


@pytest.mark.parametrize("script", sorted(EXPECTED_INVOCATIONS))
def test_invocations(by_script, script):
    found = _triples(by_script.get(script, []))
    expected = EXPECTED_INVOCATIONS[script]
    if script in ORDERED:
        assert found == expected
    else:
        assert sorted(found) == sorted(expected)


@pytest.mark.parametrize(
    ("task", "databases"),
    [
        ("db:migrate", ["primary", "queue"]),
        ("db:migrate:queue", ["queue"]),
        ("db:seed", ["primary"]),
    ],
)
def test_databases(report, task, databases):
    invocations = [inv for inv in report["invocations"] if inv["task"] == task]
    assert invocations
    for inv in invocations:
        assert inv["databases"] == databases, (inv["path"], inv["line"])


def test_reset_touches_both_databases(report):
    (reset,) = [inv for inv in report["invocations"] if inv["task"] == "db:reset"]
    assert sorted(reset["databases"]) == ["primary", "queue"]


EXPECTED_ON_FAILURE = {
    "db:migrate": "aborts",
    "db:seed": "aborts",
    "db:reset": "continues-with-warning",  # falls back to db:migrate
    "db:migrate:queue": "continues-with-warning",
}


def test_on_failure(report):
    checked = set()
    for inv in report["invocations"]:
        expected = EXPECTED_ON_FAILURE.get(inv["task"])
        if expected is None:
            continue
        assert inv["on_failure"] == expected, (inv["path"], inv["line"], inv["task"], inv.get("via"))
        checked.add((_norm(inv["path"]), inv["line"]))
    assert checked == {
        (path, line)
        for triples in EXPECTED_INVOCATIONS.values()
        for path, line, task in triples
        if task in EXPECTED_ON_FAILURE
    }


def test_diagnostics_match_annotations(report):
    expected, _ = annotations()
    found = Counter(
        (_norm(d["path"]), d["line"], d["code"])
        for d in report["diagnostics"]
        if _compared(d["code"])
    )
    expected = Counter({k: n for k, n in expected.items() if _compared(k[2])})
    assert found - expected == Counter(), "unexpected diagnostics"
    assert expected - found == Counter(), "missing diagnostics"


def test_ok_annotations_stay_silent(report):
    _, silent = annotations()
    fired = {(_norm(d["path"]), d["line"], d["code"]) for d in report["diagnostics"]}
    clashes = sorted(silent & fired)
    assert not clashes, f"rules annotated `# ok:` fired: {clashes}"
