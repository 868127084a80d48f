"""functions: calls of shell functions, sourced files and child scripts of the project.

Functions and sourced files are inlined at their call sites; another script of the project
runs as a child process, in a fresh shell, and its tasks join this script's order.
"""

from __future__ import annotations

import os
import re
from collections import ChainMap
from pathlib import Path

from orderlint.messages import Join, Message
from orderlint.shell.launch import Launch
from orderlint.model import OrderlintError
from orderlint.shell.resolve import real_path, resolve_source
from orderlint.flow.limits import MAX_CALL_DEPTH, STEP_BUDGET
from orderlint.flow.nodes import _line
from orderlint.flow.state import SILENT, WARNS, CallSite, Flow, State, _merge, replace
from orderlint.shell.syntax import Command, FunctionDef, Word


class Functions:
    """A room of the `Interpreter` (orderlint.flow.interpreter): its methods reach the others through `self`."""

    def call(self, fn: FunctionDef, node: Command, words: tuple[Word, ...], st: State) -> list[Flow]:
        depth = sum(1 for c in st.calls if c.function == fn.name)
        if len(st.calls) >= MAX_CALL_DEPTH or depth >= 2 or self.steps > STEP_BUDGET:
            return [Flow("normal", st, False), Flow("normal", st, True)]
        site = CallSite(fn.name, words[0].path, _line(node.start))
        inner = replace(st, positional=tuple(words[1:]), calls=st.calls + (site,), stdin=node.stdin or st.stdin)
        if st.err_trap and not st.errtrace:
            inner = replace(inner, err_trap="", errexit_origin=inner.errexit_origin if inner.errexit else
                            Message("flow.err-trap-no-functions", where=st.err_trap))
        if st.err_prints and not st.errtrace:
            inner = replace(inner, err_prints=False)  # without `set -E` no ERR trap runs in the function
        entry_handling = st.handling
        out = []
        for f in self.ev(fn.body, inner):
            s = replace(f.state, positional=st.positional, calls=st.calls, err_trap=st.err_trap, stdin=st.stdin,
                        errexit_origin=st.errexit_origin, err_prints=st.err_prints)
            if f.kind == "return":
                pending = s.pending | ((s.handling - entry_handling) if f.failed else frozenset())
                if not f.failed:
                    for cause in s.handling - entry_handling:
                        self.fate([cause], WARNS if cause in s.warned else SILENT,
                                  Message("flow.function-returns-success", function=fn.name,
                                          where=self.loc(fn.path, _line(fn.start))),
                                  fix=Message("fix.return-1"))
                out.append(Flow("normal", replace(s, pending=pending, handling=entry_handling), f.failed))
            elif f.kind == "normal":
                out.append(Flow("normal", s, f.failed))
            else:
                out.append(replace(f, state=s))
        return _merge(out)

    def source(self, node: Command, args: tuple[Word, ...], st: State) -> list[Flow]:
        found = self.source_target(args, st) if args else None
        if found is None:
            return [Flow("normal", st, False)]
        path, loaded = found
        if sum(1 for c in st.calls if c.function == f"source {path}") >= 1 or len(st.calls) >= MAX_CALL_DEPTH:
            return [Flow("normal", st, False)]
        self.files_read.add(str(path))
        self.on_source(loaded.parsed.path, args[0].path)
        site = CallSite(f"source {path}", args[0].path, _line(node.start))
        inner = replace(st, current_file=str(path), calls=st.calls + (site,),
                        positional=tuple(args[1:]) if len(args) > 1 else st.positional)
        out = []
        for f in self.ev(loaded.script.body, inner):
            s = replace(f.state, current_file=st.current_file, calls=st.calls, positional=st.positional)
            kind = "normal" if f.kind == "return" else f.kind
            # `.` is a simple command: a status the file ends with is its own (`false && :` last included)
            out.append(Flow(kind, s, f.failed, None, f.reason))
        return _merge(out)

    def source_target(self, args: tuple[Word, ...], st: State):
        """(path, loaded file) that `source ARGS` reads, or None with an OL002 note saying why not."""
        text = args[0].literal
        current_dir = Path(st.current_file).parent if st.current_file else self.entry.parent
        path, why = resolve_source(text, current_dir, self.root)
        if path is None and st.cwd and text and not text.startswith("/"):
            # bash reads a relative `source` path from the working directory
            in_cwd, _ = resolve_source(str(Path(st.cwd) / text), current_dir, self.root)
            path, why = (in_cwd, None) if in_cwd is not None else (path, why)
        if path is None:
            why = self.alternatives(args[0], st) or why
            self.note("OL002", args[0], Message("OL002.not-followed", text=args[0].raw, reason=why))
            return None
        try:
            return path, self.loader.load(path)
        except OrderlintError as exc:
            self.note("OL002", args[0], Message("OL002.not-followed", text=args[0].raw,
                                                reason=Message("OL002.error", error=str(exc))))
            return None

    def alternatives(self, word: Word, st: State) -> Message | None:
        """`"$ENV_FILE"` set to one literal or another on different paths (an `if`): say which."""
        if len(word.parts) != 1 or word.parts[0].kind != "var":
            return None
        name = word.parts[0].text
        if name not in st.variables or st.variables[name] is not None:
            return None
        try:
            text = self.loader.load(Path(st.current_file or self.entry)).parsed.data.decode("utf-8", "replace")
        except (OrderlintError, OSError):
            return None
        values = set()
        assignment = rf"^[ \t]*(?:(?:export|local|declare|readonly)[ \t]+)?{re.escape(name)}=(.*)$"
        for m in re.finditer(assignment, text, re.M):
            value = m.group(1).split(" #", 1)[0].strip().rstrip(";").strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            if not value or re.search(r"[$`\\\s;&|<>()]", value):
                return None  # a value that is not one literal word
            values.add(value)
        if len(values) < 2:
            return None
        return Message("OL002.alternatives", name=name, values=Join((f"`{v}`" for v in sorted(values)), "or"))

    def _script_target(self, words: tuple[Word, ...], st: State) -> tuple[Path, tuple[Word, ...], bool, bool] | None:
        """`./ops/db/migrate.sh`, `bash "$DIR/migrate.sh" staging`: another script of the project."""
        from orderlint.shell.discover import is_script
        from orderlint.shell.launch import SHELLS

        first = words[0].literal
        if first is None:
            first = self.expand_one(words[0], st)
        if first is None:
            return None
        errexit = False
        index = 0
        if first.rsplit("/", 1)[-1] in SHELLS:
            index = 1
            while index < len(words) and (words[index].literal or "").startswith("-"):
                flag = words[index].literal or ""
                if "c" in flag[1:] or "s" in flag[1:] or flag == "--":
                    return None
                errexit = errexit or ("e" in flag[1:] and not flag.startswith("--"))
                index += 1
            if index >= len(words):
                return None
            first = words[index].literal or self.expand_one(words[index], st)
            if first is None:
                return None
        elif "/" not in first:
            return None
        candidates = [Path(first)] if first.startswith("/") else [
            *([Path(st.cwd) / first] if st.cwd else []), self.root / first,
            Path(st.current_file or self.entry).parent / first]
        for candidate in candidates:
            try:
                real = real_path(candidate)
                real.relative_to(self.root)
            except (OSError, RuntimeError, ValueError):
                continue
            if os.path.isfile(real) and (index > 0 or is_script(real)):  # never raises (too-long names)
                return real, tuple(words[index + 1:]), errexit, index > 0
        return None

    def run_script(self, node: Command, launch: Launch, target: tuple[Path, tuple[Word, ...], bool, bool],
                   st: State) -> list[Flow]:
        """Another script of the project runs as a child process: its tasks join this script's order."""
        path, args, errexit, via_shell = target
        try:
            loaded = self.loader.load(path)
        except OrderlintError:
            return [Flow("normal", st, False), Flow("normal", st, True)]
        shown = loaded.parsed.path
        if len(st.calls) >= MAX_CALL_DEPTH or shown == self.entry_display or \
                any(c.function == f"script {shown}" for c in st.calls):
            return [Flow("normal", st, False), Flow("normal", st, True)]
        self.files_read.add(str(path))
        site = CallSite(f"script {shown}", node.words[0].path if node.words else self.entry_display,
                        _line(node.start))
        if not via_shell:  # `bash child.sh` ignores the child's `#!/bin/bash -e`
            errexit = errexit or bool(re.match(r"#!\S*(?:\s+\S+)*\s+-\w*e", loaded.parsed.line_text(0)))
        # a child process sees the exported variables, and those given on its command line
        inherited = {k: v for k, v in st.variables.items() if k in st.exported}
        inherited.update({k: v for k, v in launch.env.items() if isinstance(v, str)})
        fresh = replace(st, errexit=errexit, pipefail=False, suppressed=None, positional=args,
                        variables=inherited, exported=st.exported | frozenset(launch.env), allexport=False,
                        functions=ChainMap(), status_vars={}, remote=False, err_trap="", errtrace=False,
                        inherit_errexit=False, current_file=str(path), script_file=str(path),
                        calls=st.calls + (site,), via=st.via + launch.via,
                        errexit_origin=State.errexit_origin, errexit_since="")
        self.on_source(shown, node.words[0].path if node.words else self.entry_display)
        self.script_depth += 1
        try:
            flows = self.subshell(loaded.script.body, st, fresh=fresh,
                                  script=(shown, (site.path, site.line)))
        finally:
            self.script_depth -= 1
        return [replace(f, state=replace(f.state, calls=st.calls, via=st.via)) for f in flows]
