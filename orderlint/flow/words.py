"""words: parameter expansion, and the command substitutions (`$(…)`) that run inside words."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from orderlint.messages import Message
from orderlint.flow.counters import expression
from orderlint.flow.nodes import _line
from orderlint.flow.state import SILENT, Flow, State, join_states, replace
from orderlint.shell.syntax import Node, Part, Word


class Words:
    """A room of the `Interpreter` (orderlint.flow.interpreter): its methods reach the others through `self`."""

    def _part_text(self, part: Part, st: State) -> str | None:
        if part.kind == "lit":
            return part.text
        if part.kind == "dir":
            if part.text == "0":
                return str(Path(st.script_file).parent) if st.script_file else str(self.entry.parent)
            return str(Path(st.current_file).parent) if st.current_file else str(self.entry.parent)
        if part.kind == "var":
            if part.text == "BASH_SOURCE":
                return st.current_file or str(self.entry)
            if part.text in ("HOME", "PWD"):
                return None
            value = st.variables.get(part.text)
            return value
        if part.kind == "dyn" and part.text.startswith("$((") and part.text.endswith("))"):
            value = expression(part.text[3:-2], st.variables)  # `$((n + 1))` of a known counter
            return None if value is None else str(value)
        if part.kind == "param" and part.text == "0":
            return st.script_file or str(self.entry)
        if part.kind == "param" and part.text.isdigit() and st.positional is not None:
            k = int(part.text)
            if 1 <= k <= len(st.positional):
                return st.positional[k - 1].literal
            return ""
        return None

    def expand_one(self, word: Word, st: State) -> str | None:
        out = []
        for p in word.parts:
            t = self._part_text(p, st)
            if t is None:
                return None
            out.append(t)
        return "".join(out)

    def expand(self, words: tuple[Word, ...], st: State) -> tuple[Word, ...]:
        """Words after parameter expansion: `"$@"` becomes the caller's own words (positions and all)."""
        out: list[Word] = []
        for w in words:
            parts = w.parts
            if self.texts and parts and parts[-1].kind in ("var", "cmd") and len(parts) <= 2:
                script = self.script_words(w, st)  # a variable holding a script, run as one
                if script is not None:
                    out.extend(script)
                    continue
            if len(parts) == 1 and parts[0].kind == "param" and parts[0].text in ("@", "*"):
                if st.positional is None:
                    out.append(w)
                elif parts[0].text == "*" and parts[0].quoted and st.positional:
                    out.append(st.positional[0] if len(st.positional) == 1 else w)
                else:
                    out.extend(st.positional)
                continue
            if len(parts) == 1 and parts[0].kind == "param" and parts[0].text.isdigit() and parts[0].text != "0":
                k = int(parts[0].text)
                if st.positional is not None and 1 <= k <= len(st.positional):
                    out.append(st.positional[k - 1])
                elif st.positional is None:
                    out.append(w)
                continue
            if any(p.kind != "lit" for p in parts):
                texts = [self._part_text(p, st) for p in parts]
                if all(t is not None for t in texts):
                    value = "".join(texts)  # type: ignore[arg-type]
                    lit = (Part("lit", value, True),)
                    if len(parts) == 1 and parts[0].kind == "var" and not parts[0].quoted and value.split() != [value]:
                        out.extend(w.with_parts((Part("lit", piece, False),)) for piece in value.split())
                    else:
                        out.append(w.with_parts(lit))
                    continue
            out.append(w)
        return tuple(out)

    def substitution(self, body: Node, st: State) -> list[Flow]:
        """`$(…)` runs in a subshell where bash turns errexit off unless `inherit_errexit` is set."""
        inner = st
        if st.errexit and not st.inherit_errexit:
            inner = replace(st, errexit=False, errexit_origin=Message("flow.substitution-no-errexit"))
        flows = self.subshell(body, replace(inner, capturing="$(…)"))
        return [replace(f, state=replace(f.state, errexit=st.errexit, errexit_origin=st.errexit_origin,
                                         capturing=st.capturing)) for f in flows]

    def _run_substitutions(self, words: Iterable[Word], st: State, reason: Message | None = None) -> State:
        """Commands in `$(…)` run first; as arguments their status is lost."""
        for w in words:
            for body in w.substitutions:
                flows = self.substitution(body, st)
                merged = flows[0].state
                for f in flows[1:]:
                    merged = join_states(merged, f.state)
                self.fate(merged.pending, SILENT, reason or Message("flow.in-substitution", text=w.raw[:40],
                                                                    where=self.loc(w.path, _line(w.start))),
                          fix=Message("fix.assign-first"))
                st = replace(st, must=merged.must, may=merged.may, warned=merged.warned,
                             handling=st.handling & merged.handling)
        return st
