"""compound: `if`, `case`, loops (retry loops among them), subshells, background jobs and `wait`."""

from __future__ import annotations

import fnmatch

from orderlint.messages import Message
from orderlint.flow.counters import for_items
from orderlint.flow.limits import MAX_LOOPS_UNROLLED, MAX_RETRIES, STEP_BUDGET
from orderlint.flow.nodes import _breaks_out, _reads_status, describe
from orderlint.flow.state import ABORTS, SILENT, WARNS, Fate, Flow, State, _merge, replace
from orderlint.shell.syntax import Background, Case, Command, If, Loop, Node, Seq, Word


class Compound:
    """A room of the `Interpreter` (orderlint.flow.interpreter): its methods reach the others through `self`."""

    def if_(self, node: If, st: State) -> list[Flow]:
        out: list[Flow] = []
        current = [Flow("normal", st, True)]
        for cond, body in node.clauses:
            nxt: list[Flow] = []
            for f in current:
                why = Message("flow.if-condition", command=describe(cond), where=self.at(cond))
                for r in self.condition(cond, self.drop(f.state) if not _reads_status(cond) else f.state, why):
                    if r.kind != "normal":
                        out.append(r)
                    elif not r.failed:
                        # the body starts with `$?` 0, the condition's: `if ! task; then exit; fi` exits 0
                        self.after_success = body.items[0] if isinstance(body, Seq) and body.items else body
                        out.extend(self.handler(body, r.state, Message("flow.if-handles", where=self.at(cond))))
                    else:
                        nxt.append(r)
            current = _merge(nxt)
        for f in current:
            where = Message("flow.if-handles", where=self.at(node))
            if node.orelse is not None:
                out.extend(self.handler(node.orelse, f.state, where))
            else:
                for r in self.handler(None, f.state, Message("flow.if-no-else", where=self.at(node))):
                    out.append(replace(r, failed=False))
        return _merge(out)

    def case(self, node: Case, st: State) -> list[Flow]:
        st = st if _reads_status(node) else self.drop(st)
        subject = self.expand_one(node.subject, st)
        env_var = self._env_variable(node.subject)
        out: list[Flow] = []
        remaining = st.envs
        matched_all = False
        falling: list[Flow] = []
        for item in node.items:
            pats = [self.expand_one(p, st) for p in item.patterns]
            branch = st
            if subject is not None and all(p is not None for p in pats):
                if not any(fnmatch.fnmatchcase(subject, p) for p in pats):
                    continue
                matched_all = True
            elif env_var and all(p is not None for p in pats):
                literal = [p for p in pats if not any(ch in p for ch in "*?[")]
                if literal and len(literal) == len(pats):
                    branch = replace(st, envs=remaining.restrict(literal))
                    remaining = remaining.exclude(literal)
                else:
                    branch = replace(st, envs=remaining)
            if any(p == "*" for p in pats):
                matched_all = True  # a catch-all arm: no path skips the case
            flows = self.ev(item.body, branch)
            for f in falling:
                flows += self.ev(item.body, f.state)
            falling = [f for f in flows if f.kind == "normal"] if item.falls_through else []
            out.extend(f for f in flows if not item.falls_through or f.kind != "normal")
            if matched_all:
                break
        if not matched_all:
            out.append(Flow("normal", replace(st, envs=remaining) if env_var else st, False))
        return _merge(out)

    def loop(self, node: Loop, st: State) -> list[Flow]:
        """Two iterations stand for any number, except in a retry loop. A failed condition that
        re-enters the body (`until bin/rails db:migrate; do sleep 5; done`), or a failure handled
        in a body that can `break`, is a retry: the loop goes round with the failure still being
        handled, its counter known when it is (`n=$((n+1))`, `for i in 1 2 3`), until the last
        attempt: then an `exit` in the body stops the script, a `break` or the end of the list
        lets it go on, and a loop that only ends on success waits (nothing after it runs after
        a failure)."""
        out: list[Flow] = []
        entry_handling = st.handling
        items = self._loop_items(node, st)
        runs_at_least_once = node.kind == "for" and node.items is not None and len(node.items) > 0 and \
            all(w.literal is not None for w in node.items) or bool(items)
        if not runs_at_least_once:
            out.append(Flow("normal", self.drop(st), False))
        self.loop_depth += 1
        retry = _breaks_out(node.body)
        self.retry_loops += retry
        iterations = 2 if self.loop_depth <= MAX_LOOPS_UNROLLED and self.steps < STEP_BUDGET else 1
        try:
            return self._loop(node, st, out, entry_handling, iterations, items)
        finally:
            self.loop_depth -= 1
            self.retry_loops -= retry

    def _loop_items(self, node: Loop, st: State) -> list[str] | None:
        """The values a `for` loop takes, when they are certain and few."""
        if node.kind != "for" or node.items is None or node.variable is None:
            return None
        raw = []
        for w in node.items:
            value = self.expand_one(w, st)
            if value is not None and not any(c in value for c in "*?[ \t\n"):
                raw.append(value)
            else:
                raw.append(w.raw)
        found = for_items([r for r in raw])
        return found

    def _loop(self, node: Loop, st: State, out: list[Flow], entry_handling: frozenset[int], iterations: int,
              items: list[str] | None) -> list[Flow]:
        current = [Flow("normal", st, False)]
        previous = None
        iteration = 0
        gave: set[int] = set()  # failures that leave the loop by a `break` or its normal end
        while current:
            if items is not None:
                current = [replace(f, state=replace(f.state, variables={**f.state.variables,
                                                                         node.variable: items[iteration]}))
                           for f in current]
            nxt = self._iteration(node, st, out, current, entry_handling, iteration, gave)
            current = _merge(nxt)
            iteration += 1
            retrying = frozenset().union(*(f.state.handling - entry_handling for f in current))
            last = items is not None and iteration >= len(items)
            if node.condition is None and (items is None or last):
                self._gives_up(node, out, current, entry_handling, gave)
            if last or not current:
                break
            if not retrying or self.steps >= STEP_BUDGET or self.loop_depth > MAX_LOOPS_UNROLLED:
                if iteration >= iterations:
                    if node.condition is None and items is not None:
                        out.extend(replace(f, state=replace(f.state, handling=entry_handling)) for f in current)
                    break
                continue
            shape = [(f.failed, f.state.handling, f.state.pending, sorted(f.state.variables.items(), key=lambda kv: kv[0]))
                     for f in current]
            if shape == previous:
                # Round and round with nothing changed: the loop ends only when the task succeeds.
                self.fate(retrying - gave, ABORTS, Message("flow.loop-waits", kind=node.kind, where=self.at(node)))
                break
            previous = shape
            if iteration >= MAX_RETRIES:
                if node.condition is None and items is not None:
                    out.extend(replace(f, state=replace(f.state, handling=entry_handling)) for f in current)
                break
        self.leftover = frozenset(gave)
        return _merge(out)

    def _gives_up(self, node: Loop, out: list[Flow], current: list[Flow], entry_handling: frozenset[int],
                  gave: set[int]) -> None:
        """The list ends with the failure of its last attempt still being handled: the script goes
        on, unless what follows the loop checks a flag and stops (that `exit` says aborts)."""
        for f in current:
            given_up = f.state.handling - entry_handling
            for cause in given_up:
                self.deferred.setdefault(cause, Fate(WARNS if cause in f.state.warned else SILENT,
                                                     Message("flow.loop-gives-up", kind=node.kind, where=self.at(node)),
                                                     fix=Message("fix.exit-after-last-attempt")))
            gave.update(given_up)
            out.append(f)

    def _iteration(self, node: Loop, st: State, out: list[Flow], current: list[Flow], entry_handling: frozenset[int],
                   iteration: int, gave: set[int]) -> list[Flow]:
        nxt: list[Flow] = []
        ended: list[Flow] = []  # the condition ends the loop
        for f in current:
            # Order facts are per iteration: the next region's primary migration after this
            # region's queue migration is not "queue before primary".
            state = f.state if iteration == 0 else replace(f.state, must=st.must, may=st.may)
            if node.condition is not None:
                why = Message("flow.loop-condition", command=describe(node.condition), kind=node.kind,
                              where=self.at(node))
                conds = self.condition(node.condition, state, why)
                go_on = (lambda r: not r.failed) if node.kind == "while" else (lambda r: r.failed)
                body_states = []
                for r in conds:
                    if r.kind != "normal":
                        out.append(r)
                    elif go_on(r):
                        body_states.append(replace(r.state, handling=r.state.handling | r.state.pending,
                                                   pending=frozenset(), pending_reason=""))
                    else:
                        ended.append(Flow("normal", self.drop(r.state), False))
            else:
                body_states = [state]
            for bs in body_states:
                for r in self.ev(node.body, bs):
                    if r.kind == "break":
                        given_up = r.state.handling - entry_handling
                        gave.update(given_up)
                        for cause in given_up:
                            self.fate([cause], WARNS if cause in r.state.warned else SILENT,
                                      Message("flow.loop-break", kind=node.kind, where=self.at(node)),
                                      fix=Message("fix.exit-not-break"))
                        out.append(Flow("normal", replace(r.state, handling=entry_handling), False))
                    elif r.kind in ("normal", "continue"):
                        nxt.append(Flow("normal", r.state, r.failed if r.kind == "normal" else False))
                    else:
                        out.append(r)
        self._gives_up(node, out, _merge(ended), entry_handling, gave)
        return nxt

    def subshell(self, body: Node, st: State, fresh: State | None = None, script: tuple | None = None) -> list[Flow]:
        """A child shell: exit ends only it; its variables and options do not come back.

        `script`: (its path, where it is run) when the child shell is another script of the
        project: why that script stops on a failure is kept for the reason its caller gives."""
        inner = fresh
        if inner is None:
            inner = replace(st, functions=st.functions.new_child())
            if st.err_trap and not st.errtrace:
                inner = replace(inner, err_trap="", errexit_origin=inner.errexit_origin if inner.errexit else
                                Message("flow.err-trap-no-subshells", where=st.err_trap))
            if st.err_prints and not st.errtrace:
                inner = replace(inner, err_prints=False)
        entry_handling = inner.handling
        flows = self.ev(body, inner) if not isinstance(body, tuple) else self.seq(body, inner)
        out = []
        for f in flows:
            s = f.state
            pending = s.pending
            failed = f.failed
            if f.kind in ("exit", "return"):
                handled = s.handling - entry_handling
                if failed:
                    pending = pending | handled
                    if script is not None and f.kind == "exit":
                        self.script_stops(pending, script, f.reason)
                else:  # `( task || { echo …; exit; } )`: the handler ends the child shell with success
                    for outcome, causes in ((WARNS, handled & s.warned), (SILENT, handled - s.warned)):
                        self.fate(causes, outcome, f.reason)
            # (a retried task that succeeded in it ends the handling of its earlier failure here too)
            merged = replace(st, must=s.must, may=s.may, warned=s.warned, pending=pending, background=s.background,
                             pending_reason=s.pending_reason, handling=st.handling & s.handling, envs=st.envs)
            out.append(Flow("normal", merged, failed))
        return _merge(out)

    def background(self, node: Background, st: State) -> list[Flow]:
        """`cmd &` returns 0 at once; only `wait PID` gets its status back."""
        out = []
        for f in self.subshell(node.body, st):
            for cause in f.state.pending:
                self.background_reason[cause] = Message("flow.background-unwaited", where=self.at(node))
            out.append(Flow("normal", replace(f.state, pending=frozenset(),
                                              background=f.state.background | f.state.pending), False))
        return _merge(out)

    def wait(self, args: tuple[Word, ...], st: State, node: Command) -> list[Flow]:
        jobs = st.background
        st = replace(st, background=frozenset())
        if not jobs:
            return [Flow("normal", st, False)]
        if not args:
            self.fate(jobs, SILENT, Message("flow.wait-without-id", where=self.at(node)), fix=Message("fix.wait-pid"))
            return [Flow("normal", st, False)]
        return [Flow("normal", st, False), Flow("normal", replace(st, pending=jobs), True)]
