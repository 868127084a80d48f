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

from orderlint.model import Related, Severity

if TYPE_CHECKING:
    from orderlint.results import Invocation, ScriptAnalysis


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    related: tuple[Related, ...] = ()
    severity: Severity | None = None  # when the rule's default does not apply (OL502 in development)

    @classmethod
    def at(cls, inv: "Invocation", message: str, related: Iterable[Related] = (),
           severity: Severity | None = None) -> "Finding":
        return cls(inv.path, inv.line, inv.column, inv.end_line, inv.end_column, message, tuple(related), severity)


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]

    def check(self, script: "ScriptAnalysis") -> Iterable[Finding]:
        """Pipeline-level rules (OL001–OL004) report from the stages themselves."""
        return ()

    @classmethod
    def docs(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")


def where(inv: "Invocation") -> str:
    """`line 77`, `ops/lib/db.sh:225`, and the call that reaches a task written in a function."""
    text = f"line {inv.line}" if inv.path == inv.script else f"{inv.path}:{inv.line}"
    if inv.calls:
        first = inv.calls[0]
        call = f"line {first.line}" if first.path == inv.script else f"{first.path}:{first.line}"
        text += f", run by `{first.name}` on {call}"
    return text


def environment_text(env) -> str:
    """How a rule names the environments a task may run in."""
    if env.only is not None:
        return " or ".join(sorted(env.only)) or "no environment"
    if env.excluded:
        return "any environment except " + " and ".join(sorted(env.excluded))
    return "any environment (nothing in its path or code limits it to development)"


def related(inv: "Invocation", note: str) -> Related:
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
