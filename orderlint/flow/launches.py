"""launches: a Rails task run (the Execution it records) and shell text run by a launcher.

`bin/rails db:migrate` records one execution per task, with the order facts and environment
of the path; `bash -c "…"`, `ssh host '…'`, `heroku run …` run their text in a shell of their
own (or in this one), whose `set -e` is not the script's.
"""

from __future__ import annotations

from collections import ChainMap

from orderlint.messages import Message
from orderlint.shell.extract import parse_nested
from orderlint.shell.launch import ENV_VARIABLES, Launch, RailsRun, ShellRun, rails_environment
from orderlint.flow.limits import MAX_NESTED_SHELLS
from orderlint.flow.nodes import _line
from orderlint.flow.state import (
    SILENT,
    EnvSet,
    Execution,
    Fate,
    Flow,
    IdSet,
    State,
    _merge,
    _saved,
    normalize_env,
    replace,
)
from orderlint.shell.syntax import Command


class Launches:
    """A room of the `Interpreter` (orderlint.flow.interpreter): its methods reach the others through `self`."""

    def rails(self, node: Command, launch: Launch, run: RailsRun, st: State) -> list[Flow]:
        for w in run.dynamic:
            if len(w.parts) == 1 and w.parts[0].kind == "param" and st.positional is None:
                continue  # a wrapper's "$@": its callers name the task
            self.note("OL003", w, Message("OL003.dynamic", text=w.raw))
        tasks = [t for t in run.tasks if self.tracked((t.literal or "").strip().split("[", 1)[0])]
        waiting = _saved(st) - st.handling
        if tasks and waiting:
            name = (tasks[0].literal or "").strip()
            self.fate(waiting, SILENT, Message("flow.goes-on-before-check", task=name,
                                               where=self.loc(tasks[0].path, _line(tasks[0].start))),
                      fix=Message("fix.check-right-after"))
        if not tasks:
            flows = [Flow("normal", st, False)]
            if not launch.masks_status:
                flows.append(Flow("normal", st, True))
            return flows
        explicit = rails_environment(run)
        for key in ("RAILS_ENV", "RACK_ENV", "KAMAL_DESTINATION"):
            if explicit is None and launch.env.get(key):
                explicit = launch.env[key]
        assigned = None  # RAILS_ENV=… set in the script but not exported
        if explicit is None:
            name = next((k for k in ENV_VARIABLES if st.variables.get(k)), None)
            if name is not None and name in st.exported:
                explicit = st.variables[name]
            elif name is not None:
                assigned = st.variables[name]
        if explicit:
            env = EnvSet(frozenset({normalize_env(explicit)}))
        elif assigned:
            # Rails sees it only if the caller exported RAILS_ENV already (bash keeps the export
            # of an inherited name); otherwise Rails runs in its default, development
            env = EnvSet(frozenset({normalize_env(assigned), "development"}))
        else:
            env = st.envs
        functions = tuple(f"{c.name} ({c.path}:{c.line})" for c in st.calls if not c.function.startswith("source "))
        via = functions + st.via + launch.via
        check = "DISABLE_DATABASE_ENVIRONMENT_CHECK"
        # only what certainly reaches Rails' environment: a prefix (`VAR=1 bin/rails …`), an
        # exported variable, a rake argument (`bin/rails db:drop VAR=1`)
        disables = any((v or "") not in ("", "0", "false") for v in (
            launch.env.get(check), st.variables.get(check) if check in st.exported else None,
            *(a.split("=", 1)[1] for a in (x.literal or "" for x in run.arguments) if a.startswith(check + "="))))
        ids = []
        must, may = st.must, st.may
        for t in tasks:
            name = (t.literal or "").strip().split("[", 1)[0]  # `db:seed[arg]`: the task is db:seed
            # Wrapper functions entered at the line that names the task are one invocation,
            # whichever way they launch Rails.
            calls = st.calls
            for k, c in enumerate(calls):
                if c.path == t.path and c.line == t.start.row + 1:
                    calls = calls[:k]
                    break
            key = (t.path, t.start, name, calls)
            ex = self.executions.get(key)
            if ex is None:
                ex = Execution(
                    id=len(self.by_id), task=name, word=t, runner=run.runner,
                    arguments=tuple(a.raw for a in run.arguments), via=via, calls=calls,
                    script=self.entry_display, explicit_env=explicit, env=env,
                    must_before=must, may_before=may, order=len(self.by_id), masked=None,
                    command=(run.runner.path, run.runner.start.row, run.runner.start.col), cwd=st.cwd,
                    empty_database=st.empty_database,
                )
                self.executions[key] = ex
                self.by_id[ex.id] = ex
            else:
                ex.must_before &= must
                ex.may_before |= may
                ex.env = ex.env.join(env)
                ex.empty_database = ex.empty_database and st.empty_database
            ex.output_used = ex.output_used or bool(st.capturing)
            ex.output_inspected = ex.output_inspected or st.capturing == "$(…)" or \
                st.capturing.split(" ")[1:2] in (["grep"], ["egrep"], ["awk"], ["sed"], ["rg"], ["wc"], ["jq"])
            ex.status_tested = ex.status_tested or st.suppressed is not None
            ex.disables_env_check = ex.disables_env_check or disables
            ids.append(ex.id)
            must, may = must.add(ex.id), may.add(ex.id)
        # A retried task that succeeds at last: the failure of its earlier attempt is over.
        ok = replace(st, must=must, may=may, handling=st.handling - frozenset(ids))
        if launch.masks_status:
            for i in ids:
                self.by_id[i].fates.append(Fate(SILENT, launch.masks_status, fix=Message("fix.heroku-exit-code")))
                self.by_id[i].masked = launch.masks_status
            return [Flow("normal", ok, False)]
        failed = replace(st, may=may - IdSet.of([ids[-1]]), pending=frozenset(ids))
        return [Flow("normal", ok, False), Flow("normal", failed, True)]

    def shell(self, node: Command, launch: Launch, run: ShellRun, st: State) -> list[Flow]:
        if self.nested_depth >= MAX_NESTED_SHELLS:
            return [Flow("normal", st, False), Flow("normal", st, True)]
        if run.heredoc is not None:
            origin, path = run.heredoc.start, run.heredoc.path or (node.words[0].path if node.words else "")
        else:
            assert run.start_word is not None
            origin, path = run.start_word.script_start or run.start_word.start, run.start_word.path
        body = parse_nested(path, run.text, origin)
        self.nested_depth += 1
        try:
            if run.same_shell:
                # `eval` is a simple command: its status is checked like any other (`eval 'a && b'`)
                flows = [replace(f, exempt=None) for f in self.ev(body, st)]
            else:
                launcher = " ".join(launch.via) if launch.via else "a shell"
                fresh = replace(st, errexit=run.errexit, pipefail=False, suppressed=None, positional=None,
                                errexit_origin=Message("flow.launched-shell-no-errexit", launcher=launcher,
                                                       where=self.loc(node.words[0].path, _line(node.start))),
                                functions=ChainMap(), variables={}, status_vars={}, remote=False,
                                err_trap="", err_prints=False, errtrace=False,  # traps stay in their shell
                                via=st.via + launch.via,
                                # `ssh host "bash -s" <<EOF`: the launched string's commands read its stdin
                                stdin=(self.herestring_script(node.stdin, st) or node.stdin or st.stdin)
                                if run.heredoc is None else None)
                flows = self.subshell(body, st, fresh=fresh)
        finally:
            self.nested_depth -= 1
        if launch.masks_status:
            out = []
            for f in flows:
                self.fate(f.state.pending, SILENT, launch.masks_status, fix=Message("fix.heroku-exit-code"))
                out.append(Flow("normal", replace(f.state, pending=frozenset()), False))
            return _merge(out)
        return flows
