"""Property: over generated deploy scripts, fixing never breaks a script nor lies about it.

Scripts are assembled from the patterns the fixable rules report (`heroku run`, `|| true` on a
primary or a queue task, `local x=$(…)`, a blocking queue migration, a status check, a seed
after a reset, an unused directive, no errexit), at random indentation, inside functions and
`if` blocks, with trailing comments. For each that `bash -n` accepts: the fixed script parses with `bash -n`,
no rule reports more findings than before and each rule fixed reports fewer, a fix is set aside
only when it would expose another rule's finding, nothing fixable is left, and a second pass
changes nothing.
"""

from __future__ import annotations

import os
from collections import Counter
import subprocess
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings, strategies as st

from orderlint.cli.fix import run_fixes
from orderlint.cli.run import Options, _apply_suppressions_and_baseline
from orderlint.cli.config import load_settings

PATTERNS = [
    "heroku run rails db:migrate:primary --app shop",
    "bin/rails db:migrate:primary || true",
    "bin/rails db:seed || :",
    "bin/rails db:migrate:queue",
    "bin/rails db:migrate:queue || true",
    "bundle exec rails db:migrate:queue",
    "if ! bin/rails db:migrate:status; then exit 1; fi",
    "bin/rails db:migrate:status || exit 1",
    "bin/rails db:migrate",
    "RAILS_ENV=production bundle exec rails db:migrate",
    "bin/rails db:reset",
    "bin/rails db:seed",
    "bin/rails db:abort_if_pending_migrations",
    "echo step",
    "# orderlint: disable=OL202 -- the workers need it",
]
IN_FUNCTION = ["local out=$(bin/rails db:migrate:primary)", "bin/rails db:migrate:queue"]

statement = st.sampled_from(PATTERNS)
indent = st.sampled_from(["", "  ", "    ", "\t"])
comment = st.sampled_from(["", "  # step", "	# note"])


@st.composite
def scripts(draw) -> str:
    lines = ["#!/usr/bin/env bash"]
    errexit = draw(st.sampled_from(["set -euo pipefail", "set -e", "set -eu", ""]))
    if errexit:
        lines.append(errexit)
    functions = 0
    for _ in range(draw(st.integers(1, 6))):
        shape = draw(st.sampled_from(["plain", "plain", "function", "if"]))
        text = draw(statement)
        tail = "" if text.startswith("#") else draw(comment)
        pad = draw(indent)
        if shape == "plain":
            lines.append(f"{text}{tail}")
        elif shape == "function":
            functions += 1
            body = draw(st.sampled_from(IN_FUNCTION + [text]))
            lines += [f"step{functions}() {{", f"{pad or '  '}{body}{tail}", "  echo done", "}", f"step{functions}"]
        else:
            lines += ['if [ -n "${DEPLOY:-}" ]; then', f"{pad or '  '}{text}{tail}", "fi"]
    return "\n".join(lines) + "\n"


def first_analysis(outcome):
    return outcome.first


def fix_tree(root: Path, unsafe: bool):
    options = Options(paths=(Path("ops"),), no_cache=True, fix=True, unsafe_fixes=unsafe)
    conf = load_settings(options)
    return run_fixes(conf, options, [Path("ops")], None, lambda *a: None,
                     lambda r, d: _apply_suppressions_and_baseline(r, d, conf, options))[0]


@settings(max_examples=int(os.environ.get("ORDERLINT_FIX_EXAMPLES", "30")), deadline=None,
          suppress_health_check=list(HealthCheck))
@given(script=scripts(), unsafe=st.booleans())
def test_fixing_generated_scripts(script: str, unsafe: bool):
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ".git").mkdir()
        (root / "ops").mkdir()
        target = root / "ops" / "deploy-app.sh"
        target.write_text(script)
        assume(subprocess.run(["bash", "-n", str(target)], capture_output=True).returncode == 0)
        os.chdir(root)
        try:
            outcome = fix_tree(root, unsafe)
            # A fix may be set aside only because it would expose another rule's finding (a queue
            # task made non-blocking no longer guarantees the seed runs after it): never because
            # it leaves its own finding or breaks the script.
            bugs = [(d.code, d.line, str(why)) for d, why in outcome.rejected if why.id != "autofix.rejected-new"]
            assert bugs == []
            before = Counter(d.code for d in first_analysis(outcome))
            after = Counter(d.code for d in outcome.diagnostics)
            assert not after - before, (after - before, script)
            for code in {d.code for d in outcome.fixed}:
                assert after[code] < before[code] or code == "OL004", code
            fixed = outcome.texts.get("ops/deploy-app.sh", script.encode())
            target.write_bytes(fixed)
            assert subprocess.run(["bash", "-n", str(target)], capture_output=True).returncode == 0, fixed.decode()
            set_aside = {d.code for d, _ in outcome.rejected}
            left = [d for d in outcome.diagnostics if d.fix is not None and (d.fix.safe or unsafe)
                    and d.code not in set_aside]
            assert left == [], [(d.code, d.line) for d in left]
            again = fix_tree(root, unsafe)
            assert again.changed == {} and again.fixed == []
        finally:
            os.chdir(here)
