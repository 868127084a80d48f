"""lists: `&&` / `||` lists, negation with `!`, pipelines; conditions and failure handlers.

A command tested by `if`, `while`, `&&`, `||` or `!` runs with errexit ignored (`condition`);
the code a failure leads to (`handler`) decides whether the failure stops the script, warns or
goes on silently.
"""

from __future__ import annotations

from orderlint.messages import Message
from orderlint.flow.nodes import _reads_status, describe
from orderlint.flow.state import SILENT, WARNS, Fate, Flow, State, _merge, _saved, join_states, replace
from orderlint.shell.syntax import AndOr, Command, Node, Not, Pipeline


class Lists:
    """A room of the `Interpreter` (orderlint.flow.interpreter): its methods reach the others through `self`."""

    def condition(self, node: Node, st: State, why: str) -> list[Flow]:
        inner = st if st.suppressed else replace(st, suppressed=why)
        flows = self.ev(node, inner)
        return [replace(f, state=replace(f.state, suppressed=st.suppressed)) for f in flows]

    def handler(self, body: Node | None, st: State, where: str) -> list[Flow]:
        """Run the code a failure leads to; when it ends normally the script goes on."""
        entry_handling = st.handling
        causes = st.pending
        keep = causes if body is not None and _reads_status(body) else frozenset()  # `|| rc=$?`
        st = replace(st, handling=st.handling | causes, pending=keep, pending_reason="")
        flows = self.ev(body, st) if body is not None else [Flow("normal", st, False)]
        out = []
        for f in flows:
            new = f.state.handling - entry_handling
            if f.kind == "normal" and new and f.failed and (f.state.errexit or f.state.err_trap) \
                    and not f.state.suppressed:
                # `task || false`, `|| ( echo; exit 1 )`: the handler fails in turn, and that
                # failure is the statement's status: what follows decides (set -e stops there)
                f = replace(f, state=replace(f.state, handling=entry_handling, pending=f.state.pending | new))
            elif f.kind == "normal" and new and self.retry_loops:
                # A failure handled inside a retry loop goes round again, still being handled:
                # the loop decides, after its last attempt, whether the script stops or goes on.
                pass
            elif f.kind == "normal" and new:
                fallback = frozenset(f.state.may - st.may)
                saved = _saved(f.state)
                for cause in new:
                    fate = Fate(WARNS if cause in f.state.warned else SILENT, where, fallback,
                                Message("fix.handler-exit"))
                    if cause in saved:
                        self.deferred.setdefault(cause, fate)  # `return $rc` may still raise it
                    else:
                        self.fate([cause], fate.outcome, fate.reason, fate.fallback, fate.fix)
                f = replace(f, state=replace(f.state, handling=entry_handling))
            out.append(f)
        return out

    def and_or(self, node: AndOr, st: State) -> list[Flow]:
        left = self.condition(node.left, st, Message("flow.list-operand", command=describe(node.left), op=node.op,
                                                     where=self.at(node)))
        out: list[Flow] = []
        for f in left:
            if f.kind != "normal":
                out.append(f)
            elif node.op == "&&":
                if f.failed:
                    out.append(replace(f, exempt=Message("flow.and-exempt", where=self.at(node))))
                elif f.state.pending:  # `[ $? -ne 0 ] && …`: the right side handles the failure
                    out.extend(self.handler(node.right, f.state, Message(
                        "flow.handler-runs", handler=f"&& {describe(node.right)}", where=self.at(node))))
                else:
                    out.extend(self.ev(node.right, f.state))
            else:
                if f.failed:
                    where = self._or_reason(node)
                    out.extend(self.handler(node.right, f.state, where))
                else:
                    out.append(replace(f, state=self.drop(f.state)))
        return _merge(out)

    def _or_reason(self, node: AndOr) -> Message:
        right = node.right
        text = describe(right)
        if isinstance(right, Command) and right.words and right.words[0].literal in ("true", ":"):
            return Message("flow.or-discards", command=right.words[0].literal, where=self.at(node))
        return Message("flow.handler-runs", handler=f"|| {text}", where=self.at(node))

    def negate(self, node: Not, st: State) -> list[Flow]:
        if not st.errexit:
            # bash ignores errexit under `!` only if it is on already: a function that runs
            # `set -e` under `! f` is stopped by its next failure, and an ERR trap (with `set -E`)
            # runs for the failures in it
            flows = self.ev(node.body, st)
        else:
            flows = self.condition(node.body, st, Message("flow.negated", command=describe(node.body),
                                                          where=self.at(node)))
        out = []
        for f in flows:
            if f.kind == "normal":
                out.append(Flow("normal", f.state, not f.failed,
                                exempt=Message("flow.negation-exempt", where=self.at(node))))
            else:
                out.append(f)
        return out

    def pipeline(self, node: Pipeline, st: State) -> list[Flow]:
        state = st
        stage_pending: frozenset[int] = frozenset()
        piped: frozenset[int] = frozenset()
        last_name = describe(node.stages[-1])
        for stage in node.stages[:-1]:
            reader = node.stages[node.stages.index(stage) + 1]
            flows = self.subshell(stage, replace(state, capturing=f"| {describe(reader)}"))
            state = flows[0].state
            for f in flows[1:]:
                state = join_states(state, f.state)
            if not st.pipefail:
                # Lost unless the next command reads `${PIPESTATUS[0]}`.
                why = Message("flow.pipeline-status", command=last_name, where=self.at(node))
                for cause in state.pending:
                    self.captured[cause] = "PIPESTATUS"
                    self.capture_reason[cause] = (why, Message("fix.pipefail"))
                self.said_when_captured |= self.said(state.pending, state)
                piped = piped | state.pending
            else:
                stage_pending |= state.pending
            state = replace(state, pending=frozenset(), capturing=st.capturing)
        out = []
        last = self.ev(node.stages[-1], state) if st.lastpipe else self.subshell(node.stages[-1], state)
        for f in last:
            if piped:
                f = replace(f, state=replace(f.state, status_vars={**f.state.status_vars, "PIPESTATUS": piped}))
            if stage_pending:
                out.append(Flow("normal", replace(f.state, pending=f.state.pending | stage_pending), True))
                if not f.failed:
                    out.append(f)
            else:
                out.append(f)
        return _merge(out)
