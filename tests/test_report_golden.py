"""Golden output of every format on the seed fixture (`--date 2025-12-30`).

Regenerate after an intended change: `ORDERLINT_UPDATE_GOLDEN=1 python -m pytest tests/test_report_golden.py`,
then read the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import pytest

from conftest import REPO
from report_support import DATE, SEED, check_golden, run

FORMATS = {
    "seed-app.json": ("--format", "json"),
    "seed-app.txt": ("--format", "text", "--no-color"),
    "seed-app.github": ("--format", "github"),
    "seed-app.sarif.json": ("--format", "sarif"),
    "seed-app.en.md": ("--format", "markdown", "--lang", "en"),
    "seed-app.fr.md": ("--format", "markdown", "--lang", "fr"),
}
ROOT_URI = REPO.resolve().as_uri() + "/"


@pytest.mark.parametrize("name", FORMATS)
def test_golden(name):
    out = run(SEED, *FORMATS[name], "--date", DATE).stdout.decode()
    if name.endswith(".sarif.json"):
        out = out.replace(ROOT_URI, "file:///REPO/")  # the one absolute path: where the repository is checked out
    check_golden(name, out)
