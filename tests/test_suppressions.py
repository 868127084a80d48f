"""Inline directives: `# orderlint: disable=…` / `disable-file=…`, OL004, `--no-suppressions`.

Each form is checked through the CLI in a throwaway project; fixtures/config-suppress (an
annotated tree, also run by test_fixture_annotations) holds them together.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, run_cli

SUPPRESS_APP = REPO / "fixtures" / "config-suppress"

HEAD = "#!/usr/bin/env bash\nset -euo pipefail\n"


def found(tmp_path: Path, script: str, *args: str, name: str = "ops/a.sh", extra: dict | None = None) -> list:
    """(path, line, code, severity, message) of every finding for `script` (after the usual header).

    OL104 (a flow that migrates only the queue) is ignored in the configuration: these snippets
    migrate the queue alone.
    """
    (tmp_path / ".orderlint.toml").write_text('ignore = ["OL104"]\n')
    for file, text in {name: HEAD + textwrap.dedent(script), **(extra or {})}.items():
        path = tmp_path / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    proc = run_cli("ops", "--format", "json", *args, cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return [(d["path"], d["line"], d["code"], d["severity"], d["message"])
            for d in json.loads(proc.stdout)["diagnostics"]]


def lines(results, code: str | None = None) -> list[tuple[int, str]]:
    return [(line, c) for _, line, c, _, _ in results if code is None or c == code]


# ruff-style: every finding of these snippets is OL202 (a failing queue migration stops the script)
QUEUE = "bin/rails db:migrate:queue"


def test_directive_on_the_line_before_a_command(tmp_path):
    results = found(tmp_path, f"""\
        # orderlint: disable=OL202 -- the worker needs the new queue schema
        {QUEUE}
        {QUEUE}
        """)
    assert lines(results) == [(5, "OL202")]


def test_directive_at_the_end_of_the_line(tmp_path):
    results = found(tmp_path, f"""\
        {QUEUE}  # orderlint: disable=OL202 -- the worker needs the new queue schema
        {QUEUE}
        """)
    assert lines(results) == [(4, "OL202")]


def test_comment_lines_between_directive_and_command(tmp_path):
    results = found(tmp_path, f"""\
        # orderlint: disable=OL202 -- blocking on purpose
        # (the queue schema must match the worker's code)
        {QUEUE}
        """)
    assert results == []


def test_a_blank_line_breaks_the_directive(tmp_path):
    results = found(tmp_path, f"""\
        # orderlint: disable=OL202 -- blocking on purpose

        {QUEUE}
        """)
    assert [(r[1], r[2], r[3]) for r in results] == [(3, "OL004", "warning"), (5, "OL202", "warning")]
    assert results[0][4] == ("unused suppression: no command on the next line for it to cover; put it on the line "
                             "right above the command, or at the end of the command's line")


@pytest.mark.parametrize("compound", [
    f"if [[ -n ${{RETRY:-}} ]]; then\n  {QUEUE}\nelse\n  {QUEUE}\nfi",
    f"case ${{1:-}} in\n  retry) {QUEUE} ;;\n  *) {QUEUE} ;;\nesac",
    f"for attempt in 1 2; do\n  {QUEUE}\n  {QUEUE}\ndone",
    f"while true; do\n  {QUEUE}\n  break\ndone",
    f"{{\n  {QUEUE}\n  {QUEUE}\n}}",
    f"(\n  {QUEUE}\n  {QUEUE}\n)",
    f"ssh app@host bash <<'EOF'\nset -e\n{QUEUE}\n{QUEUE}\nEOF",
], ids=["if", "case", "for", "while", "group", "subshell", "heredoc"])
def test_directive_before_a_compound_command_covers_all_its_lines(tmp_path, compound):
    last = compound.count("\n") + 5  # the line of the command after the compound one
    plain = found(tmp_path, "# (no directive)\n" + compound + f"\n{QUEUE}\n")
    assert lines(plain, "OL202")[-1] == (last, "OL202") and len(lines(plain, "OL202")) >= 2, plain
    results = found(tmp_path, "# orderlint: disable=OL202 -- on purpose\n" + compound + f"\n{QUEUE}\n")
    assert lines(results) == [(last, "OL202")], results


def test_directive_before_an_and_list_spanning_lines(tmp_path):
    results = found(tmp_path, f"""\
        # orderlint: disable=OL202 -- blocks on purpose
        true &&
          {QUEUE}
        {QUEUE}
        """)
    assert lines(results) == [(6, "OL202")]


def test_trailing_directive_on_the_first_line_of_a_compound_command(tmp_path):
    results = found(tmp_path, f"""\
        if [[ -n ${{RETRY:-}} ]]; then  # orderlint: disable=OL202 -- on purpose
          {QUEUE}
        fi
        {QUEUE}
        """)
    assert lines(results) == [(6, "OL202")]


def test_trailing_directive_on_a_continued_command(tmp_path):
    results = found(tmp_path, """\
        bin/rails \\
          db:migrate:queue  # orderlint: disable=OL202 -- on purpose
        """)
    assert results == []


def test_directive_before_a_function_definition(tmp_path):
    results = found(tmp_path, f"""\
        # orderlint: disable=OL202 -- the queue blocks on purpose here
        migrate_queue() {{
          echo "queue"
          {QUEUE}
        }}
        other() {{
          {QUEUE}
        }}
        migrate_queue
        other
        """)
    assert lines(results) == [(9, "OL202")]


def test_function_defined_early_called_late(tmp_path):
    results = found(tmp_path, f"""\
        migrate_queue() {{
          {QUEUE}  # orderlint: disable=OL202 -- on purpose
        }}
        bin/rails db:migrate:primary
        migrate_queue
        """)
    assert results == []


def test_disable_file_after_the_shebang(tmp_path):
    (tmp_path / "ops").mkdir()
    script = "#!/usr/bin/env bash\n# orderlint: disable-file=OL202 -- all queue tasks block here\nset -e\n" + \
             f"{QUEUE}\nf() {{ {QUEUE}; }}\nf\n"
    (tmp_path / "ops" / "a.sh").write_text(script)
    (tmp_path / ".orderlint.toml").write_text('ignore = ["OL104"]\n')
    proc = run_cli("ops", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0 and json.loads(proc.stdout)["diagnostics"] == []


def test_several_codes(tmp_path):
    script = f"""\
        # orderlint: disable = OL202, OL101 -- queue first on purpose
        {QUEUE}
        bin/rails db:migrate:primary
        """
    assert [c for _, _, c, _, _ in found(tmp_path, script.replace("# orderlint", "# nothing"))] == ["OL101", "OL202"]
    assert found(tmp_path, script) == []


def test_lower_case_codes_and_hashes(tmp_path):
    assert found(tmp_path, f"{QUEUE}  #orderlint:disable=ol202 -- on purpose\n") == []


def test_unused_directive_is_reported_at_its_line(tmp_path):
    results = found(tmp_path, """\
        # orderlint: disable=OL202 -- stale: the primary migration cannot fail silently
        bin/rails db:migrate:primary
        """)
    assert results == [("ops/a.sh", 3, "OL004", "warning",
                        "unused suppression: no OL202 finding on line 4; remove it")]


def test_partly_unused_directive(tmp_path):
    results = found(tmp_path, f"""\
        # orderlint: disable=OL202,OL203 -- on purpose
        if true; then
          {QUEUE}
        fi
        """)
    assert results == [("ops/a.sh", 3, "OL004", "warning",
                        "unused suppression: no OL203 finding on lines 4–6; remove it")]


def test_unused_disable_file(tmp_path):
    results = found(tmp_path, "# orderlint: disable-file=OL401 -- dev only\nbin/rails db:migrate:primary\n")
    assert results == [("ops/a.sh", 3, "OL004", "warning",
                        "unused suppression: no OL401 finding in this file; remove it")]


def test_directive_without_a_reason_is_info(tmp_path):
    results = found(tmp_path, f"{QUEUE}  # orderlint: disable=OL202\n")
    assert results == [("ops/a.sh", 3, "OL004", "info",
                        "suppression without a reason; say why after ` -- `: "
                        "`# orderlint: disable=OL202 -- why`")]
    assert run_cli("ops", cwd=tmp_path).returncode == 0  # info is below the default fail level
    assert run_cli("ops", "--fail-level", "info", cwd=tmp_path).returncode == 1


@pytest.mark.parametrize("directive,message", [
    ("# orderlint: disable=OL2O2 -- x", "unknown rule code 'OL2O2'; did you mean 'OL202'?"),
    ("# orderlint: disable=OL2 -- x", "'OL2' is a prefix, not a rule code"),
    ("# orderlint: disabel=OL202 -- x", "unknown directive `disabel`; did you mean `disable`?"),
    ("# orderlint: enable=OL202", "unknown directive `enable`; did you mean `disable`?"),
    ("# orderlint: ignore=OL202", "unknown directive `ignore`; write `# orderlint: disable=OL202 -- reason`"),
    ("# orderlint: disable -- x", "`disable` needs rule codes: `# orderlint: disable=OL202 -- reason`"),
    ("# orderlint: disable=OL202 because", "malformed directive; write `# orderlint: disable=OL202 -- reason`"),
])
def test_malformed_directives(tmp_path, directive, message):
    results = found(tmp_path, f"{directive}\nbin/rails db:migrate:primary\n")
    assert results == [("ops/a.sh", 3, "OL004", "warning", message)]


def test_directives_in_strings_and_heredocs_are_text(tmp_path):
    results = found(tmp_path, f"""\
        echo "# orderlint: disable=OL202 -- not a comment"
        cat <<'EOF'
        # orderlint: disable=OL202 -- not a comment either
        EOF
        {QUEUE}
        """)
    assert lines(results) == [(7, "OL202")]


def test_library_directive_suppresses_findings_reported_in_the_library(tmp_path):
    library = f"""\
        #!/usr/bin/env bash
        # orderlint: disable=OL202 -- the worker needs the new schema
        migrate_queue() {{
          {QUEUE}
        }}
        """
    entry = """\
        # shellcheck source=lib/q.sh
        source "$(dirname "$0")/lib/q.sh"
        bin/rails db:migrate:primary
        migrate_queue
        """
    assert found(tmp_path, entry, name="ops/migrate.sh", extra={"ops/lib/q.sh": textwrap.dedent(library)}) == []
    # a directive at the call site does not reach into the library
    results = found(tmp_path, entry.replace("migrate_queue\n", "migrate_queue  # orderlint: disable=OL202 -- x\n"),
                    name="ops/migrate.sh", extra={"ops/lib/q.sh": textwrap.dedent(library).replace("# orderlint", "#")})
    assert [(p, line, c) for p, line, c, _, _ in results] == [("ops/lib/q.sh", 4, "OL202"),
                                                              ("ops/migrate.sh", 6, "OL004")]


def test_library_outside_the_scanned_paths(tmp_path):
    (tmp_path / ".orderlint.toml").write_text("")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "q.sh").write_text(
        f"# orderlint: disable=OL202 -- on purpose\nmigrate_queue() {{\n  {QUEUE}\n}}\n"
        "# orderlint: disable=OL401 -- used by ops/dev scripts only\nreset() {\n  bin/rails db:reset\n}\n")
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "a.sh").write_text(
        HEAD + "source \"$(dirname \"$0\")/../lib/q.sh\"\nbin/rails db:migrate:primary\nmigrate_queue\n")
    proc = run_cli("ops", "--format", "json", cwd=tmp_path)
    # suppressed from the library; its directive for other scripts is not reported as unused
    assert json.loads(proc.stdout)["diagnostics"] == []


def test_no_suppressions(tmp_path):
    script = f"""\
        bin/rails db:migrate:primary
        # orderlint: disable=OL202 -- on purpose
        {QUEUE}
        # orderlint: disable=OL401 -- stale
        echo done
        {QUEUE}  # orderlint: disable=OL202
        """
    assert lines(found(tmp_path, script)) == [(6, "OL004"), (8, "OL004")]
    assert lines(found(tmp_path, script, "--no-suppressions")) == [(5, "OL202"), (8, "OL202")]


def test_unused_does_not_depend_on_the_selection(tmp_path):
    script = f"# orderlint: disable=OL202 -- on purpose\n{QUEUE}\n"
    assert found(tmp_path, script, "--select", "OL004") == []
    assert found(tmp_path, script, "--select", "OL2,OL004") == []
    stale = "# orderlint: disable=OL202 -- stale\nbin/rails db:migrate:primary\n"
    assert lines(found(tmp_path, stale, "--select", "OL004")) == [(3, "OL004")]
    assert lines(found(tmp_path, stale, "--ignore", "OL202")) == [(3, "OL004")]


def test_ol004_follows_select_ignore_severity_and_per_file_ignores(tmp_path):
    stale = "# orderlint: disable=OL202 -- stale\nbin/rails db:migrate:primary\n"
    assert found(tmp_path, stale, "--ignore", "OL004") == []
    assert found(tmp_path, stale, "--select", "OL2") == []
    (tmp_path / "ops" / "a.sh").write_text(HEAD + stale)
    (tmp_path / ".orderlint.toml").write_text('severity = { OL004 = "error" }\n')
    proc = run_cli("ops", "--format", "json", cwd=tmp_path)
    assert [d["severity"] for d in json.loads(proc.stdout)["diagnostics"]] == ["error"]
    (tmp_path / ".orderlint.toml").write_text('per-file-ignores = { "ops/a.sh" = ["OL004"] }\n')
    proc = run_cli("ops", "--format", "json", cwd=tmp_path)
    assert json.loads(proc.stdout)["diagnostics"] == []


def test_disable_file_ol004_silences_the_reports(tmp_path):
    results = found(tmp_path, """\
        # orderlint: disable-file=OL004 -- directives kept for the next release
        # orderlint: disable=OL202 -- stale
        bin/rails db:migrate:primary
        """)
    assert results == []
    results = found(tmp_path, "# orderlint: disable-file=OL004 -- nothing to silence\nbin/rails db:migrate:primary\n")
    assert results == [("ops/a.sh", 3, "OL004", "warning", "unused suppression: no OL004 finding in this file; "
                                                           "remove it")]


def test_stdin(tmp_path):
    (tmp_path / ".orderlint.toml").write_text("")
    script = (HEAD + f"bin/rails db:migrate:primary\n{QUEUE}  # orderlint: disable=OL202 -- on purpose\n"
              "# orderlint: disable=OL101 -- stale\necho done\n").encode()
    proc = run_cli("-", "--stdin-filename", "ops/x.sh", "--format", "json", cwd=tmp_path, input=script)
    assert [(d["path"], d["line"], d["code"]) for d in json.loads(proc.stdout)["diagnostics"]] == [
        ("ops/x.sh", 5, "OL004")]


def test_suppress_fixture_with_and_without_suppressions():
    def codes(*args):
        proc = run_cli("--format", "json", *args, cwd=SUPPRESS_APP)
        return sorted((d["path"], d["line"], d["code"]) for d in json.loads(proc.stdout)["diagnostics"])

    assert codes() == [("ops/deploy.sh", 17, "OL004"), ("ops/deploy.sh", 21, "OL004"), ("ops/deploy.sh", 23, "OL004"),
                       ("ops/deploy.sh", 23, "OL202"), ("ops/deploy.sh", 26, "OL004")]
    assert codes("--no-suppressions") == [
        ("ops/deploy.sh", 7, "OL301"), ("ops/deploy.sh", 12, "OL202"), ("ops/deploy.sh", 14, "OL202"),
        ("ops/deploy.sh", 18, "OL202"), ("ops/deploy.sh", 21, "OL202"), ("ops/deploy.sh", 23, "OL202"),
        ("ops/lib/queue.sh", 8, "OL202")]
