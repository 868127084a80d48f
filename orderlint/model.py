"""Small value types shared by every stage: positions, severities, diagnostics and their fixes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from orderlint.messages import Message


class Severity(IntEnum):
    INFO = 0
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected info, warning or error)") from None


@dataclass(slots=True, unsafe_hash=True, order=True)
class Pos:
    """A 0-based (row, byte column) position in the normalized bytes of a file."""

    row: int
    col: int


@dataclass(frozen=True, slots=True)
class Span:
    path: str  # display path, relative to the current directory
    start: Pos
    end: Pos


@dataclass(frozen=True, slots=True)
class Related:
    path: str
    line: int
    text: "Message"

    @property
    def note(self) -> str:
        """In English; reports in another language render `text` themselves."""
        return str(self.text)


class Applicability(str, Enum):
    """ruff's: a safe fix keeps what the script does when nothing fails; an unsafe one changes it."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True, order=True)
class Edit:
    """Replace bytes `start_byte`..`end_byte` (end exclusive) of the file at `path` with `text`.

    Offsets count the bytes of the file as it is on disk (a BOM and CR of CRLF line ends
    included); `text` is written UTF-8 encoded and already carries the file's line ends.
    `start_byte == end_byte` inserts, an empty `text` deletes.
    """

    path: str  # display path, as in Diagnostic.path
    start_byte: int
    end_byte: int
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """How to fix one finding: edits that go together (never overlapping), applied at once."""

    edits: tuple[Edit, ...]
    applicability: Applicability
    message: "Message"  # what the fix does, e.g. "Add `--exit-code`"

    @property
    def safe(self) -> bool:
        return self.applicability is Applicability.SAFE


@dataclass(frozen=True, slots=True)
class Diagnostic:
    path: str
    line: int  # 1-based
    column: int  # 1-based, in characters
    end_line: int
    end_column: int
    code: str
    name: str
    severity: Severity
    text: "Message"
    related: tuple[Related, ...] = field(default=())
    fix: Fix | None = None

    @property
    def message(self) -> str:
        """In English; reports in another language render `text` themselves."""
        return str(self.text)

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)


class OrderlintError(Exception):
    """A problem with the user's input or configuration: reported as one line, exit code 2."""
