"""benchmarks/corpus_layout.py: LABELS.md read into labels, and labels applied to a copy."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import corpus_layout  # noqa: E402

LABELS = """# Labels

Conventions: `Lnn expect CODE`, `ok OL301` at first (not read: no repository yet).
`acme__shop/bin/start` (one `# expect+2:` line inserted after line 1)

## acme/shop
`bin/deploy` — no `set -e`; the `api`
`service` line above continues a paragraph (not a file).
- L3 expect OL201 — fails on.  expect OL301 — no check.
- L4, L6 ok OL201 — errexit (L5 is prose).
- L7–L8 expect OL203 ×2 — two tasks
  on one line.  ok OL202.

`bin/start` — sh.
- L4 expect OL401, OL201.  ok OL102.

## Held-out set

Preamble text with expect OL999 is not read.

### some-org/app
- `Procfile` L1 (`release: rake db:migrate`) expect OL501.
"""


def test_parse_labels():
    labels = corpus_layout.parse_labels(LABELS)
    assert labels["acme__shop/bin/deploy"] == {
        3: [("expect", "OL201"), ("expect", "OL301")],
        4: [("ok", "OL201")], 6: [("ok", "OL201")],
        7: [("expect", "OL203"), ("expect", "OL203"), ("ok", "OL202")],
        8: [("expect", "OL203"), ("expect", "OL203"), ("ok", "OL202")],
    }
    assert labels["acme__shop/bin/start"] == {4: [("expect", "OL401"), ("expect", "OL201"), ("ok", "OL102")]}
    assert labels["some-org__app/Procfile"] == {1: [("expect", "OL501")]}
    assert set(labels) == {"acme__shop/bin/deploy", "acme__shop/bin/start", "some-org__app/Procfile"}
    assert corpus_layout.inserted_lines(LABELS) == {"acme__shop/bin/start": (1, 2)}


def test_label_without_line_is_an_error():
    with pytest.raises(corpus_layout.LabelError):
        corpus_layout.parse_labels("## a/b\n`x` — y\n- expect OL201 — no line\n")


def test_annotate_appends_and_inserts():
    labels = corpus_layout.parse_labels(LABELS)
    out = corpus_layout.annotate(b"#!/bin/sh\nx \\\n  y\nrails db:drop\n", labels["acme__shop/bin/start"], (1, 2))
    assert out == b"#!/bin/sh\n# expect+2: OL401 OL201  # ok+2: OL102\nx \\\n  y\nrails db:drop\n"
    out = corpus_layout.annotate(b"a\r\nb\r\n", {2: [("expect", "OL201"), ("ok", "OL301")]}, None)
    assert out == b"a\r\nb  # expect: OL201  # ok: OL301\r\n"
    with pytest.raises(corpus_layout.LabelError):
        corpus_layout.annotate(b"a \\\nb\n", {1: [("expect", "OL201")]}, None)
    with pytest.raises(corpus_layout.LabelError):
        corpus_layout.annotate(b"a\n", {3: [("expect", "OL201")]}, None)


def test_labels_md_parses_and_names_only_listed_files():
    assert corpus_layout.main(["--list-labels"]) == 0
