"""The rule catalog: one module per rule, collected here by code.

A rule reads the flow model of one script (`ScriptAnalysis`) and yields `Finding`s; it never
walks syntax trees. Its docstring is its documentation (What it does / Why is this bad? /
Example / Use instead), shown by `orderlint rule CODE`.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Iterable

from orderlint.messages import Join, Loc, Message
from orderlint.model import Fix, Related, Severity

if TYPE_CHECKING:
    from orderlint.results import Invocation, ScriptAnalysis


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: Message
    related: tuple[Related, ...] = ()
    severity: Severity | None = None  # when the rule's default does not apply (OL502 in development)
    fix: Fix | None = None

    @classmethod
    def at(cls, inv: "Invocation", message: Message, related: Iterable[Related] = (),
           severity: Severity | None = None, fix: Fix | None = None) -> "Finding":
        return cls(inv.path, inv.line, inv.column, inv.end_line, inv.end_column, message, tuple(related), severity,
                   fix)


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    fixable: ClassVar[str] = ""  # which fixes it offers: "safe", "unsafe", "safe or unsafe"; "" none
    once_per_script: ClassVar[bool] = False  # one finding a script, placed at the first task concerned

    def check(self, script: "ScriptAnalysis") -> Iterable[Finding]:
        """Pipeline-level rules (OL001–OL004) report from the stages themselves."""
        return ()

    @classmethod
    def docs(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")


def where(inv: "Invocation") -> Loc | Message:
    """`line 77`, `ops/lib/db.sh:225`, and the call that reaches a task written in a function."""
    place = Loc(inv.path, inv.line, home=inv.script)
    if not inv.calls:
        return place
    first = inv.calls[0]
    return Message("rule.run-by", where=place, function=first.name, call=Loc(first.path, first.line, home=inv.script))


def environment_text(env) -> Message:
    """How a rule names the environments a task may run in."""
    if env.only is not None:
        return Message("env.only", envs=Join(sorted(env.only), "or")) if env.only else Message("env.none")
    if env.excluded:
        return Message("env.except", envs=Join(sorted(env.excluded), "and"))
    return Message("env.any")


def related(inv: "Invocation", note: Message) -> Related:
    return Related(inv.path, inv.line, note)


def _load() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("ol"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and \
                    value.__module__ == module.__name__:
                rules[value.code] = value()
    return dict(sorted(rules.items()))


RULES: dict[str, Rule] = _load()
