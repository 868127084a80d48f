"""The message catalogues: every id in every language, with the same placeholders, each reachable."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from orderlint.messages import LANGUAGES, Context, Join, Loc, Message, catalogue, render

PACKAGE = Path(__file__).resolve().parent.parent / "orderlint"


def placeholders(template: str) -> set[str]:
    found = set()
    for part in template.split("|"):
        for _, name, spec, _ in string.Formatter().parse(part):
            if name is not None:
                found.add(name)
    return found


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_language_has_every_id_with_the_same_placeholders(lang):
    english, other = catalogue("en"), catalogue(lang)
    assert sorted(set(english) - set(other)) == [], f"{lang} lacks these ids"
    assert sorted(set(other) - set(english)) == [], f"{lang} has ids English does not"
    differ = {key: (placeholders(english[key]), placeholders(other[key])) for key in english
              if placeholders(english[key]) != placeholders(other[key])}
    assert differ == {}
    plural = {key for key in english if ("|" in english[key]) != ("|" in other[key]) and "n" in placeholders(english[key])}
    assert plural == set(), "a plural form in one language only"


def _string_constants() -> tuple[set[str], list[str]]:
    """Every string literal of the package (ids are written whole) and the constant heads of f-strings and
    concatenations (`f"t_{task}"` names every `t_…` id)."""
    literals: set[str] = set()
    heads: list[str] = []
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == "messages" and path.name != "__init__.py":
            continue  # the catalogues themselves
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                heads.append(node.values[0].value)
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant) \
                    and isinstance(node.left.value, str):
                heads.append(node.left.value)  # `"policy_" + state`
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
    return literals, [h for h in heads if h]


def test_every_id_is_reachable_from_code():
    literals, heads = _string_constants()
    # ids chosen by kind: `loc.<kind>`, `join.<how>` (orderlint.messages builds them)
    built = re.compile(r"(loc|loc\.at|join)\.[\w-]+")
    unreachable = [key for key in catalogue("en")
                   if key not in literals and not built.fullmatch(key) and not any(key.startswith(h) for h in heads)]
    assert unreachable == []


def test_every_message_id_written_in_code_exists():
    ids = set(catalogue("en"))
    missing = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Message" and node.args \
                    and isinstance(node.args[0], ast.Constant) and node.args[0].value not in ids:
                missing.append(f"{path.name}: {node.args[0].value}")
    assert missing == []


def test_places_are_named_from_where_they_are_shown():
    reason = Message("flow.if-handles", where=Loc("ops/deploy.sh", 12, home="ops/deploy.sh"))
    library = Message("flow.if-handles", where=Loc("ops/lib/db.sh", 7, home="ops/deploy.sh"))
    assert str(reason) == "the `if` on line 12 handles the failure and the script goes on"
    assert str(library) == "the `if` on ops/lib/db.sh:7 handles the failure and the script goes on"
    # shown in the library: its own lines are plain, the entry script's are named
    beside = Context(here="ops/lib/db.sh", script="ops/deploy.sh")
    assert render(library, "en", beside) == "the `if` on line 7 handles the failure and the script goes on"
    assert render(reason, "fr", beside) == "le `if` (ops/deploy.sh:12) gère l'échec et le script continue"


def test_nested_messages_joins_and_plurals_render_in_one_language():
    message = Message("OL402.message", task="db:migrate:queue", envs=Join(["development", "test"], "comma"),
                      reasons=Join([Message("OL402.in-env", env="development", reason=Message("OL402.only-database")),
                                    Message("OL402.in-env", env="test", reason=Message("OL402.replica", db="queue"))]))
    french = render(message, "fr")
    assert french.startswith("`db:migrate:queue` n'existe pas en development, test (development : c'est la seule")
    assert " ; test : `queue` y est un réplica" in french
    assert render(Message("scope_files", n=1), "fr") == "1 fichier"
    assert render(Message("scope_files", n=0), "en") == "0 files"
    assert render(Message("OL401.message", task="db:reset", env=Message("env.none")), "en").endswith(
        "in development|test)`)")  # a `|` in a template without `n` is text, not a plural


def test_messages_survive_pickling_for_parallel_runs():
    import pickle

    message = Message("OL201.message", task="db:migrate", how=Message("how.silently"),
                      reason=Message("flow.errexit-off", where=Loc("a.sh", 3)))
    again = pickle.loads(pickle.dumps(message))
    assert again == message and hash(again) == hash(message) and str(again) == str(message)
