"""The words of the markdown audit report: its templates, from the message catalogues.

Templates are markdown; their `{placeholders}` receive text that the renderer has already
escaped. Anything taken from the scripts is never put here unescaped. The reasons and findings
of the analysis are messages of their own, rendered in the report's language by
`orderlint.messages.render`.
"""

from __future__ import annotations

from orderlint.messages import LANGUAGES, Message, catalogue, render


class Messages:
    """`t("key", n=…)`: a template in one language; `a|b` templates pick singular or plural by `n`."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown report language {lang!r} (expected one of {', '.join(sorted(LANGUAGES))})")
        self.lang = lang
        self.table = catalogue(lang)

    def has(self, key: str) -> bool:
        return key in self.table

    def __call__(self, key: str, **values: object) -> str:
        return render(Message(key, **values), self.lang)
