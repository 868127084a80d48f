"""Coverage-guided fuzzing of the whole pipeline with atheris (long runs; not part of CI).

    pip install atheris
    python benchmarks/fuzz_atheris.py -max_total_time=3600 -timeout=20 corpus/   # libFuzzer options

Seeds: the repository's fixture scripts (copied into the corpus folder when it is empty).
Each input is analysed as a script read from stdin, the rules run, and every output format is
rendered; any exception is a crash. A hang is reported by libFuzzer's -timeout.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import atheris  # noqa: E402

with atheris.instrument_imports():
    from orderlint.pipeline import Analyzer
    from orderlint.rules.check import run_rules
    from orderlint.report import Report
    from orderlint.cli.run import render
    from orderlint.settings import Settings

FORMATS = ("text", "json", "github", "sarif", "markdown")
SETTINGS = Settings()
NAMES = ("ops/production/deploy.sh", "ops/dev/reset.sh", "ops/lib/database.sh", "ops/staging/init-db.sh")


def one_input(data: bytes) -> None:
    if not data:
        return
    name = NAMES[data[0] % len(NAMES)]
    results = Analyzer(SETTINGS).analyze([], (name, data[1:]))
    diagnostics = run_rules(results, SETTINGS)
    try:
        from orderlint.cli.suppress import apply_suppressions

        diagnostics = apply_suppressions(results, diagnostics, SETTINGS)
    except ImportError:
        pass
    report = Report(results, tuple(diagnostics), date="2000-01-01")
    for fmt in FORMATS:
        text = render(fmt, report)
        if fmt in ("json", "sarif"):
            json.loads(text)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="orderlint-atheris-"))
    (work / ".git").mkdir()
    (work / "ops" / "lib").mkdir(parents=True)
    (work / "ops" / "lib" / "common.sh").write_bytes(b"die() { echo \"$*\" >&2; exit 1; }\n")
    corpus = next((Path(a) for a in sys.argv[1:] if not a.startswith("-")), None)
    if corpus is not None:
        corpus.mkdir(parents=True, exist_ok=True)
        if not any(corpus.iterdir()):
            for i, script in enumerate(sorted((REPO / "fixtures").rglob("*.sh"))):
                shutil.copy(script, corpus / f"seed-{i:04d}")
        corpus_arg = str(corpus.resolve())
        sys.argv = [a if a != str(corpus) and Path(a) != corpus else corpus_arg for a in sys.argv]
    os.chdir(work)
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
