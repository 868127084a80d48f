"""Extraction of Rails database task invocations, for every form a script can use.

The fixture trees ``fixtures/forms/<tree>/ops/**/*.sh`` say on each line what orderlint
must extract there:

    bin/rails db:create db:migrate      # invokes: db:create db:migrate
    # invokes+1: db:migrate             (annotates the next line; ``+N``: the N-th line below)
    echo "bin/rails db:migrate"         # invokes: -      (nothing may be reported here)
    bin/rails "$TASK"                   # dynamic-task    (an OL003 diagnostic on this line)

A task is reported at the line where its NAME is written: at the call site of a wrapper
function that receives it as an argument, at the body line of a function that names it,
inside a string or heredoc at the line of the outer file that holds it. Only tasks whose
name starts with ``db:`` are reported.

Each tree is analysed once through the CLI (``python -m orderlint <tree>/ops --format json``);
every fixture file is then compared with its annotations in both directions: every annotated
task must be reported on its line, every reported invocation must be annotated, and the tasks
of one line must come in the annotated order when sorted by column.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
FORMS_DIR = REPO_ROOT / "fixtures" / "forms"
FIXTURE_FILES = sorted(FORMS_DIR.glob("*/ops/**/*.sh"))


def _rel(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix()


FIXTURE_IDS = [_rel(p) for p in FIXTURE_FILES]

# ``# invokes: db:a db:b``, ``# invokes+1: db:a``, ``# invokes: -``; the list ends at the
# next ``#`` (so ``# invokes: -  # dynamic-task`` is two annotations).
INVOKES_RE = re.compile(r"#\s*invokes(?:\+(?P<offset>\d+))?:(?P<body>[^#]*)")
DYNAMIC_RE = re.compile(r"#\s*dynamic-task\b")
ANNOTATION_START_RE = re.compile(r"#\s*(?:invokes(?:\+\d+)?:|dynamic-task\b)")
TASK_NAME_RE = re.compile(r"^db:[A-Za-z0-9_]+(?::[A-Za-z0-9_]+)*$")
DB_MENTION_RE = re.compile(r"(?<![\w:])db:")


# --------------------------------------------------------------------------- annotations


@dataclass
class Annotations:
    lines: list[str]
    expected: dict[int, list[str]] = field(default_factory=dict)  # line -> tasks, in order
    annotated: set[int] = field(default_factory=set)  # lines with any invokes annotation
    dynamic: set[int] = field(default_factory=set)  # lines marked ``# dynamic-task``

    def counter(self) -> Counter:
        return Counter((line, task) for line, tasks in self.expected.items() for task in tasks)


def code_part(text: str) -> str:
    """The line without its annotation comments."""
    match = ANNOTATION_START_RE.search(text)
    return text if match is None else text[: match.start()]


@functools.lru_cache(maxsize=None)
def parse_annotations(rel_path: str) -> Annotations:
    path = REPO_ROOT / rel_path
    lines = path.read_text(encoding="utf-8").splitlines()
    ann = Annotations(lines=lines)
    for lineno, text in enumerate(lines, start=1):
        if DYNAMIC_RE.search(text):
            ann.dynamic.add(lineno)
        for match in INVOKES_RE.finditer(text):
            offset = int(match.group("offset") or 0)
            target = lineno + offset
            if not 1 <= target <= len(lines):
                raise ValueError(f"{rel_path}:{lineno}: annotation points past the end of the file")
            if target in ann.annotated:
                raise ValueError(f"{rel_path}:{lineno}: line {target} is annotated twice")
            tokens = match.group("body").split()
            if tokens == ["-"]:
                tasks: list[str] = []
            else:
                bad = [t for t in tokens if not TASK_NAME_RE.match(t)]
                if not tokens or bad:
                    raise ValueError(
                        f"{rel_path}:{lineno}: malformed annotation {match.group(0).strip()!r}"
                    )
                tasks = tokens
            ann.annotated.add(target)
            if tasks:
                ann.expected[target] = tasks
    return ann


def _fmt(entries, lines: list[str]) -> str:
    return "\n".join(
        f"    line {line}: {task}    | {lines[line - 1].strip()}" for line, task in sorted(entries)
    )


# --------------------------------------------------------------------------- the CLI


def _norm_path(path: str) -> str:
    return PurePosixPath(path.replace("\\", "/")).as_posix()


@functools.lru_cache(maxsize=None)
def _run_tree(tree: str) -> tuple[dict | None, str]:
    """Run the CLI once per fixture tree: (parsed JSON or None, error text)."""
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env["NO_COLOR"] = "1"
    ops = f"fixtures/forms/{tree}/ops"
    cmd = [sys.executable, "-m", "orderlint", ops, "--format", "json"]
    try:
        proc = subprocess.run(
            cmd, cwd=REPO_ROOT, capture_output=True, text=True, env=env, timeout=300
        )
    except subprocess.TimeoutExpired:
        return None, f"`{' '.join(cmd)}` timed out"
    where = f"`{' '.join(cmd)}` (cwd {REPO_ROOT})"
    if proc.returncode not in (0, 1):
        return None, f"{where} exited {proc.returncode}\nstderr:\n{proc.stderr[-4000:]}"
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        return None, (
            f"{where} exited {proc.returncode}; stdout is not JSON ({exc})\n"
            f"stdout:\n{proc.stdout[:2000]}\nstderr:\n{proc.stderr[-4000:]}"
        )
    if not isinstance(data, dict) or data.get("version") != 1:
        return None, f"{where}: expected a JSON object with \"version\": 1"
    for key in ("files", "invocations", "diagnostics"):
        if not isinstance(data.get(key), list):
            return None, f"{where}: JSON has no list {key!r}"
    return data, ""


def analyze(rel_path: str) -> dict:
    tree = PurePosixPath(rel_path).parts[2]  # fixtures/forms/<tree>/ops/...
    data, error = _run_tree(tree)
    if data is None:
        pytest.fail(error, pytrace=False)
    return data


def reported_invocations(rel_path: str) -> list[dict]:
    """Invocations reported in one file, deduplicated by (line, column, task)."""
    seen: dict[tuple[int, int, str], dict] = {}
    for inv in analyze(rel_path)["invocations"]:
        if _norm_path(inv["path"]) != rel_path:
            continue
        seen.setdefault((inv["line"], inv["column"], inv["task"]), inv)
    return [seen[key] for key in sorted(seen)]


def invocations_at(rel_path: str, line: int, task: str) -> list[dict]:
    return [
        inv
        for inv in analyze(rel_path)["invocations"]
        if _norm_path(inv["path"]) == rel_path and inv["line"] == line and inv["task"] == task
    ]


def find_line(rel_path: str, code: str) -> tuple[int, str]:
    """The only line whose code part (annotations removed, stripped) is exactly ``code``."""
    lines = parse_annotations(rel_path).lines
    hits = [(n, t) for n, t in enumerate(lines, start=1) if code_part(t).strip() == code]
    assert len(hits) == 1, f"{rel_path}: expected exactly one line {code!r}, found {len(hits)}"
    return hits[0]


# --------------------------------------------------------------------------- fixture checks
# (these hold without the analyzer)


@pytest.mark.parametrize("rel_path", FIXTURE_IDS, ids=FIXTURE_IDS)
def test_fixture_is_valid_bash(rel_path):
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash not available")
    proc = subprocess.run([bash, "-n", rel_path], cwd=REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, f"bash -n {rel_path}:\n{proc.stderr}"


@pytest.mark.parametrize("rel_path", FIXTURE_IDS, ids=FIXTURE_IDS)
def test_fixture_annotations_are_complete(rel_path):
    """Every line mentioning a db: task is annotated, and annotated names are on their line."""
    ann = parse_annotations(rel_path)
    problems = []
    for lineno, text in enumerate(ann.lines, start=1):
        code = code_part(text)
        if DB_MENTION_RE.search(code) and lineno not in ann.annotated:
            problems.append(f"line {lineno} mentions a db: task but has no annotation: {text!r}")
    for lineno, tasks in ann.expected.items():
        code = code_part(ann.lines[lineno - 1])
        for task, count in Counter(tasks).items():
            written = len(re.findall(rf"(?<![\w:]){re.escape(task)}(?![\w:])", code))
            if written < count:
                problems.append(
                    f"line {lineno}: annotated {count}x {task} but the name is written {written}x"
                )
    assert not problems, f"{rel_path}:\n" + "\n".join(problems)


def test_fixture_trees_cover_the_required_trees():
    trees = {p.parent.name for p in FORMS_DIR.glob("*/ops")}
    assert {"direct", "wrappers", "containers", "nested", "functions"} <= trees


# --------------------------------------------------------------------------- extraction


@pytest.mark.parametrize("rel_path", FIXTURE_IDS, ids=FIXTURE_IDS)
def test_file_is_discovered(rel_path):
    files = analyze(rel_path)["files"]
    assert rel_path in json.dumps(files), f"{rel_path} is not listed in the JSON 'files'"


@pytest.mark.parametrize("rel_path", FIXTURE_IDS, ids=FIXTURE_IDS)
def test_invocations_match_annotations(rel_path):
    ann = parse_annotations(rel_path)
    invs = reported_invocations(rel_path)
    expected = ann.counter()
    actual = Counter((inv["line"], inv["task"]) for inv in invs)
    missing = expected - actual
    unexpected = actual - expected
    message = [f"{rel_path}: reported invocations differ from the annotations"]
    if missing:
        message.append("  missing (annotated, not reported):\n" + _fmt(missing.elements(), ann.lines))
    if unexpected:
        message.append(
            "  unexpected (reported, not annotated):\n" + _fmt(unexpected.elements(), ann.lines)
        )
    assert not missing and not unexpected, "\n".join(message)

    by_line: dict[int, list[dict]] = defaultdict(list)
    for inv in invs:
        by_line[inv["line"]].append(inv)
    wrong_order = []
    for line, tasks in sorted(ann.expected.items()):
        got = [inv["task"] for inv in sorted(by_line[line], key=lambda inv: inv["column"])]
        if got != tasks:
            wrong_order.append(f"    line {line}: expected {tasks}, got (by column) {got}")
    assert not wrong_order, f"{rel_path}: tasks out of order:\n" + "\n".join(wrong_order)


@pytest.mark.parametrize("rel_path", FIXTURE_IDS, ids=FIXTURE_IDS)
def test_dynamic_task_diagnostics(rel_path):
    ann = parse_annotations(rel_path)
    lines = {
        d["line"]
        for d in analyze(rel_path)["diagnostics"]
        if d.get("code") == "OL003" and _norm_path(d["path"]) == rel_path
    }
    missing = sorted(ann.dynamic - lines)
    unexpected = sorted(lines - ann.dynamic)
    assert not missing and not unexpected, (
        f"{rel_path}: OL003 dynamic-task diagnostics differ from the '# dynamic-task' lines\n"
        f"  missing on lines: {missing}\n  unexpected on lines: {unexpected}"
    )


@pytest.mark.parametrize("rel_path", FIXTURE_IDS, ids=FIXTURE_IDS)
def test_columns_point_at_task_names(rel_path):
    """1-based columns in the file itself, even inside strings and heredocs."""
    lines = parse_annotations(rel_path).lines
    wrong = []
    for inv in reported_invocations(rel_path):
        line, column, task = inv["line"], inv["column"], inv["task"]
        if not 1 <= line <= len(lines):
            wrong.append(f"    line {line} is outside the file ({task})")
            continue
        text = lines[line - 1]
        # The column may point at the name or at the quote that opens its word.
        at = text[column - 1 :] if column >= 1 else ""
        name = at.lstrip("'\"\\")
        if not (name.startswith(task) and not re.match(r"[\w:]", name[len(task) : len(task) + 1])):
            wrong.append(f"    line {line} column {column}: {task} not found there in {text!r}")
    assert not wrong, f"{rel_path}: columns do not point at the task names:\n" + "\n".join(wrong)


# --------------------------------------------------------------------------- focused details


def test_via_of_sudo_docker_compose_chain_mentions_docker_compose():
    rel_path = "fixtures/forms/containers/ops/compose.sh"
    line, _ = find_line(
        rel_path, "sudo -u deploy docker compose exec -T web bundle exec rails db:migrate"
    )
    invs = invocations_at(rel_path, line, "db:migrate")
    assert invs, f"{rel_path}:{line}: db:migrate not reported"
    for inv in invs:
        via = inv["via"]
        assert isinstance(via, list) and via, f"{rel_path}:{line}: empty via {via!r}"
        assert re.search(r"docker\W*compose", json.dumps(via).lower()), (
            f"{rel_path}:{line}: via does not mention docker compose: {via!r}"
        )


@pytest.mark.parametrize(
    ("rel_path", "code", "task"),
    [
        pytest.param(
            "fixtures/forms/nested/ops/strings.sh",
            "bash -c 'cd /app && bin/rails db:migrate'",
            "db:migrate",
            id="bash-c-single-line",
        ),
        pytest.param(
            "fixtures/forms/nested/ops/strings.sh",
            "bin/rails db:migrate:queue'",
            "db:migrate:queue",
            id="bash-lc-third-line-of-string",
        ),
        pytest.param(
            "fixtures/forms/nested/ops/ssh.sh",
            "timeout 600 ssh deploy@app1.internal "
            "'bash -lc \"cd /srv/app/current && bin/rails db:migrate\"'",
            "db:migrate",
            id="ssh-bash-lc-doubly-nested",
        ),
        pytest.param(
            "fixtures/forms/nested/ops/heredocs.sh",
            "bin/rails db:migrate:queue",
            "db:migrate:queue",
            id="tab-stripped-heredoc",
        ),
    ],
)
def test_column_inside_nested_shell_is_column_in_outer_file(rel_path, code, task):
    line, text = find_line(rel_path, code)
    invs = invocations_at(rel_path, line, task)
    assert invs, f"{rel_path}:{line}: {task} not reported"
    expected = text.index(task) + 1
    columns = sorted({inv["column"] for inv in invs})
    assert columns == [expected], (
        f"{rel_path}:{line}: column of {task} should be {expected} (1-based, outer file), "
        f"got {columns}\n    {text!r}"
    )


def test_wrapper_function_invocation_is_reported_at_call_site():
    rel_path = "fixtures/forms/functions/ops/deploy.sh"
    line, text = find_line(rel_path, "rails_cmd db:migrate")
    invs = invocations_at(rel_path, line, "db:migrate")
    assert invs, f"{rel_path}:{line}: db:migrate not reported at the call site"
    assert {inv["column"] for inv in invs} == {text.index("db:migrate") + 1}

    lib = "fixtures/forms/functions/ops/lib/rails.sh"
    body_line, _ = find_line(lib, 'docker compose exec -T web bin/rails "$@"')
    at_body = [
        inv
        for inv in analyze(lib)["invocations"]
        if _norm_path(inv["path"]) == lib and inv["line"] == body_line
    ]
    assert not at_body, f"{lib}:{body_line}: the wrapper body must not be reported: {at_body}"


@pytest.mark.parametrize(
    ("rel_path", "code", "task", "environment"),
    [
        pytest.param(
            "fixtures/forms/wrappers/ops/env.sh",
            "RAILS_ENV=production bin/rails db:migrate",
            "db:migrate",
            "production",
            id="assignment-prefix",
        ),
        pytest.param(
            "fixtures/forms/wrappers/ops/env.sh",
            "env RAILS_ENV=staging bin/rails db:migrate:queue",
            "db:migrate:queue",
            "staging",
            id="env-command",
        ),
    ],
)
def test_rails_env_prefix_sets_invocation_environment(rel_path, code, task, environment):
    line, _ = find_line(rel_path, code)
    invs = invocations_at(rel_path, line, task)
    assert invs, f"{rel_path}:{line}: {task} not reported"
    got = sorted({str(inv["environment"]) for inv in invs})
    assert got == [environment], f"{rel_path}:{line}: environment {got}, expected {environment!r}"
