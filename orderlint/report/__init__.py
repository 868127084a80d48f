"""One renderer per output format, each a pure function of a `Report`."""

from __future__ import annotations

from dataclasses import dataclass, field

from orderlint.analysis import Results
from orderlint.model import Diagnostic


@dataclass(frozen=True)
class Report:
    results: Results
    diagnostics: tuple[Diagnostic, ...]
    date: str = ""
    lang: str = "en"
    options: dict = field(default_factory=dict)
