"""benchmarks/corpus_score.py: which set each corpus folder belongs to, and --set selecting it."""

from __future__ import annotations

import pytest

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import corpus_score  # noqa: E402

SOURCES = """# Sources of the corpus

Intro text with a | pipe.

| repository | path | commit | what it exercises |
|---|---|---|---|
| early/bird | `bin/x` | `aaaa` | before any heading: tuning |

## Tuning set

| repository | path | commit | what it exercises |
|---|---|---|---|
| acme/shop | `bin/deploy` | `bbbb` | tuning |
| acme/shop | `config/database.yml` | `bbbb` | tuning |

## Held-out set

| repository | path | commit | what it exercises |
|---|---|---|---|
| some-org/app.rb | `.kamal/hooks/pre-deploy` | `cccc` | held out |

## Notes

| repository | path | commit | what it exercises |
|---|---|---|---|
| not/scored | `x` | `dddd` | under a heading that names no set |
"""


def test_folder_sets_follow_headings(tmp_path):
    sources = tmp_path / "SOURCES.md"
    sources.write_text(SOURCES, encoding="utf-8")
    assert corpus_score.folder_sets(sources) == {
        "early__bird": "tuning", "acme__shop": "tuning", "some-org__app.rb": "held-out"}


def test_set_names():
    assert corpus_score.set_name("Held-out set") == "held-out"
    assert corpus_score.set_name("Held out set") == "held-out"
    assert corpus_score.set_name("Tuning set") == "tuning"
    assert corpus_score.set_name("Held-out set 2") == "held-out-2"
    assert corpus_score.set_name("Held out set 2") == "held-out-2"
    assert corpus_score.set_name("Held-out set 3") == "held-out-3"
    assert corpus_score.set_name("Held-out set 4") == "held-out-4"
    assert corpus_score.set_name("Held-out set 5") == "held-out-5"
    assert corpus_score.set_name("Held-out set 6") is None
    assert corpus_score.set_name("Tuning set 2") is None
    assert corpus_score.set_name("Run at abc") is None


def test_missing_sources_names_no_set(tmp_path):
    assert corpus_score.folder_sets(tmp_path / "SOURCES.md") == {}


def test_set_option_keeps_only_that_set(tmp_path, capsys):
    (tmp_path / "SOURCES.md").write_text(SOURCES, encoding="utf-8")
    (tmp_path / "acme__shop").mkdir()
    assert corpus_score.main(["--corpus", str(tmp_path), "--set", "held-out"]) == 2
    assert "in the held-out set" in capsys.readouterr().err


@pytest.mark.parametrize("number", [3, 4, 5])
def test_each_later_held_out_set_is_a_set(tmp_path, number):
    sources = tmp_path / "SOURCES.md"
    sources.write_text(SOURCES + f"\n## Held-out set {number}\n\n| repository | path | commit | what |\n|---|---|---|---|\n"
                       f"| later/app | `bin/docker-entrypoint` | `ffff` | held out {number} |\n", encoding="utf-8")
    assert corpus_score.set_name(f"Held-out set {number}") == f"held-out-{number}"
    assert corpus_score.folder_sets(sources)["later__app"] == f"held-out-{number}"
    (tmp_path / "SOURCES.md").rename(tmp_path / "kept.md")
    # --set held-out-N is accepted; with no folder of that set it says so and exits 2
    assert corpus_score.main(["--corpus", str(tmp_path), "--set", f"held-out-{number}"]) == 2
