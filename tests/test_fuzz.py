"""Property tests: whatever the bytes, the pipeline returns results or diagnostics and never raises.

Three kinds of input: random bytes; the repository's real scripts, mutated (lines cut, doubled,
swapped, shell tokens spliced in, bytes flipped); and generated scripts nesting if / case /
loops / `$( )` / functions / subshells / heredocs / `&&` `||` / pipelines around Rails tasks.
Every output format is rendered. For generated scripts the positions must also be right: each
task reported sits on the line it names. Longer runs: `benchmarks/fuzz_atheris.py`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO

FORMATS = ("text", "json", "github", "sarif", "markdown")
FIXTURE_SCRIPTS = sorted(p for p in (REPO / "fixtures").rglob("*.sh") if p.stat().st_size < 20_000)
EXAMPLES = int(os.environ.get("ORDERLINT_FUZZ_EXAMPLES", "150"))  # more for a longer local run
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    (root / ".git").mkdir()
    (root / "ops" / "lib").mkdir(parents=True)
    (root / "ops" / "lib" / "common.sh").write_bytes(b"die() { echo \"$*\" >&2; exit 1; }\n"
                                                      b"rails_cmd() { bin/rails \"$@\"; }\n")
    return root


def pipeline(root: Path, data: bytes, name: str = "ops/production/deploy.sh") -> dict:
    """Analyse `data` as the script `name` (read from stdin), run the rules, render every format."""

    from orderlint.pipeline import Analyzer
    from orderlint.rules.check import run_rules
    from orderlint.report import Report
    from orderlint.cli.run import render
    from orderlint.settings import Settings

    cwd = os.getcwd()
    os.chdir(root)
    try:
        settings_ = Settings()
        results = Analyzer(settings_).analyze([], (name, data))
        diagnostics = run_rules(results, settings_)
        try:
            from orderlint.cli.suppress import apply_suppressions

            diagnostics = apply_suppressions(results, diagnostics, settings_)
        except ImportError:  # pragma: no cover
            pass
        report = Report(results, tuple(diagnostics), date="2000-01-01")
        outputs = {fmt: render(fmt, report) for fmt in FORMATS}
    finally:
        os.chdir(cwd)
    assert not results.errors, results.errors
    for fmt, text in outputs.items():
        assert isinstance(text, str), fmt
    parsed = json.loads(outputs["json"])
    json.loads(outputs["sarif"])
    return parsed


# -- random bytes ------------------------------------------------------------------------------

@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(workdir, data):
    pipeline(workdir, data)


SHELLISH = st.lists(st.sampled_from([
    b"if ", b"then ", b"fi", b"else ", b"elif ", b"case ", b" in ", b"esac", b";;", b")", b"(", b"$(", b"`",
    b"{", b"}", b"&&", b"||", b"|", b";", b"&", b"\n", b"'", b'"', b"\\", b"<<EOF\n", b"<<'X'\n", b"EOF\n", b"X\n",
    b"while ", b"do ", b"done", b"for i in a b; ", b"function f ", b"f() ", b"f", b"bin/rails ", b"db:migrate",
    b"db:migrate:queue ", b"db:seed ", b"db:reset ", b"set -e\n", b"set +e\n", b"exit 1", b"return ", b"source ",
    b". ", b"./lib.sh", b"lib/common.sh ", b"eval ", b"bash -c ", b"ssh host ", b"sudo -u app ", b"$x", b"${x:-y}",
    b"$1", b"\"$@\"", b"[[ -n $x ]]", b"$((1+2))", b"# comment\n", b"\r\n", b"\x00", b"\xff", b"\xef\xbb\xbf",
    b"RAILS_ENV=production ", b"docker compose exec -T web ", b"kamal app exec ", b"heroku run ", b"! ", b"local x=",
]), max_size=120).map(b"".join)


@FUZZ
@given(SHELLISH)
def test_shell_token_soup(workdir, data):
    pipeline(workdir, b"#!/bin/bash\n" + data)


# -- mutated real scripts -------------------------------------------------------------------

@st.composite
def mutated_script(draw):
    path = draw(st.sampled_from(FIXTURE_SCRIPTS))
    lines = path.read_bytes().split(b"\n")
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(("cut", "double", "swap", "splice", "flip", "truncate", "unclose")))
        if op == "cut":
            del lines[i:i + draw(st.integers(1, 10))]
        elif op == "double":
            lines[i:i] = lines[i:i + draw(st.integers(1, 10))]
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "splice":
            lines.insert(i, draw(SHELLISH))
        elif op == "flip" and lines[i]:
            k = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:k] + bytes([draw(st.integers(0, 255))]) + lines[i][k + 1:]
        elif op == "truncate":
            lines = lines[:i]
        elif op == "unclose":
            lines[i] = lines[i].replace(b"}", b"").replace(b"fi", b"").replace(b"done", b"").replace(b"'", b"")
    return path.relative_to(REPO).as_posix(), b"\n".join(lines)


@FUZZ
@given(mutated_script())
def test_mutated_real_scripts(workdir, case):
    name, data = case
    pipeline(workdir, data, name.split("/", 2)[-1] if name.count("/") > 2 else name)


# -- generated nesting ------------------------------------------------------------------------

TASKS = ("db:migrate", "db:migrate:queue", "db:seed", "db:reset", "db:migrate:status", "db:prepare")


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else line for line in text.split("\n"))


@st.composite
def leaf(draw):
    task = draw(st.sampled_from(TASKS))
    runner = draw(st.sampled_from(("bin/rails", "bundle exec rails", "bundle exec rake", "rails_cmd")))
    tail = draw(st.sampled_from(("", " || true", " || die \"failed\"", " || echo 'warn' >&2", " && echo ok",
                                 " | tee log", " &")))
    return f"{runner} {task}{tail}"


def nest(children):
    def build(draw_kind_and_parts):
        kind, parts = draw_kind_and_parts
        body = "\n".join(parts)
        if kind == "if":
            return f"if [[ -n \"${{X:-}}\" ]]; then\n{_indent(body)}\nelse\n  echo none\nfi"
        if kind == "case":
            return f"case \"${{1:-}}\" in\n  start)\n{_indent(_indent(body))}\n    ;;\n  *) echo usage ;;\nesac"
        if kind == "while":
            return f"while read -r line; do\n{_indent(body)}\n  break\ndone < /dev/null"
        if kind == "for":
            return f"for i in 1; do\n{_indent(body)}\ndone"
        if kind == "subshell":
            return f"(\n{_indent(body)}\n)"
        if kind == "group":
            return f"{{\n{_indent(body)}\n}}"
        if kind == "substitution":
            return f"out=$(\n{_indent(body)}\n)"
        if kind == "function":
            name = f"step_{abs(hash(body)) % 100000}"
            return f"{name}() {{\n{_indent(body)}\n}}\n{name}"
        if kind == "heredoc":
            return f"bash <<'EOF'\n{body}\nEOF"
        if kind == "bash-c":
            return "bash -c '" + body.replace("'", "'\\''") + "'"
        if kind == "and":
            return f"true && {{\n{_indent(body)}\n}}"
        return body

    kinds = st.sampled_from(("if", "case", "while", "for", "subshell", "group", "substitution", "function",
                             "heredoc", "bash-c", "and"))
    return st.tuples(kinds, st.lists(children, min_size=1, max_size=3)).map(build)


GENERATED = st.recursive(leaf(), nest, max_leaves=12)


@FUZZ
@given(st.lists(GENERATED, min_size=1, max_size=4), st.sampled_from(("set -euo pipefail\n", "set -e\n", "")))
def test_generated_nesting(workdir, blocks, header):
    script = "#!/bin/bash\n" + header + "source ops/lib/common.sh\n" + "\n".join(blocks) + "\n"
    data = script.encode()
    report = pipeline(workdir, data)
    lines = script.split("\n")
    for inv in report["invocations"]:
        if inv["path"] != "ops/production/deploy.sh":
            continue
        line = lines[inv["line"] - 1]
        base = inv["task"]
        assert base in line, (inv, line)
        assert line[inv["column"] - 1:].startswith(base), (inv, line)


@FUZZ
@given(st.lists(GENERATED, min_size=1, max_size=3))
def test_same_input_same_output(workdir, blocks):
    data = ("#!/bin/bash\nset -e\n" + "\n".join(blocks) + "\n").encode()
    assert pipeline(workdir, data) == pipeline(workdir, data)
