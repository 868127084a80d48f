"""traps: `trap … ERR`, the errexit and pipefail switches of `set`, and saved statuses.

A `trap` that always exits stops the script on failure like `set -e`; `set -e`/`+e`/`-o
pipefail` switch the options; `$?`, `rc=$?` and `${PIPESTATUS[…]}` hold a failure's status
until something checks it or overwrites it.
"""

from __future__ import annotations

from orderlint.messages import Message
from orderlint.shell.extract import parse_nested
from orderlint.flow.nodes import _line
from orderlint.flow.state import SILENT, WARNS, State, replace
from orderlint.shell.syntax import (
    AndOr,
    Command,
    If,
    Inert,
    Not,
    Seq,
    Subshell,
    Word,
)


class Traps:
    """A room of the `Interpreter` (orderlint.flow.interpreter): its methods reach the others through `self`."""

    def _forget_pipestatus(self, st: State) -> State:
        for cause in st.status_vars["PIPESTATUS"]:
            if cause in self.captured:
                del self.captured[cause]
                why, fix = self.capture_reason.get(cause, (Message("flow.status-never-checked"), ""))
                self.fate([cause], WARNS if cause in self.said_when_captured else SILENT, why, fix=fix)
        return replace(st, status_vars={k: v for k, v in st.status_vars.items() if k != "PIPESTATUS"})

    def _status_word(self, word: Word, st: State) -> frozenset[int] | None:
        """The failures a `$?` or a saved `$rc` stands for, when the word is one of those."""
        if len(word.parts) != 1:
            return None
        part = word.parts[0]
        if part.kind == "param" and part.text == "?":
            return st.pending
        if part.kind == "var" and part.text in st.status_vars:
            return st.status_vars[part.text]
        return None

    def trap(self, args: tuple[Word, ...], st: State, node: Command) -> State:
        """`trap 'echo failed; exit 1' ERR` stops the script on failure, like `set -e`."""
        signals = {(a.literal or "").upper() for a in args[1:]}
        if not args or not signals & {"ERR", "SIGERR"}:
            return st
        handler = args[0]
        if handler.literal in ("-", "", None) and handler.script is None:
            return replace(st, err_trap="", err_prints=False)
        body = parse_nested(handler.path, handler.script or "", handler.script_start or handler.start)
        exits = self._always_exits(body, st, 0)
        return replace(st, err_trap=self.loc(node.words[0].path if node.words else handler.path, _line(node.start))
                       if exits else "", err_prints=_prints(body))

    def _always_exits(self, node, st: State, depth: int) -> bool:
        if depth > 4:
            return False
        stack = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, Command) and n.words:
                name = n.words[0].literal
                if name == "exit":
                    return True
                fn = st.functions.get(name) if name else None
                if fn is not None and self._always_exits(fn.body, st, depth + 1):
                    return True
            elif type(n) is Inert:
                if any(name in st.functions for name in n.names):  # `die "…"`
                    stack.append(n.full())
            elif isinstance(n, Seq):
                stack.extend(n.items)
            elif isinstance(n, (AndOr,)):
                stack.extend((n.left, n.right))
            elif isinstance(n, (Subshell, Not)):
                stack.append(n.body)
            elif isinstance(n, If):
                for cond, body in n.clauses:
                    stack.append(body)
                if n.orelse is not None:
                    stack.append(n.orelse)
        return False

    def set_options(self, args: tuple[Word, ...], st: State, where: str = "") -> State:
        before = st.errexit
        st = self._set_options(args, st)
        flags = [a.literal or "" for a in args]
        if "posix" in flags:  # POSIX mode: `$(…)` keeps errexit
            st = replace(st, inherit_errexit="-o" in flags)
        if before and not st.errexit:
            st = replace(st, errexit_origin=Message("flow.errexit-off", where=where))
        elif st.errexit and not before:
            st = replace(st, errexit_since=where)
        return st

    def _set_options(self, args: tuple[Word, ...], st: State) -> State:
        words = [a.literal or "" for a in args]
        k = 0
        while k < len(words):
            w = words[k]
            if w in ("-o", "+o") and k + 1 < len(words):
                on = w == "-o"
                if words[k + 1] == "errexit":
                    st = replace(st, errexit=on)
                elif words[k + 1] == "pipefail":
                    st = replace(st, pipefail=on)
                elif words[k + 1] == "allexport":
                    st = replace(st, allexport=on)
                k += 2
                continue
            if len(w) > 1 and w[0] in "-+" and w != "--":
                on = w[0] == "-"
                if "e" in w[1:]:
                    st = replace(st, errexit=on)
                if "a" in w[1:]:  # set -a: every variable assigned from here on is exported
                    st = replace(st, allexport=on)
                if "o" in w[1:] and k + 1 < len(words) and w.endswith("o"):
                    opt = words[k + 1]
                    if opt == "pipefail":
                        st = replace(st, pipefail=on)
                    elif opt == "errexit":
                        st = replace(st, errexit=on)
                    elif opt == "allexport":
                        st = replace(st, allexport=on)
                    k += 1
            k += 1
        return st


PRINTERS = frozenset({"echo", "printf", "logger"})


def _prints(node) -> bool:
    """Does a trap handler write a message (`echo "failed at $LINENO" >&2`)?"""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Command) and n.words and n.words[0].literal in PRINTERS:
            return True
        if type(n) is Inert and n.names & PRINTERS:
            return True
        if isinstance(n, Seq):
            stack.extend(n.items)
        elif isinstance(n, AndOr):
            stack.extend((n.left, n.right))
    return False

