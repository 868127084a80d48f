"""timed: the `time` keyword before a compound command, which tree-sitter-bash does not know.

bash reads `time` (and `time -p`) before any pipeline as a reserved word: it reports how long the
pipeline ran, on stderr, and the pipeline's status is its status. tree-sitter-bash knows `time`
only as a command name, so `time { a; b; }` becomes a command `time` with the arguments `{`, `a`
and a stray `}`. Blanking the keyword (same number of bytes, so every position stays where it
is) gives the tree of the same commands with the same statuses.
"""

from __future__ import annotations

import re

# `time` where a command starts, before `{`, `(`, `[[`, `!` or a compound keyword
_TIMED = re.compile(
    rb"(?P<before>(?:^|[;&|({}!\n]|\b(?:then|do|else|if|elif|while|until))[ \t]*)"
    rb"(?P<time>time(?:[ \t]+-p)?)(?=[ \t]+(?:[{(!]|\[\[|(?:if|for|while|until|case|select)\b))",
    re.MULTILINE)


def untimed(data: bytes) -> bytes:
    """`data` with each `time` keyword before a compound command written as blanks."""
    if b"time" not in data:
        return data
    return _TIMED.sub(lambda m: m.group("before") + b" " * len(m.group("time")), data)
