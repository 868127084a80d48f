"""The pieces fixes are made of: sites found in the file's tree (also inside quoted shell),
offsets of the bytes on disk, edits applied, rounds without conflicts, places through edits."""

from __future__ import annotations

import pytest

from orderlint.fix.edits import Shift, apply_edits, non_conflicting
from orderlint.messages import Message
from orderlint.model import Applicability, Edit, Fix
from orderlint.shell.source import Source


def site(text: str, word: str, nth: int = 0):
    src = Source("ops/x.sh", text.encode())
    lines = text.split("\n")
    hits = [(row, line.index(word)) for row, line in enumerate(lines) if word in line]
    row, col = hits[nth]
    return src, src.site(row, col, word)


def test_a_plain_command_is_a_statement_of_its_own():
    src, s = site("set -e\n  bin/rails db:migrate  # note\n", "db:migrate")
    assert src.text(*s.statement()) == "bin/rails db:migrate"
    assert [w[2] for w in s.words()] == ["bin/rails", "db:migrate"]
    assert src.indent(s.statement()[0]) == "  "


@pytest.mark.parametrize("text", ["if bin/rails db:migrate; then :; fi\n", "bin/rails db:migrate &\n",
                                  "bin/rails db:migrate | tee log\n", "a && bin/rails db:migrate\n",
                                  "bin/rails db:migrate <<EOF\nx\nEOF\n"])
def test_no_statement_where_the_command_is_part_of_something(text):
    _, s = site(text, "db:migrate")
    assert s.statement() is None


def test_or_true_is_found_only_right_after_the_command():
    src, s = site("bin/rails db:seed || true\n", "db:seed")
    assert src.text(*s.or_discard()) == "true"
    _, s = site("a && bin/rails db:seed || true\n", "db:seed")
    assert s.or_discard() is None


def test_declaration_of_one_name():
    src, s = site("f() {\n  local out=$(bin/rails db:seed)\n}\n", "db:seed")
    span, builtin, name, assignment = s.declaration()
    assert (src.text(*span), builtin, name, src.text(*assignment)) == \
        ("local out=$(bin/rails db:seed)", "local", "out", "out=$(bin/rails db:seed)")
    _, s = site("f() {\n  local -r out=$(bin/rails db:seed)\n}\n", "db:seed")
    assert s.declaration() is None


def test_single_quoted_shell_is_edited_with_text_that_cannot_close_the_quote():
    src, s = site("ssh h 'cd /srv; bin/rails db:seed || true'\n", "db:seed")
    assert s.structural and src.text(*s.or_discard()) == "true"
    assert s.layer.allows("exit 1") and not s.layer.allows("echo 'x'")


def test_quoted_heredoc_is_edited_an_unquoted_one_is_not():
    src, s = site("ssh h <<'EOF'\nbin/rails db:seed || true\nEOF\n", "db:seed")
    assert s.structural and src.text(*s.or_discard()) == "true"
    _, s = site("ssh h <<EOF\nbin/rails db:seed || true\nEOF\n", "db:seed")
    assert s is None


def test_double_quoted_shell_allows_only_replacing_a_plain_word():
    _, s = site('bash -c "bin/rails db:migrate:status || exit 1"\n', "db:migrate:status")
    assert s is not None and not s.structural and s.statement() is None and s.or_discard() is None
    _, s = site('bash -c "echo \\"x\\"; bin/rails db:migrate:status"\n', "db:migrate:status")
    assert s is None  # escapes before it: not certain


def test_escaped_or_quoted_task_words_are_not_sites():
    src = Source("ops/x.sh", b'bin/rails "db:migrate"\n')
    assert src.site(0, 10, "db:migrate") is None


def test_offsets_of_the_bytes_on_disk_skip_bom_and_cr():
    raw = b"\xef\xbb\xbfset -e\r\nbin/rails db:seed\r\necho \xc3\xa9 db:seed\n"
    src = Source("ops/x.sh", raw)
    at = src.offset(1, 10)
    assert src.data[at:at + 7] == b"db:seed"
    assert raw[src.to_raw(at):src.to_raw(at) + 7] == b"db:seed"
    at = src.offset(2, 7)  # after a two-byte character
    assert raw[src.to_raw(at):src.to_raw(at) + 7] == b"db:seed"
    edit = src.edit(src.line_bounds(at)[0], src.line_bounds(at)[0], "x\n")
    assert edit.text == "x\n"  # that line ends in LF
    edit = src.edit(0, 0, "set -u\n")
    assert edit.text == "set -u\r\n" and edit.start_byte == 3


def test_apply_edits_and_refuse_overlaps():
    data = b"abcdef"
    assert apply_edits(data, [Edit("p", 1, 3, "XY"), Edit("p", 4, 4, "-")]) == b"aXYd-ef"
    with pytest.raises(ValueError):
        apply_edits(data, [Edit("p", 1, 3, ""), Edit("p", 2, 4, "")])


def _fix(*edits: Edit) -> Fix:
    return Fix(tuple(edits), Applicability.SAFE, Message("autofix.drop-seed"))


def test_a_round_keeps_fixes_that_do_not_conflict():
    a = _fix(Edit("p", 0, 2, "x"))
    b = _fix(Edit("p", 1, 3, "y"))  # overlaps a
    c = _fix(Edit("p", 5, 5, "z"))
    d = _fix(Edit("p", 5, 5, "w"))  # inserts where c does: order would matter
    e = _fix(Edit("q", 0, 2, "x"))  # another file
    assert non_conflicting([b, a, c, d, e, a]) == [a, c, e]


def test_shift_maps_places_through_edits():
    shift = Shift([Edit("p", 2, 4, "XYZ"), Edit("p", 6, 6, "--")])
    assert shift.forward(0) == (0, None)
    assert shift.forward(3) == (2, 0)  # inside the replaced bytes: that edit
    assert shift.forward(4) == (5, None)
    assert shift.forward(6) == (9, None)  # an insertion pushes the byte it precedes
    assert shift.back(3) == (2, 0)
    assert shift.back(5) == (4, None)
    assert shift.back(7) == (6, 1)  # inside inserted text
    assert shift.back(9) == (6, None)


def test_a_fix_that_leaves_an_empty_body_is_refused():
    from orderlint.fix.verify import parses

    before = b"f() {\n  bin/rails db:seed\n}\n"
    assert parses(before, b"f() {\n}\n").id == "autofix.rejected-empty-body"
    assert parses(before, b"f() {\n  bin/rails db:seed || exit 1\n}\n") is None
    assert parses(before, b"f() {\n  bin/rails db:seed ||\n}\n").id == "autofix.rejected-parse"


def test_rounds_set_aside_a_fix_that_keeps_its_finding():
    from orderlint.fix.rounds import fix_rounds
    from orderlint.model import Diagnostic, Severity

    data = b"bin/rails db:seed || true\n"
    fix = Fix((Edit("ops/x.sh", 21, 25, ":"),), Applicability.SAFE, Message("autofix.drop-seed"))

    def analyze(texts):
        d = Diagnostic("ops/x.sh", 1, 11, 1, 18, "OL201", "primary-failure-ignored", Severity.ERROR,
                       Message("autofix.drop-seed"), fix=fix if texts.get("ops/x.sh", data) == data else None)
        return None, [d]

    outcome = fix_rounds(analyze, lambda path: data, unsafe=False)
    assert outcome.changed == {} and outcome.fixed == []
    assert [(d.code, why.id) for d, why in outcome.rejected] == [("OL201", "autofix.rejected-kept")]
