"""checks: `[ … ]`, `[[ … ]]` and `test`.

A check of `$?` or of a saved `$rc` decides which branch handles the failure; a check of the
environment's name (`[ "$RAILS_ENV" = production ]`) narrows the environment of each branch.
"""

from __future__ import annotations

import re

from orderlint.shell.launch import is_env_name
from orderlint.flow.counters import arithmetic, compare
from orderlint.flow.state import Flow, State, normalize_env, replace
from orderlint.shell.syntax import Test, Word


class Checks:
    """A room of the `Interpreter` (orderlint.flow.interpreter): its methods reach the others through `self`."""

    def _env_variable(self, word: Word) -> bool:
        names = [p.text for p in word.parts if p.kind == "var"]
        return len(names) == 1 and is_env_name(names[0]) and \
            all(p.kind == "lit" and not p.text.strip() for p in word.parts if p.kind != "var")

    def test(self, node: Test, st: State) -> list[Flow]:
        ops = node.operands
        words = [o for o in ops if isinstance(o, Word)]
        # `$?` / `$rc` checks decide which branch handles the failure.
        status_causes: frozenset[int] | None = None
        variable = None
        for w in words:
            for p in w.parts:
                if p.kind == "param" and p.text == "?":
                    status_causes = st.pending
                elif p.kind == "var" and p.text in st.status_vars:
                    status_causes, variable = st.status_vars[p.text], p.text
                    for cause in status_causes:
                        self.captured.pop(cause, None)
        base = replace(st, pending=frozenset(), pending_reason="")
        if status_causes is not None:
            # On the branch where the test says "it succeeded", the saved status holds no failure.
            succeeded = replace(base, status_vars={k: v for k, v in st.status_vars.items() if k != variable}) \
                if variable else base
            for cause in status_causes:
                if cause in self.by_id:
                    self.by_id[cause].status_tested = True
            text = " ".join(o if isinstance(o, str) else (o.literal or "$") for o in ops)
            nonzero = bool(re.search(r"(-ne|!=|-gt)\s*0\b|0\s*(-ne|!=|-lt)", text))
            zero = bool(re.search(r"(-eq|==?)\s*0\b|0\s*(-eq|==?)", text))
            if nonzero and not zero:
                return [Flow("normal", replace(base, pending=status_causes), False), Flow("normal", succeeded, True)]
            if zero and not nonzero:
                return [Flow("normal", succeeded, False), Flow("normal", replace(base, pending=status_causes), True)]
            return [Flow("normal", replace(base, pending=status_causes), False),
                    Flow("normal", replace(base, pending=status_causes), True)]
        st = self.drop(st)
        known = self._counted(node, st)
        if known is not None:
            return known
        guard = self._first_boot(node, st)
        if guard is not None:
            return guard
        # [ "$RAILS_ENV" = production ] narrows the environment of each branch.
        if len(ops) == 3 and isinstance(ops[0], Word) and isinstance(ops[2], Word) and ops[1] in ("=", "==", "!="):
            lhs, rhs = ops[0], ops[2]
            if not self._env_variable(lhs) and self._env_variable(rhs):
                lhs, rhs = rhs, lhs
            value = self.expand_one(rhs, st)
            known_lhs = self.expand_one(lhs, st)
            if self._env_variable(lhs) and value is not None and not any(c in value for c in "*?["):
                if known_lhs is not None:
                    equal = normalize_env(known_lhs) == normalize_env(value)
                    return [Flow("normal", st, equal != (ops[1] == "!="))]
                yes, no = replace(st, envs=st.envs.restrict([value])), replace(st, envs=st.envs.exclude([value]))
                if ops[1] == "!=":
                    yes, no = no, yes
                return [Flow("normal", yes, False), Flow("normal", no, True)]
        self._run_substitutions(words, st)
        return [Flow("normal", st, False), Flow("normal", st, True)]

    def _first_boot(self, node: Test, st: State) -> list[Flow] | None:
        """A test of what `db:version` printed, true exactly when no migration ran yet
        (`[ "$version" -eq 0 ]`, `[[ $out == *"Current version: 0"* ]]`): the branch where the
        database is empty is marked, so a schema load there is a first boot, not a wipe."""
        if not st.versions or node.arith:
            return None
        ops = node.operands
        negated = bool(ops) and ops[0] == "!"
        rest = ops[1:] if negated else ops
        if len(rest) > 3 and all(isinstance(w, Word) for w in rest[2:]):
            # `[[ $out == *"Current version: 0"* ]]`: the pattern comes in pieces
            rest = (*rest[:2], rest[2].with_parts(tuple(p for w in rest[2:] for p in w.parts)))
        if len(rest) != 3 or not isinstance(rest[1], str) and not isinstance(rest[1], Word):
            return None
        lhs, op, rhs = rest
        op = op if isinstance(op, str) else (op.literal or "")
        if _version_read(rhs, st) and not _version_read(lhs, st):
            lhs, rhs = rhs, lhs
            op = _MIRRORED.get(op, op)
        if not _version_read(lhs, st) or not isinstance(rhs, Word):
            return None
        empty_when = _empty_when(op, rhs)
        if empty_when is None:
            return None
        empty = replace(st, empty_database=True)
        if empty_when == negated:
            return [Flow("normal", st, False), Flow("normal", empty, True)]
        return [Flow("normal", empty, False), Flow("normal", st, True)]

    def _counted(self, node: Test, st: State) -> list[Flow] | None:
        """`(( n++ ))`, `[ "$n" -ge 3 ]`, `[ "$ok" = 1 ]` when the values are known: one branch."""
        ops = node.operands
        if node.arith:
            text = " ".join(o if isinstance(o, str) else o.raw for o in ops)
            value, sets = arithmetic(text, st.variables)
            if sets:
                st = replace(st, variables={**st.variables, **sets})
            if value is None:
                return [Flow("normal", st, False), Flow("normal", st, True)] if sets else None
            return [Flow("normal", st, value == 0)]
        negated = bool(ops) and ops[0] == "!"
        rest = ops[1:] if negated else ops
        if len(rest) == 3 and isinstance(rest[0], Word) and isinstance(rest[1], str) and isinstance(rest[2], Word) \
                and not self._env_variable(rest[0]) and not self._env_variable(rest[2]):
            result = compare(self.expand_one(rest[0], st), rest[1], self.expand_one(rest[2], st))
            if result is not None:
                return [Flow("normal", st, result == negated)]
        return None

    def let(self, args: tuple[Word, ...], st: State) -> list[Flow]:
        """`let n=n+1 "m += 2"`: each argument evaluated in turn; the status is 1 when the last is 0."""
        value, sets = None, {}
        for a in args:
            # `$n` and `n` are the same integer in an arithmetic expression
            text = "".join(p.text for p in a.parts) if all(p.kind in ("lit", "var") for p in a.parts) else None
            value, changed = arithmetic(text, {**st.variables, **sets}) if text is not None else (None, {})
            sets.update(changed)
        st = replace(st, variables={**st.variables, **sets})
        if value is None:
            return [Flow("normal", st, False), Flow("normal", st, True)]
        return [Flow("normal", st, value == 0)]


_MIRRORED = {"-lt": "-gt", "-gt": "-lt", "-le": "-ge", "-ge": "-le"}


def _version_read(word, st: State) -> bool:
    """`"$version"`, `${version}`: one variable that holds what `db:version` printed."""
    if not isinstance(word, Word):
        return False
    names = [p.text for p in word.parts if p.kind == "var"]
    return len(names) == 1 and names[0] in st.versions and \
        all(p.kind == "var" or (p.kind == "lit" and not p.text.strip()) for p in word.parts)


def _empty_when(op: str, value: Word) -> bool | None:
    """Whether the test `VERSION op value` is true (True) or false (False) exactly for version
    0 among the versions a database can have (0, or a migration's positive number); None when
    it does not tell an empty database from the others."""
    parts = value.parts
    if any(p.kind not in ("lit",) for p in parts):
        return None
    text = "".join(p.text for p in parts)
    if op in ("-eq", "-ne", "-lt", "-le", "-gt", "-ge"):
        if not re.fullmatch(r"\s*\d+\s*", text):
            return None
        n = int(text)
        holds = {"-eq": lambda v: v == n, "-ne": lambda v: v != n, "-lt": lambda v: v < n,
                 "-le": lambda v: v <= n, "-gt": lambda v: v > n, "-ge": lambda v: v >= n}[op]
        # a migration's version is any positive number: the test must give one answer for them all
        above = {holds(v) for v in (1, 2, n - 1, n, n + 1, 10 ** 14) if v >= 1}
        return holds(0) if above == {not holds(0)} else None
    if op in ("=", "==", "!="):
        if text.strip() in ("0", "Current version: 0") or _matches_version_zero(parts):
            return op != "!="
        return None
    if op == "=~" and re.search(r"version:(\s|\\ )*0(\$|\)?$)", text):
        return True
    return None


def _matches_version_zero(parts) -> bool:
    """A pattern `*"version: 0"*` (quoted text between unquoted `*`): matches db:version's line
    for an empty database and no other (a migration's number is never led by a 0)."""
    core = [p for p in parts if not (not p.quoted and p.text == "*")]
    return len(core) == 1 and core[0].quoted and core[0].text.endswith("version: 0")
