"""One renderer per output format, each a pure function of a `Report`."""

from __future__ import annotations

from dataclasses import dataclass, field

from orderlint.results import Results
from orderlint.model import Diagnostic


@dataclass(frozen=True)
class Report:
    results: Results
    diagnostics: tuple[Diagnostic, ...]
    date: str = ""
    lang: str = "en"
    options: dict = field(default_factory=dict)


class Items:
    """A list whose items are made one at a time as `json_text` writes them."""

    def __init__(self, make, sources) -> None:
        self.make, self.sources = make, sources

    def __len__(self) -> int:
        return len(self.sources)

    def __iter__(self):
        return map(self.make, self.sources)


def json_text(value) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)` and a newline, built one item of each
    long list at a time: json's indenting encoder keeps every fragment of a document in one
    list, which for the report of a large tree weighs many times the text itself."""
    pieces: list[str] = []
    _json_pieces(value, 0, pieces)
    pieces.append("\n")
    return "".join(pieces)


def _is_list(value) -> bool:
    return isinstance(value, (list, tuple, Items))


def _json_pieces(value, level: int, out: list[str]) -> None:
    import json

    container = level < 4 and (_is_list(value) and len(value) > 0 or
                               isinstance(value, dict) and all(isinstance(k, str) for k in value) and
                               any(_is_list(v) and len(v) > 32 for v in value.values()))
    if not container:
        text = json.dumps(value, indent=2, ensure_ascii=False, default=list)  # short `Items` as lists
        out.append(text.replace("\n", "\n" + "  " * level) if level else text)
        return
    pad = "  " * (level + 1)
    is_dict = isinstance(value, dict)
    out.append("{\n" if is_dict else "[\n")
    for n, item in enumerate(value.items() if is_dict else value):
        out.append(",\n" + pad if n else pad)
        if is_dict:
            out.append(json.dumps(item[0], ensure_ascii=False) + ": ")
            item = item[1]
        _json_pieces(item, level + 1, out)
    out.append("\n" + "  " * level + ("}" if is_dict else "]"))
