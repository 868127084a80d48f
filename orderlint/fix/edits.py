"""Edits of bytes: applying them, a round of fixes without conflicts, positions through them."""

from __future__ import annotations

from bisect import bisect_right
from typing import Iterable

from orderlint.model import Edit, Fix


def apply_edits(data: bytes, edits: Iterable[Edit]) -> bytes:
    """`data` with every edit made (edits of one file, never overlapping)."""
    out, at = [], 0
    for e in sorted(edits, key=lambda e: (e.start_byte, e.end_byte)):
        if e.start_byte < at or e.end_byte > len(data):
            raise ValueError(f"overlapping or out-of-range edit {e}")
        out.append(data[at:e.start_byte])
        out.append(e.text.encode("utf-8"))
        at = e.end_byte
    out.append(data[at:])
    return b"".join(out)


def _conflict(a: Edit, b: Edit) -> bool:
    """Two edits of one file overlap, or insert at the same place (their order would matter)."""
    if a.path != b.path:
        return False
    if a.start_byte < b.end_byte and b.start_byte < a.end_byte:
        return True
    return a.start_byte == b.start_byte or a.end_byte == b.end_byte or \
        (a.start_byte == a.end_byte and a.start_byte in (b.start_byte, b.end_byte)) or \
        (b.start_byte == b.end_byte and b.start_byte in (a.start_byte, a.end_byte))


def non_conflicting(fixes: list[Fix]) -> list[Fix]:
    """ruff's rounds: fixes in the order of their first edit, each kept when none of its edits
    conflicts with a kept one; the same fix offered by two findings is kept once."""
    kept: list[Fix] = []
    edits: list[Edit] = []
    seen: set[tuple[Edit, ...]] = set()
    for fix in sorted(fixes, key=lambda f: (f.edits[0].path, f.edits[0].start_byte, f.edits[0].end_byte)):
        if fix.edits in seen:
            continue
        if any(_conflict(a, b) for a in fix.edits for b in edits):
            continue
        kept.append(fix)
        seen.add(fix.edits)
        edits.extend(fix.edits)
    return kept


class Shift:
    """Where a byte of a file before some edits is after them, and back."""

    def __init__(self, edits: Iterable[Edit]) -> None:
        self.spans = []  # (old start, old end, new start, new end), in order
        delta = 0
        for e in sorted(edits, key=lambda e: (e.start_byte, e.end_byte)):
            size = len(e.text.encode("utf-8"))
            self.spans.append((e.start_byte, e.end_byte, e.start_byte + delta, e.start_byte + delta + size))
            delta += size - (e.end_byte - e.start_byte)
        self._old = [s[0] for s in self.spans]
        self._new = [s[2] for s in self.spans]

    def forward(self, offset: int) -> tuple[int, int | None]:
        """(new offset, index of the edit it falls in, or None)."""
        n = bisect_right(self._old, offset) - 1
        if n < 0:
            return offset, None
        old_start, old_end, new_start, new_end = self.spans[n]
        if offset < old_end:
            return new_start, n
        return new_end + offset - old_end, None

    def back(self, offset: int) -> tuple[int, int | None]:
        """(old offset, index of the edit whose new text holds it, or None)."""
        n = bisect_right(self._new, offset) - 1
        if n < 0:
            return offset, None
        old_start, old_end, new_start, new_end = self.spans[n]
        if offset < new_end:
            return old_start, n
        return old_end + offset - new_end, None
