"""Option grammars: which options of a launcher take a value, and where its options end.

Launchers read their options as getopt, Go's pflag, clap or Thor do: `-p 2222`, `-p2222`,
`--port 2222`, `--port=2222`, bundles of short flags (`-it`, `-Hu deploy`), `--` ending the
options. A word whose text is not known (`$SSH_OPTS`, `"${opts[@]}"`, `--version="$V"`) is
read by what can be known of it. Parsing never reads past the last word: an option missing its
value at the end of a command line is an option without a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from orderlint.shell.syntax import Word

ARRAY_EXPANSION = re.compile(r'^"?\$\{?[A-Za-z_][A-Za-z0-9_]*\[[@*]\]\}?"?$|^"?\$[@*]"?$')
# Variables that hold options by their name: $SSH_OPTS, $DEST_FLAG, $DOCKER_ARGS, $EXTRA_FLAGS.
OPTION_VARIABLE = re.compile(r"(?:^|_)(?:FLAGS?|OPTS?|OPTIONS?|ARGS)$", re.I)


@dataclass(frozen=True, slots=True)
class Grammar:
    values: frozenset[str] = frozenset()  # options whose value is the next word (or `=v`, `-pV`)
    # When set, every long option not named here takes a value (docker run has hundreds).
    flags: frozenset[str] | None = None
    attached: frozenset[str] = frozenset()  # optional values, only attached: sudo's `-h`, `-hHOST`

    def takes_value(self, name: str) -> bool:
        if name in self.values:
            return True
        if self.flags is not None and name.startswith("--"):
            return name not in self.flags
        return False


def grammar(values: str = "", flags: str | None = None, attached: str = "") -> Grammar:
    """A grammar from space-separated option names."""
    return Grammar(frozenset(values.split()), None if flags is None else frozenset(flags.split()),
                   frozenset(attached.split()))


@dataclass(frozen=True, slots=True)
class Opt:
    name: str  # "-p", "--port"; "" for a word that may hold options (`$SSH_OPTS`)
    value: Word | str | None  # the next word, the attached text, or None
    index: int  # where the option's word is


def is_option_word(word: Word) -> bool:
    """`-T`, `--version="$V"`, or `"${opts[@]}"` (options built in an array)."""
    return word.raw.startswith("-") or bool(ARRAY_EXPANSION.match(word.raw))


def may_hold_options(word: Word) -> bool:
    """A word of unknown text that a launcher can only read as options: `"${opts[@]}"`, `$@`,
    or an unquoted variable named for options (`$DEST_FLAG`, `$SSH_OPTS`)."""
    if ARRAY_EXPANSION.match(word.raw):
        return True
    if len(word.parts) == 1 and word.parts[0].kind == "var" and not word.parts[0].quoted:
        return bool(OPTION_VARIABLE.search(word.parts[0].text))
    return False


def _head(word: Word) -> str | None:
    """The known text an option word starts with: all of it, or its leading literal part."""
    text = word.literal
    if text is not None:
        return text
    if word.parts and word.parts[0].kind == "lit" and word.parts[0].text.startswith("-"):
        return word.parts[0].text + "\0"  # `\0`: more text follows, unknown
    return None


def options(words: tuple[Word, ...], i: int, g: Grammar) -> tuple[int, list[Opt]]:
    """Read options from words[i]: (index of the first word that is not an option, the options).

    The index is at most len(words); after `--` it is the word after it."""
    found: list[Opt] = []
    n = len(words)
    while i < n:
        word = words[i]
        head = _head(word)
        if head is None:
            if not may_hold_options(word):
                return i, found
            found.append(Opt("", None, i))
            i += 1
            continue
        if head == "--":
            return i + 1, found
        if not head.startswith("-") or head == "-":
            return i, found
        i = _one(words, i, head, g, found)
    return i, found


def _value(words: tuple[Word, ...], i: int) -> Word | None:
    return words[i] if i < len(words) else None


def _one(words: tuple[Word, ...], i: int, head: str, g: Grammar, found: list[Opt]) -> int:
    """Read the option word at words[i] (its known text `head`); the index after it and its value."""
    known = not head.endswith("\0")
    text = head.rstrip("\0")
    if text.startswith("--"):
        name, eq, attached = text.partition("=")
        if eq:
            found.append(Opt(name, attached if known else None, i))
            return i + 1
        if not known:  # `--roles$R`: a name orderlint cannot read
            found.append(Opt("", None, i))
            return i + 1
        if g.takes_value(name):
            found.append(Opt(name, _value(words, i + 1), i))
            return min(i + 2, len(words))
        found.append(Opt(name, None, i))
        return i + 1
    cluster = text[1:]
    for k, char in enumerate(cluster):
        name = f"-{char}"
        rest = cluster[k + 1:]
        if name in g.values:
            if rest or not known:  # `-p2222`, `-p"$PORT"`
                value = rest[1:] if rest.startswith("=") else rest
                found.append(Opt(name, value if known else None, i))
                return i + 1
            found.append(Opt(name, _value(words, i + 1), i))
            return min(i + 2, len(words))
        if name in g.attached:
            found.append(Opt(name, (rest or None) if known else None, i))
            return i + 1
        found.append(Opt(name, None, i))
    return i + 1


def literal(value: Word | str | None) -> str | None:
    """The known text of an option's value."""
    if value is None or isinstance(value, str):
        return value
    return value.literal


def permuted(words: tuple[Word, ...], i: int, g: Grammar) -> tuple[list[Opt], list[int]]:
    """Options anywhere among the words (GNU getopt, Thor, oclif, cobra): the options, and the
    indexes of the other words in order; after `--` every word is one of those."""
    found: list[Opt] = []
    positional: list[int] = []
    n = len(words)
    while i < n:
        if words[i].literal == "--":
            positional.extend(range(i + 1, n))
            break
        j, more = options(words, i, g)
        found.extend(more)
        if j > i and words[j - 1].literal == "--" and not (more and more[-1].value is words[j - 1]):
            positional.extend(range(j, n))
            break
        if j < n and j == i:
            positional.append(j)
            j += 1
        i = j
    return found, positional
