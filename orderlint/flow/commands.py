"""commands: simple commands: assignments, the shell's builtins, and what a command launches.

`simple` decides what a command runs (a function, a builtin, a Rails task, a shell, another
script of the project, `exec`, or an external command that succeeds or fails) and its status.
"""

from __future__ import annotations

import os
from pathlib import Path

from orderlint.deploy.services import compose_variable
from orderlint.messages import Message
from orderlint.shell.extract import ALWAYS_OK
from orderlint.shell.launch import classify
from orderlint.flow.inert import MESSAGE_COMMANDS
from orderlint.flow.nodes import _line
from orderlint.flow.state import SILENT, WARNS, Flow, IdSet, State, _merge, replace
from orderlint.shell.syntax import Command, Part, Test, Word


class Commands:
    """A room of the `Interpreter` (orderlint.flow.interpreter): its methods reach the others through `self`."""

    def command(self, node: Command, st: State) -> list[Flow]:
        if not node.words:
            return self.assignments(node, st)
        st = self._run_substitutions(node.words, st)
        if node.declaration:
            return self.assignments(node, st)
        words = self.expand(node.words, st)
        if not words:
            return [Flow("normal", st, False)]
        prefix_env = {a.name: (self.expand_one(a.value, st) if a.value else "") for a in node.assigns}
        return self.simple(node, words, st, prefix_env)

    def assignments(self, node: Command, st: State) -> list[Flow]:
        """`x=$(cmd)` has cmd's status; `local x=$(cmd)` has local's. Success and failure stay
        separate paths, so what succeeded before the next command is known on each."""
        masked_by = node.declaration
        paths: list[tuple[State, bool]] = [(st, False)]
        for a in node.assigns:
            value = a.value
            following: list[tuple[State, bool]] = []
            for state, failed in paths:
                if value is not None and any(p.kind == "param" and p.text == "?" for p in value.parts):
                    for cause in state.pending:
                        self.captured[cause] = a.name
                    state = replace(state, status_vars={**state.status_vars, a.name: state.pending},
                                    pending=frozenset(), pending_reason="")
                    following.append((state, failed))
                    continue
                if a.name in state.versions:
                    state = replace(state, versions=state.versions - {a.name})
                current = [(state, failed)]
                for body in (value.substitutions if value is not None else ()):
                    nxt: list[tuple[State, bool]] = []
                    for before, _ in current:
                        for f in self.substitution(body, before):
                            after = replace(before, must=f.state.must, may=f.state.may, warned=f.state.warned,
                                            background=f.state.background, handling=before.handling & f.state.handling)
                            if self._ran_version(before, f.state):
                                after = replace(after, versions=after.versions | {a.name})
                            if masked_by:
                                where = self.loc(value.path, _line(a.start))
                                why = Message("flow.declaration-masks", builtin=masked_by, name=a.name, where=where)
                                fix = Message("fix.declare-then-assign", builtin=masked_by, name=a.name)
                                said = self.said(f.state.pending, f.state)  # `$(task || die …)`: die spoke first
                                self.fate(said, WARNS, why, fix=fix)
                                self.fate(f.state.pending - said, SILENT, why, fix=fix)
                                nxt.append((after, False))
                            elif f.failed:
                                nxt.append((replace(after, pending=f.state.pending,
                                                    pending_reason=f.state.pending_reason), True))
                            else:
                                nxt.append((after, False))
                    current = nxt
                following.extend(current)
            paths = [(replace(s, variables={**s.variables, a.name: self.assigned_value(a.name, value, s)}), f)
                     for s, f in following]
            paths = [(f.state, f.failed) for f in _merge([Flow("normal", s, f) for s, f in paths])]
        return [Flow("normal", self.exports(node, s), f) for s, f in paths]

    def _ran_version(self, before: State, after: State) -> bool:
        """Did the code between these states run `db:version` (what it printed is captured)?"""
        ran = (after.may | IdSet.of(after.pending)) - before.may
        return any(self.by_id[i].task == "db:version" for i in ran if i in self.by_id)

    def exports(self, node: Command, st: State) -> State:
        """Which names reach the environment of later commands: `export X=1`, `export X`,
        `declare -x`/`typeset -x` (`-g`, or outside functions), and every assignment under
        `set -a`; `export -n`, `declare +x` and `unset` take a name out. A plain `X=1` keeps the
        attribute the name already has."""
        keyword = node.declaration
        flags = "".join((w.literal or "")[1:] for w in node.words if (w.literal or "").startswith("-"))
        unflags = "".join((w.literal or "")[1:] for w in node.words if (w.literal or "").startswith("+"))
        names = {a.name for a in node.assigns} | {
            (w.literal or "").split("=", 1)[0] for w in node.words
            if w.literal and not w.literal.startswith(("-", "+"))}
        names.discard("")
        in_function = any(not c.function.startswith(("source ", "script ")) for c in st.calls)
        add: set[str] = set()
        drop: set[str] = set()
        if keyword == "export":
            (drop if "n" in flags else add).update(names)
        elif keyword in ("declare", "typeset", "local"):
            if "x" in flags and (keyword != "local" and ("g" in flags or not in_function)):
                add.update(names)
            elif "x" in unflags:
                drop.update(names)
        elif keyword == "unset":
            drop.update(names)
        if st.allexport and keyword != "unset":
            add.update(a.name for a in node.assigns)
        if not add and not drop:
            return st
        return replace(st, exported=(st.exported | add) - drop)

    def compose_services(self, st: State):
        """The RAILS_ENV of a compose service, from the compose files where the command runs
        (where a `cd` took it, else the script's folder or the nearest above it that has one)."""
        cwd, script, entry, root = st.cwd, st.script_file, self.entry, self.root

        def lookup(given: tuple[str, ...], service: str) -> str | None:  # paths built only when asked
            folder = Path(cwd) if cwd else Path(script or entry).parent
            return compose_variable(folder, root, given, service)
        return lookup

    def simple(self, node: Command, words: tuple[Word, ...], st: State, prefix_env: dict) -> list[Flow]:
        name = words[0].literal
        args = words[1:]
        if name is not None and not st.remote and name in st.functions and name not in ("command", "builtin"):
            return self.call(st.functions[name], node, words, st)
        if name == "set":
            st = self.set_options(args, st, self.loc(words[0].path, _line(node.start)))
            flags = [a.literal or "" for a in args]
            if any(f.startswith(("-", "+")) and "E" in f for f in flags) or "errtrace" in flags:
                st = replace(st, errtrace=any(f.startswith("-") and "E" in f for f in flags) or
                             ("errtrace" in flags and "-o" in flags))
            return [Flow("normal", st, False)]
        if name == "let" and args:
            return self.let(args, st)
        if name == "shopt":
            flags = [a.literal or "" for a in args]
            letters = "".join(f[1:] for f in flags if f.startswith("-"))
            if "o" in letters and ("s" in letters or "u" in letters):  # `shopt -so errexit`: `set -o errexit`
                on = "-o" if "s" in letters else "+o"
                opts = [w for w, f in zip(args, flags) if not f.startswith("-")]
                for opt in opts:
                    st = self.set_options((args[0].with_parts((Part("lit", on),)), opt), st,
                                          self.loc(words[0].path, _line(node.start)))
                return [Flow("normal", st, False)]
            if "inherit_errexit" in flags:
                st = replace(st, inherit_errexit="-s" in flags)
            if "lastpipe" in flags:
                st = replace(st, lastpipe="-s" in flags)
            return [Flow("normal", st, False)]
        if name == "trap":
            return [Flow("normal", self.trap(args, st, node), False)]
        if name in ("exit", "return"):
            code = args[0].literal if args else None
            if self.after_success is node and (not args or _is_status(args[0])):
                code = "0"  # the status of the command before, which succeeded
            saved = self._status_word(args[0], st) if args and code is None else None
            if saved is not None:
                # `return $rc`, `exit $?`: the status saved earlier; inside the handler of that
                # very failure it can only be the failure
                for cause in saved:
                    self.captured.pop(cause, None)
                cleared = {k: v for k, v in st.status_vars.items() if not v & saved}
                ok = None if saved and saved <= st.handling else replace(st, pending=frozenset(), status_vars=cleared)
                bad = replace(st, pending=saved, status_vars=cleared)  # the failure is the status again
            elif args and code is None:
                ok, bad = st, st  # a status orderlint cannot know
            elif code is None:
                ok, bad = (None, st) if (st.pending or st.handling) else (st, None)
            else:
                ok, bad = (st, None) if code.strip() == "0" else (None, st)
            command = f"{name}{' ' + args[0].raw if args else ''}"
            if name == "exit" and code is not None and code.strip() == "0" and st.handling:  # `|| { echo …; exit; }`
                why = Message("flow.stops-with-success", command=command, where=self.loc(words[0].path, _line(node.start)))
                self.fate(st.handling & st.warned, WARNS, why, fix=Message("fix.exit-1"))  # it said why first
                self.fate(st.handling - st.warned, SILENT, why, fix=Message("fix.exit-1"))
            frames = [c for c in st.calls if not c.function.startswith("source ")]
            if frames:
                reason = Message("flow.function-runs", function=frames[-1].name,
                                 where=self.loc(frames[-1].path, frames[-1].line), command=command,
                                 at=self.loc(words[0].path, _line(node.start)))
            else:
                reason = Message("flow.command-stops", command=command, where=self.loc(words[0].path, _line(node.start)))
            return [Flow(name, state, failed, reason=reason) for state, failed in ((ok, False), (bad, True))
                    if state is not None]
        if name in ("break", "continue"):
            return [Flow(name, st, False)]
        if name == "wait":
            return self.wait(args, st, node)
        if name in ("source", "."):
            return self.source(node, args, st)
        if name == "false":
            return [Flow("normal", st, True)]
        if name in ("[", "test", "[["):
            ops = tuple(a if a.literal not in ("=", "==", "!=", "-eq", "-ne", "-gt", "-lt") else a.literal
                        for a in args if a.literal not in ("]", "]]"))
            return self.test(Test(ops, node.start, node.end), st)
        if name == "shift":
            if st.positional:
                n = int(args[0].literal) if args and (args[0].literal or "").isdigit() else 1
                st = replace(st, positional=st.positional[n:])
            return [Flow("normal", st, False)]
        if name == "cd":
            target = self.expand_one(args[0], st) if args else None
            if target is not None and not target.startswith("-"):
                base = Path(st.cwd) if st.cwd else None
                where = Path(target) if target.startswith("/") else (base / target if base else None)
                st = replace(st, cwd=os.path.normpath(where) if where is not None else "")
            else:
                st = replace(st, cwd="")
            return [Flow("normal", st, False)]
        if name == "export":
            return [Flow("normal", st, False)]
        if name == "read":
            flows = self.read_heredoc(node, args, st)
            if flows is not None:
                return flows
        if name in MESSAGE_COMMANDS:
            if st.capturing == "$(…)" and not node.redirects_stderr_or_out:
                return [Flow("normal", st, False)]  # `$(task || echo failed)`: the message is captured, not shown
            return [Flow("normal", replace(st, warned=st.warned | st.handling), False)]
        launch = classify(words, self.herestring_script(node.stdin, st) or node.stdin or st.stdin, self.launchers,
                          self.compose_services(st))
        if prefix_env:
            launch = replace(launch, env={**prefix_env, **launch.env})
        if launch.rails is not None:  # `bin/rails db:migrate >&2` runs the task all the same
            return self.rails(node, launch, launch.rails, st)
        if launch.shell is not None:
            return self.shell(node, launch, launch.shell, st)
        if node.redirects_stderr_or_out and name not in ("cat",):  # a message of its own: `printf … >&2`
            return [Flow("normal", replace(st, warned=st.warned | st.handling), False)]
        if launch.via and launch.words and not launch.remote and all(v in ("time", "nice", "nohup", "env")
                                                                       for v in launch.via):
            return self.simple(node, launch.words, st, {**prefix_env, **launch.env})
        if launch.words and launch.words[0].literal in ALWAYS_OK:
            return [Flow("normal", st, False)]
        if launch.words and launch.words[0].literal == "exec" and len(launch.words) > 1:
            # `exec cmd` replaces the script: its status is the script's.
            out = []
            for f in self.simple(node, launch.words[1:], st, {**prefix_env, **launch.env}):
                if f.kind == "normal":
                    f = Flow("exit", f.state, f.failed,
                             reason=Message("flow.exec-ends", where=self.loc(words[0].path, _line(node.start))))
                out.append(f)
            return out
        target = self._script_target(launch.words, st) if launch.words else None
        if target is not None:
            return self.run_script(node, launch, target, st)
        flows = [Flow("normal", st, False), Flow("normal", st, True)]
        if launch.masks_status:
            flows = flows[:1]
        return flows


def _is_status(word) -> bool:
    """`$?`, `"$?"`, `${?}`: the status of the command before."""
    return len(word.parts) == 1 and word.parts[0].kind == "param" and word.parts[0].text == "?"
