"""bookkeeping: what the interpreter records as it goes: notes, fates, places, dropped statuses."""

from __future__ import annotations

from typing import Iterable

from orderlint.messages import Loc, Message
from orderlint.flow.inert import _variables_read
from orderlint.flow.nodes import _line, _node_path
from orderlint.flow.state import SILENT, WARNS, Fate, FlowNote, State, _saved, replace
from orderlint.shell.syntax import Node


class Bookkeeping:
    """A room of the `Interpreter` (orderlint.flow.interpreter): its methods reach the others through `self`."""

    def note(self, code: str, word_or_node, message: Message) -> None:
        start = word_or_node.start
        end = getattr(word_or_node, "end", start)
        path = getattr(word_or_node, "path", None) or self.entry_display
        key = (code, path, start)
        self.notes.setdefault(key, FlowNote(code, path, start, end, message))

    def fate(self, ids: Iterable[int], outcome: str, reason: Message, fallback: frozenset[int] = frozenset(),
             fix: Message | str = "") -> None:
        for i in ids:
            ex = self.by_id.get(i)
            if ex is not None and not ex.masked:
                fate = Fate(outcome, self._through_script(i, reason), fallback, fix)
                if fate not in ex.fates:
                    ex.fates.append(fate)

    def script_stops(self, causes: Iterable[int], script: tuple, why: Message | str) -> None:
        """A child script stopped on these failures: what its caller then does with them is told
        after why the script itself stopped (the task's line is in that script, not the caller)."""
        shown, (path, line) = script
        where = Loc(path, line, home="")  # always named with its file: the task's line is elsewhere
        for cause in causes:
            self.stopped_scripts.setdefault(cause, (self.script_depth - 1, Message(
                "flow.script-stops", script=shown, reason=why or Message("flow.script-exits"), where=where)))

    def _through_script(self, cause: int, reason: Message) -> Message:
        stop = self.stopped_scripts.get(cause)
        if stop is None or self.script_depth > stop[0]:
            return reason  # inside the script that stopped: its own words
        return Message("flow.then-caller", stops=stop[1], then=reason)

    def at(self, node: Node) -> Loc:
        key = id(node)
        text = self._at_cache.get(key)
        if text is None:
            text = self._at_cache[key] = self.loc(_node_path(node) or self.entry_display, _line(node.start))
        return text

    def loc(self, path: str, line: int) -> Loc:
        """A place, shown as `line 12` in the entry script and `ops/lib/db.sh:12` elsewhere."""
        return Loc(path, line, home=self.entry_display)

    def _reads(self, node: Node) -> frozenset[str]:
        key = id(node)
        found = self._reads_cache.get(key)
        if found is None:
            found = self._reads_cache[key] = _variables_read(node)
        return found

    def said(self, causes: frozenset[int], st: State) -> frozenset[int]:
        """The failures among `causes` that left a message: a handler printed one, or an ERR trap
        that prints ran for them (where errexit would have acted, not where it ignores them)."""
        return causes & (st.warned | self.trap_printed)

    def drop(self, st: State) -> State:
        """The current status is overwritten: failures nobody looked at continue silently."""
        if st.pending:
            causes = st.pending - _saved(st)
            printed = self.said(causes, st)
            why = st.pending_reason or Message("flow.exit-status-never-checked")
            self.fate(printed, WARNS, why, fix=st.pending_fix)
            self.fate(causes - printed, SILENT, why, fix=st.pending_fix)
            st = replace(st, pending=frozenset(), pending_reason="", pending_fix="")
        return st
