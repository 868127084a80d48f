"""Messages as data: an id and typed arguments, rendered from one catalogue per language.

The analysis, the rules and the reports never write prose: they build `Message("flow.ignored-in-if",
command=…, where=Loc(…))`, and a renderer turns it into text in the language it is asked for, from
`orderlint/messages/<lang>.py`. A language is one catalogue file holding every id.

Argument types, each rendered by the catalogue of the language:
- `str`, `int`: copied as they are (code, names, numbers);
- `Message`: rendered in the same language (a nested reason);
- `Loc`: a place, `line 12` in the file being read, `ops/lib/db.sh:12` elsewhere;
- `Join`: several values joined with the language's separator or conjunction;
- `Step`: the name of a policy step, translated when the catalogue knows it.
A template `one|many` with an argument `n` picks the singular or the plural by `n`.
"""

from __future__ import annotations

import importlib
import string
from typing import Callable

LANGUAGES = ("en", "fr")


class Message:
    """An id and its typed arguments; `str()` renders it in English."""

    __slots__ = ("id", "args", "_hash")

    def __init__(self, id: str, /, **args: object) -> None:  # noqa: A002 - the id of a message
        self.id = id
        self.args = args
        self._hash = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and self.id == other.id and self.args == other.args

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((self.id, tuple(sorted(self.args.items()))))
        return self._hash

    def __repr__(self) -> str:
        return f"Message({self.id!r}, {', '.join(f'{k}={v!r}' for k, v in self.args.items())})"

    def __str__(self) -> str:
        return render(self, "en")

    def __reduce__(self):
        return (_message, (self.id, self.args))


def _message(ident: str, args: dict) -> Message:
    return Message(ident, **args)


class Loc:
    """A place in a script. `home` is the file whose lines are plain `line N` by default (the entry
    script a reason was found in); a renderer may name another file as the one being shown."""

    __slots__ = ("path", "line", "end", "home")

    def __init__(self, path: str, line: int, end: int | None = None, home: str | None = None) -> None:
        self.path, self.line, self.end, self.home = path, line, end, path if home is None else home

    def _key(self) -> tuple:
        return (self.path, self.line, self.end, self.home)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Loc) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Loc({self.path!r}, {self.line}, {self.end!r}, {self.home!r})"

    def __reduce__(self):
        return (Loc, self._key())


class Join:
    """Values joined by the language's `join.<how>` separator (`; `, ` or `, ` and `, `, `)."""

    __slots__ = ("items", "how")

    def __init__(self, items, how: str = "list") -> None:
        self.items, self.how = tuple(items), how

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Join) and (self.items, self.how) == (other.items, other.how)

    def __hash__(self) -> int:
        return hash((self.items, self.how))

    def __repr__(self) -> str:
        return f"Join({self.items!r}, {self.how!r})"

    def __reduce__(self):
        return (Join, (self.items, self.how))


class Step(str):
    """A policy step's name: `stepl_<name>` in the catalogue when it has one, else the name itself."""

    __slots__ = ()


class Context:
    """How places are named where a message is shown.

    `here`: the file being shown (its lines are `line N`); `None` keeps each place's `home`.
    `script`: the entry script a reason belongs to, when it is shown beside another file;
    `path`: how a file path is written (markdown puts it in a code span and shortens it).
    """

    __slots__ = ("here", "script", "path")

    def __init__(self, here: str | None = None, script: str | None = None,
                 path: Callable[[str], str] | None = None) -> None:
        self.here, self.script, self.path = here, script, path

    def plain_line(self, loc: Loc) -> bool:
        if self.here is None:
            return loc.path == loc.home
        if loc.path == self.here:
            return True
        # a line of the entry script, shown where no single entry script can be named
        return loc.path == loc.home and self.script is None


_CATALOGUES: dict[str, dict[str, str]] = {}


def catalogue(lang: str) -> dict[str, str]:
    table = _CATALOGUES.get(lang)
    if table is None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r} (expected one of {', '.join(LANGUAGES)})")
        table = _CATALOGUES[lang] = importlib.import_module(f"orderlint.messages.{lang}").MESSAGES
    return table


def plural(template: str, lang: str, n: object) -> str:
    if "|" not in template:
        return template
    one, many = template.split("|", 1)
    # French takes the singular for 0 and 1 ("0 bibliothèque"), English for 1 only.
    return one if (n in (0, 1) if lang == "fr" else n == 1) else many


class _Formatter(string.Formatter):
    def __init__(self, lang: str, context: Context) -> None:
        self.lang, self.context, self.table = lang, context, catalogue(lang)

    def format_field(self, value: object, spec: str) -> str:
        return self.value(value, spec)

    def value(self, value: object, spec: str = "") -> str:
        if isinstance(value, Message):
            return self.message(value)
        if isinstance(value, Loc):
            return self.loc(value, spec)
        if isinstance(value, Join):
            return self.table[f"join.{value.how}"].join(self.value(v) for v in value.items)
        if isinstance(value, Step):
            key = f"stepl_{value}"
            return self.table.get(key, str(value))
        return format(value, spec)

    def loc(self, loc: Loc, spec: str) -> str:
        prefix = "loc.at." if spec == "at" else "loc."
        if self.context.plain_line(loc):
            key = "line" if loc.end is None or loc.end == loc.line else "lines"
            return self.table[prefix + key].format(line=loc.line, end=loc.end)
        path = self.context.path(loc.path) if self.context.path else loc.path
        return self.table[prefix + "file"].format(path=path, line=loc.line)

    def message(self, message: Message) -> str:
        template = self.table[message.id]
        if "n" in message.args:
            template = plural(template, self.lang, message.args["n"])
        return self.vformat(template, (), message.args)


_PLAIN = Context()


def render(message: Message, lang: str = "en", context: Context | None = None) -> str:
    return _Formatter(lang, context or _PLAIN).message(message)

