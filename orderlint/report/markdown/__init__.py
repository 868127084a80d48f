"""The markdown audit report (`--format markdown`, `--lang en|fr`): the seed document, generated.

Its structure is the hand-written audit's: the policy; one section per script with its tasks
in execution order, their database, lines and behaviour on failure, the verdict with the
findings that decide it and a Mermaid flowchart (an entry script that only calls one library
is told in the library's "used by"); per-database guarantees; the summary table, one column
per step of the policy; points of attention; why the order is the right one; the final
verdict. Every statement is computed from `Results` and the findings; none is asserted. Where
the naive reading of a script is false (an unscoped `db:migrate` also migrates the queue,
`db:reset` also wipes it) the report says so and cites the finding.

The analysis explains itself in English (why a failure stops the script, the findings'
messages); `Audit.say` puts those sentences in the report's language (see `i18n.FR_PHRASES`).

Everything that comes from the scripts or `database.yml` (paths, task names, reasons,
messages, database names) goes through `code`, `text` or `rich` (markdown and HTML escaped,
safe inside a table cell, never a newline) or `mermaid_label`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from orderlint import __version__
from orderlint.results import Invocation, ScriptAnalysis, tasks_environment
from orderlint.rules.check import code_selected
from orderlint.flow import ABORTS, SILENT, UNKNOWN, WARNS, EnvSet
from orderlint.model import Diagnostic, OrderlintError, Severity
from orderlint.rails.policy import DEFAULT_POLICY, MIGRATIONS, Step as PolicyStep
from orderlint.rails.databases import DESTRUCTIVE, MIGRATES, PENDING_CHECKS, READ_ONLY, RESETS_AND_SEEDS, WIPES, DatabaseModel
from orderlint.report import Report
from orderlint.report.i18n import LANGUAGES, Messages
from orderlint.settings import Settings

OUTCOMES = (ABORTS, WARNS, SILENT, UNKNOWN)
_LINE = re.compile(r"\bline (\d+)\b")
FAILURE_OUTCOMES = {"OL201": {WARNS, SILENT}, "OL202": {ABORTS}, "OL203": {SILENT}}  # what each finding says
ORDER_CODES = ("OL101", "OL102")  # the order itself; OL103/OL104 are findings about the steps, not their order
FAILURE_CODES = ("OL201", "OL202", "OL203")
VERIFY_CODES = ("OL301", "OL302")
ENV_CODES = ("OL401", "OL402", "OL403")
SEPARATION_CODES = ("OL501", "OL502")
ENV_ORDER = ("development", "test", "staging", "production")
SEVERITY_ICON = {Severity.ERROR: "❌", Severity.WARNING: "⚠️", Severity.INFO: "ℹ️"}


# -- escaping ---------------------------------------------------------------------------------

def _hidden(ch: str) -> str | None:
    """What to show instead of a character that must not reach the output as it is."""
    if ch in "\r\n":
        return "⏎"
    if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
        return f"\\x{ord(ch):02x}" if ord(ch) <= 0xFF else f"\\u{ord(ch):04x}"
    return None


_TEXT = {"\\": "\\\\", "`": "\\`", "*": "\\*", "[": "\\[", "]": "\\]", "|": "\\|", "~": "\\~",
         "<": "&lt;", ">": "&gt;", "&": "&amp;"}
_CODE_UNSAFE = set("`|<>&")
_ENTITY_SAFE = set(" .:/-=+,@%()'\"!?;")


def text(value: object) -> str:
    """Plain text from a script: markdown and HTML inert, one line, safe in a table cell."""
    s = str(value)
    out = []
    for i, ch in enumerate(s):
        hidden = _hidden(ch)
        if hidden is not None:
            out.append(hidden.replace("\\", "\\\\"))
        elif ch == "_":
            before = s[i - 1] if i else " "
            after = s[i + 1] if i + 1 < len(s) else " "
            out.append("_" if before.isalnum() and after.isalnum() else "\\_")
        else:
            out.append(_TEXT.get(ch, ch))
    return "".join(out)


def _entities(s: str) -> str:
    out = []
    for ch in s:
        hidden = _hidden(ch)
        for c in (hidden if hidden is not None else ch):
            out.append(c if c.isalnum() or c in _ENTITY_SAFE or ord(c) > 127 else f"&#{ord(c)};")
    return "".join(out)


def code(value: object) -> str:
    """Inline code: a backtick span when the text allows it, else `<code>` with entities."""
    s = str(value)
    if s and s.strip() == s and not any(ch in _CODE_UNSAFE or _hidden(ch) is not None for ch in s):
        return f"`{s}`"
    return f"<code>{_entities(s)}</code>"


def rich(value: object) -> str:
    """A message whose `backticked` parts are code: each part escaped as what it is."""
    s = str(value)
    parts = s.split("`")
    if len(parts) % 2 == 0:
        return text(s)
    return "".join(code(p) if i % 2 else text(p) for i, p in enumerate(parts))


def mermaid_label(value: object) -> str:
    """Text for a quoted Mermaid label: anything but letters, digits and plain punctuation as `#N;`."""
    out = []
    for ch in str(value):
        if ch in "\r\n":
            out.append("#9166;")
        elif _hidden(ch) is not None:
            out.append("#65533;")
        elif ch.isalnum() or ch in " .:/_-+,()":
            out.append(ch)
        else:
            out.append(f"#{ord(ch)};")
    return "".join(out)


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell or "-" for cell in row) + " |" for row in rows]
    return lines


# -- the model of the report --------------------------------------------------------------------

Key = tuple  # (path, line, column, task): one task written at one place


def key_of(inv: Invocation) -> Key:
    return (inv.path, inv.line, inv.column, inv.task)


@dataclass
class Site:
    """A task written at one place, with every script run that reaches it."""

    runs: list[tuple[ScriptAnalysis, Invocation]]

    @property
    def inv(self) -> Invocation:
        return self.runs[0][1]

    @property
    def script(self) -> ScriptAnalysis:
        return self.runs[0][0]


@dataclass
class Step:
    invocations: list[Invocation]
    retries: set = field(default_factory=set)
    checks: list[Invocation] = field(default_factory=list)
    fallbacks: list[Invocation] = field(default_factory=list)

    @property
    def first(self) -> Invocation:
        return self.invocations[0]


@dataclass
class Section:
    number: int
    path: str
    kind: str  # "entry", "delegating", "library" (used by entries) or "standalone" (used by none)
    scripts: list[ScriptAnalysis]  # the entry itself, or the entries that use the library
    invocations: list[Invocation]
    runs: dict[Key, list[tuple[ScriptAnalysis, Invocation]]]
    environment: EnvSet
    model: DatabaseModel
    steps: list[Step] = field(default_factory=list)


def _run_key(inv: Invocation) -> tuple:
    return (inv.script, inv.id)


def build_steps(invocations: list[Invocation]) -> list[Step]:
    """Group a run's tasks as the seed does: alternatives and retries share a step, pending checks
    and failure fallbacks hang under the step they follow."""
    steps: list[Step] = []
    owner: dict[tuple, Step] = {}
    parent_of: dict[tuple, Invocation] = {}
    for inv in invocations:
        for f in sorted(inv.fallback):
            parent_of.setdefault((inv.script, f), inv)
    for inv in invocations:
        parent = parent_of.get(_run_key(inv))
        if parent is not None and _run_key(parent) in owner:
            step = owner[_run_key(parent)]
            if inv.task == parent.task and parent in step.invocations:
                step.invocations.append(inv)
                step.retries.add(_run_key(inv))
            else:
                step.fallbacks.append(inv)
            owner[_run_key(inv)] = step
            continue
        if inv.base in PENDING_CHECKS and steps:
            steps[-1].checks.append(inv)
            owner[_run_key(inv)] = steps[-1]
            continue
        last = steps[-1] if steps else None
        if (last is not None and not last.checks and not last.fallbacks and last.first.task == inv.task
                and last.first.path == inv.path and last.first.script == inv.script
                and not any(p.id in inv.may_before or p.id in inv.must_before for p in last.invocations)):
            last.invocations.append(inv)  # exclusive branches (if/else): one step, several lines
            owner[_run_key(inv)] = last
            continue
        step = Step([inv])
        steps.append(step)
        owner[_run_key(inv)] = step
    return steps


def _adapter(db) -> str:
    label = db.label
    return label[len(db.name) + 2:-1] if label != db.name else ""


class Audit:
    def __init__(self, report: Report) -> None:
        if report.lang not in LANGUAGES:
            raise OrderlintError(f"unknown report language {report.lang!r} "
                                 f"(expected {' or '.join(sorted(LANGUAGES))})")
        self.report = report
        self.results = report.results
        self.t = Messages(report.lang)
        self.diagnostics: list[Diagnostic] = list(report.diagnostics)
        scripts = self.results.scripts
        self.settings: Settings = scripts[0].settings if scripts else Settings()
        self.policy = self.settings.policy
        self.entries = sorted((s for s in scripts if s.role == "entry"), key=lambda s: s.path)
        self.standalone = sorted((s for s in scripts if s.role != "entry"), key=lambda s: s.path)
        self.base = self._base()
        self.by_place: dict[tuple[str, int], list[Diagnostic]] = {}
        for d in self.diagnostics:
            self.by_place.setdefault((d.path, d.line), []).append(d)
        self.sites: dict[Key, Site] = {}
        for script in self.entries + self.standalone:
            for inv in script.invocations:
                self.sites.setdefault(key_of(inv), Site([])).runs.append((script, inv))
        self.folded: dict[str, Section] = {}  # entry scripts told in their library's section
        self.sections = self._sections()
        self.models = self._models()
        known = set(self.results.files) | {s.path for s in scripts} | {i.path for s in scripts for i in s.invocations}
        alternatives = "|".join(re.escape(p) for p in sorted(known, key=len, reverse=True))
        self._path_re = re.compile(rf"(?<![\w./-])({alternatives}):(\d+)") if known else None

    # -- small helpers ----------------------------------------------------------------------
    def _base(self) -> str:
        folders = [os.path.dirname(f) or "." for f in self.results.files]
        try:
            return os.path.commonpath(folders) if folders else ""
        except ValueError:
            return ""

    def short(self, path: str) -> str:
        if not self.base:
            return path
        rel = os.path.relpath(path, self.base)
        return path if rel.startswith("..") else rel

    def say(self, sentence: str) -> str:
        """A sentence of the analysis (a reason, a fix, a finding's message) in the report's language,
        its file paths shortened like every other place in the report, escaped."""
        translated, _ = self.t.phrase(sentence, step=self.step_inline)
        return rich(self._short_paths(translated))

    def in_context(self, sentence: str, script: str | None, shown_in: str) -> str:
        """The analysis says `line 12` for a line of the entry script that runs the task. Shown beside a
        line of another file (a library's task), that line is named with its file (`ops/deploy.sh:12`),
        and a line of the file shown is just `line 12`."""
        parts = sentence.split("`")
        if len(parts) % 2 == 0:
            return sentence
        own = re.compile(rf"(?<![\w./-]){re.escape(shown_in)}:(\d+)\b")
        for i in range(0, len(parts), 2):
            if script and script != shown_in:
                parts[i] = _LINE.sub(lambda m: f"{script}:{m.group(1)}", parts[i])
            parts[i] = own.sub(lambda m: f"line {m.group(1)}", parts[i])  # a line of the file shown: `line 226`
        return "`".join(parts)

    def diag_message(self, d: Diagnostic, shown_in: str | None = None) -> str:
        """A finding's message; the `line N` of a finding on a task names the entry script that runs it."""
        shown_in = shown_in or d.path
        if d.code.startswith("OL0"):  # parse errors, sources, suppressions: their lines are in their own file
            return self.in_context(d.message, d.path, shown_in)
        scripts = {inv.script for site in self.sites.values() for _, inv in site.runs
                   if (inv.path, inv.line) == (d.path, d.line)
                   and (d.code not in FAILURE_OUTCOMES or inv.on_failure in FAILURE_OUTCOMES[d.code])}
        script = shown_in if shown_in in scripts else (next(iter(scripts)) if len(scripts) == 1 else None)
        return self.in_context(d.message, script, shown_in)

    def _short_paths(self, sentence: str) -> str:
        if self._path_re is None:
            return sentence
        parts = sentence.split("`")
        if len(parts) % 2 == 0:
            return sentence  # unbalanced backticks: escaped as plain text as it is
        for i in range(0, len(parts), 2):
            parts[i] = self._path_re.sub(lambda m: self._path_span(m.group(1)) + ":" + m.group(2), parts[i])
        return "`".join(parts)

    def _path_span(self, path: str) -> str:
        short = self.short(path)
        return short if "`" in short else f"`{short}`"

    def step_inline(self, name: str) -> str:
        """A policy step's name inside a sentence."""
        key = f"stepl_{name}"
        return self.t(key) if self.t.has(key) else name

    def lost(self, names) -> str:
        return self.t("lost_jobs" if any("queue" in n for n in names) else "lost_data")

    def diag_cite(self, diags: list[Diagnostic]) -> str:
        """`OL401 : `a.sh`:3, `b.sh`:9 ; OL402 : …`: findings grouped by rule."""
        groups: dict[str, list[Diagnostic]] = {}
        for d in diags:
            groups.setdefault(d.code, []).append(d)
        return self.t("semicolon").join(self.t("cites", codes=c, where=self.diag_places(ds))
                                        for c, ds in groups.items())

    @staticmethod
    def icon(diags: list[Diagnostic]) -> str:
        return SEVERITY_ICON[max(d.severity for d in diags)]

    def secondary_names(self, model: DatabaseModel) -> list[str]:
        primary = model.primary(None)
        return [d.name for d in model.for_envs(None) if d.name != primary and d.has_tasks]

    def has_secondary(self) -> bool:
        return any(self.secondary_names(m) for m in self.models)

    def enabled(self, code_: str) -> bool:
        return code_selected(code_, self.settings.select, self.settings.ignore)

    def diags_at(self, inv: Invocation, codes: tuple[str, ...] | None = None) -> list[Diagnostic]:
        found = self.by_place.get((inv.path, inv.line), [])
        exact = [d for d in found if d.column == inv.column] or found
        return [d for d in exact if codes is None or d.code in codes]

    def labels(self, model: DatabaseModel) -> dict[str, str]:
        dbs = model.for_envs(None)
        adapters = {d.name: _adapter(d) for d in dbs}
        counts = Counter(a for a in adapters.values() if a)
        return {name: (a if a and counts[a] == 1 else (f"{name} ({a})" if a else name))
                for name, a in adapters.items()}

    def db_label(self, model: DatabaseModel, name: str) -> str:
        return text(self.labels(model).get(name, name))

    def dbs_text(self, model: DatabaseModel, names) -> str:
        return " + ".join(self.db_label(model, n) for n in names)

    def env_name(self, env: str) -> str:
        key = f"env_{env}"
        return self.t(key) if self.t.has(key) else text(env)

    def env_label(self, env: EnvSet, inline: bool = False) -> str:
        """`Staging/Production`; `inline` for use inside a sentence or parentheses (`any environment`)."""
        def ordered(names):
            return sorted(names, key=lambda e: (ENV_ORDER.index(e) if e in ENV_ORDER else len(ENV_ORDER), e))
        suffix = "_inline" if inline else ""
        if env.only is not None:
            return "/".join(self.env_name(e) for e in ordered(env.only)) if env.only else self.t("env_none")
        if env.excluded:
            return self.t("env_except" + suffix, envs=", ".join(self.env_name(e) for e in ordered(env.excluded)))
        return self.t("env_any" + suffix)

    def step_name(self, name: str) -> str:
        """A policy step's name as a title (a configured name is shown as written, capitalized)."""
        key = f"step_{name}"
        return self.t(key) if self.t.has(key) else text(name[:1].upper() + name[1:])

    def sequence(self) -> str:
        return " → ".join(self.step_name(s.name) for s in self.policy.steps)

    def codes_text(self, diags: list[Diagnostic]) -> str:
        counts = Counter(d.code for d in diags)
        return ", ".join(f"{c}" + (f" ×{n}" if n > 1 else "") for c, n in sorted(counts.items()))

    def place(self, inv: Invocation, section_path: str | None = None) -> str:
        if section_path is not None and inv.path == section_path:
            return str(inv.line)
        return f"{code(self.short(inv.path))}:{inv.line}"

    def places(self, invs, section_path: str | None = None, retries: set | None = None) -> str:
        """`77`, `225 / 229`, or `lib/db.sh`:225 / 229 — lines grouped by file, in order."""
        groups: dict[str, list[str]] = {}
        for inv in invs:
            line = str(inv.line)
            if retries and _run_key(inv) in retries:
                line += f" ({self.t('retry')})"
            groups.setdefault(inv.path, [])
            if line not in groups[inv.path]:
                groups[inv.path].append(line)
        parts = []
        for path, lines in groups.items():
            joined = " / ".join(lines)
            parts.append(joined if path == section_path else f"{code(self.short(path))}:{joined}")
        return ", ".join(parts)

    def diag_places(self, diags: list[Diagnostic], section_path: str | None = None) -> str:
        groups: dict[str, list[str]] = {}
        for d in diags:
            lines = groups.setdefault(d.path, [])
            if str(d.line) not in lines:
                lines.append(str(d.line))
        return ", ".join(self.t("lines_word", lines=" / ".join(lines)) if path == section_path
                         else f"{code(self.short(path))}:{' / '.join(lines)}" for path, lines in groups.items())

    def cite(self, sites: list[Site], codes: tuple[str, ...]) -> str:
        diags = [d for s in sites for d in self.diags_at(s.inv, codes)]
        where = self.places([s.inv for s in sites])
        found = sorted({d.code for d in diags})
        return self.t("cites", codes=", ".join(found), where=where) if found else where

    def describe(self, inv: Invocation) -> str:
        key = f"t_{inv.base}"
        what = self.t(key) if self.t.has(key) else self.t("t_other")
        if inv.scope is not None:
            what += f", {self.t('scoped_to', name=text(inv.scope))}"
        return what

    # -- sections ----------------------------------------------------------------------------
    def _sections(self) -> list[Section]:
        sections: list[Section] = []
        entry_paths = {s.path for s in self.entries}
        placed: set[str] = set()

        def add(path, kind, scripts, invocations, environment, model):
            runs: dict[Key, list] = {}
            for script in scripts:
                for inv in script.invocations:
                    if kind not in ("library",) or inv.path == path:
                        runs.setdefault(key_of(inv), []).append((script, inv))
            ran = [inv for pairs in runs.values() for _, inv in pairs] or list(invocations)
            environment = tasks_environment(ran, environment)
            section = Section(len(sections) + 1, path, kind, scripts, invocations, runs, environment, model)
            section.steps = build_steps(invocations)
            sections.append(section)

        for entry in self.entries:
            invs = list(entry.invocations)
            if not invs:
                continue
            # An entry whose tasks are all in libraries delegates to their sections; one that runs other
            # scripts of the project (or has tasks of its own) shows its whole order.
            delegating = all(i.path != entry.path and i.path not in entry_paths for i in invs)
            add(entry.path, "delegating" if delegating else "entry", [entry], invs, entry.environment, entry.model)
            for lib in dict.fromkeys(i.path for i in invs if i.path != entry.path):
                if lib in placed or lib in entry_paths:
                    continue
                placed.add(lib)
                users = [s for s in self.entries if any(i.path == lib for i in s.invocations)]
                rep = [i for i in users[0].invocations if i.path == lib]
                seen = {key_of(i) for i in rep}
                for other in users[1:]:
                    for i in other.invocations:
                        if i.path == lib and key_of(i) not in seen:
                            seen.add(key_of(i))
                            rep.append(i)
                env = users[0].environment
                for other in users[1:]:
                    env = env.join(other.environment)
                add(lib, "library", users, rep, env, users[0].model)
        for lib in self.standalone:
            if lib.invocations:
                add(lib.path, "standalone", [lib], list(lib.invocations), lib.environment, lib.model)
        # An entry that only calls one library, with nothing to say in its own file, is told in the
        # library's "used by" (as the seed tells ops/deploy.sh), not in a section of its own.
        libraries = {s.path: s for s in sections if s.kind == "library"}
        for s in sections:
            paths = {i.path for i in s.invocations}
            if (s.kind == "delegating" and len(paths) == 1 and next(iter(paths)) in libraries
                    and not any(d.path == s.path for d in self.diagnostics)):
                self.folded[s.path] = libraries[next(iter(paths))]
        sections = [s for s in sections if not (s.kind == "delegating" and s.path in self.folded)]
        for number, s in enumerate(sections, start=1):
            s.number = number
        return sections

    def _models(self) -> list[DatabaseModel]:
        models: list[DatabaseModel] = []
        for section in self.sections:
            if all(m != section.model for m in models):  # inferred models are one per script, often equal
                models.append(section.model)
        return models

    def section_findings(self, section: Section) -> list[Diagnostic]:
        """A library's findings are those in its file; a script's, those in its file or on its tasks."""
        if section.kind == "library":
            return [d for d in self.diagnostics if d.path == section.path]
        outcomes: dict[tuple[str, int], set[str]] = {}
        for inv in section.invocations:
            outcomes.setdefault((inv.path, inv.line), set()).add(inv.on_failure)
        found = []
        for d in self.diagnostics:
            if d.path == section.path:
                found.append(d)
            elif (d.path, d.line) in outcomes:
                # A finding on another file's line may be about another script that runs that line: a
                # failure finding belongs here only if this script handles the failure that way too.
                if d.code in FAILURE_CODES and not outcomes[(d.path, d.line)] & FAILURE_OUTCOMES[d.code]:
                    continue
                found.append(d)
        return found

    # -- rendering: header and policy --------------------------------------------------------
    def all_db_labels(self) -> list[str]:
        """What the title names: the database engines (`PostgreSQL & SQLite`), or the databases' labels
        when one model names the same engine twice or no engine is known."""
        engines: list[str] = []
        every = True
        for model in self.models:
            primary = model.primary(None)
            for d in sorted(model.for_envs(None), key=lambda d: d.name != primary):
                engine = _adapter(d)
                every = every and bool(engine)
                if engine and engine not in engines:
                    engines.append(engine)
        if engines and (every or len(self.models) > 1):
            return [text(e) for e in engines]
        seen: list[str] = []
        for model in self.models:
            labels = self.labels(model)
            primary = model.primary(None)
            for name in [primary] + [n for n in labels if n != primary]:
                label = text(labels.get(name, name))
                if label not in seen:
                    seen.append(label)
        return seen

    def header(self) -> list[str]:
        t = self.t
        dbs = " & ".join(self.all_db_labels()) or "Rails"
        files = self.results.files
        entries = len(self.entries)
        entry_paths = {s.path for s in self.entries}
        libraries = len(set(self.results.used_by) - entry_paths) + len(self.standalone)
        sources = []
        for model in self.models:
            if not model.from_file:
                src = t("inferred")
            elif model.source == "configuration":
                src = t("configured")
            else:
                src = code(model.source)
            src += t("rails", version=text(model.rails_version)) if model.rails_version else ""
            sources.append(src)
        lines = [f"# {t('title', dbs=dbs)}", "",
                 t("date", date=text(self.report.date)) + "  ",
                 t("purpose", dbs=dbs) + "  "]
        lines.append(t("scope", files=t("scope_files", n=len(files)), entries=t("scope_entries", n=entries),
                       libraries=t("scope_libraries", n=libraries),
                       source=", ".join(sources) or t("inferred"), rails="") + "  ")
        lines.append(t("generated", version=__version__))
        idle = [p for p in files if p not in {s.path for s in self.sections} and p not in self.folded
                and not any(i.path == p for s in self.sections for i in s.invocations)]
        if idle:
            lines += ["", t("idle", paths=", ".join(code(p) for p in idle))]
        lines += ["", "---", ""]
        return lines

    def order_state(self) -> str:
        if any(d.code in ORDER_CODES for d in self.diagnostics):
            return "bad"
        if not all(self.enabled(c) for c in ORDER_CODES):
            return "unchecked"
        return "ok"

    def db_labels(self) -> tuple[list[str], list[str]]:
        """The labels of the primary databases and of the others (with database tasks), every model."""
        primary_labels, secondary_labels = [], []
        for model in self.models:
            labels = self.labels(model)
            primary = model.primary(None)
            target = [(primary, primary_labels)] + [(n, secondary_labels) for n in self.secondary_names(model)]
            for name, where in target:
                label = text(labels.get(name, name))
                if label not in where:
                    where.append(label)
        return primary_labels, secondary_labels

    def step_what(self, step: PolicyStep) -> str:
        """What a policy step runs, on which database: `PostgreSQL (primary database): any migration task (…)`."""
        t = self.t
        primary_labels, secondary_labels = self.db_labels()
        primaries = sorted({m.primary(None) for m in self.models}) or ["primary"]
        if step.tasks == (MIGRATIONS,):
            if step.database == "primary":
                tasks = ["db:migrate"] + [f"db:migrate:{p}" for p in primaries] + ["db:prepare", "db:reset"]
                return t("step_primary", db=", ".join(primary_labels) or "primary",
                         tasks=", ".join(code(x) for x in tasks))
            if step.database == "secondary":
                names = sorted({n for m in self.models for n in self.secondary_names(m)})
                if not names:
                    return t("step_secondary_none")
                return t("step_secondary", db=", ".join(secondary_labels), n=len(secondary_labels),
                         tasks=", ".join(code(f"db:migrate:{n}") for n in names))
            if step.database:
                return t("step_named", db=code(step.database), tasks=code(f"db:migrate:{step.database}"))
            return t("step_migrations", tasks=", ".join(code(x) for x in ("db:migrate", "db:prepare", "db:reset")))
        parts = [code(p) for p in step.tasks if p != MIGRATIONS]
        if MIGRATIONS in step.tasks:
            parts.insert(0, t("step_migrations", tasks=", ".join(code(x) for x in ("db:migrate", "db:prepare"))))
        tasks = ", ".join(parts)
        if step.database == "primary":
            return t("step_tasks_on", tasks=tasks, db=", ".join(primary_labels) or "primary")
        if step.database == "secondary":
            return t("step_tasks_on", tasks=tasks, db=", ".join(secondary_labels) or "—")
        if step.database:
            return t("step_tasks_on", tasks=tasks, db=code(step.database))
        return tasks

    def policy_section(self) -> list[str]:
        t = self.t
        state = self.order_state()
        lines = [f"## {t('policy_' + state)}", "", f"### {t('principle')}", "", t("always")]
        for n, step in enumerate(self.policy.steps, start=1):
            lines.append(t("step_line", n=n, name=self.step_name(step.name), what=self.step_what(step)))
        lines += ["", t("optional_steps"), "", t("rules_head")]
        single = not self.has_secondary()
        for key, codes in (("rule_blocking", ("OL201",)), ("rule_nonblocking", ("OL202", "OL203")),
                           ("rule_verify", VERIFY_CODES), ("rule_destructive", ("OL401", "OL403", "OL103")),
                           ("rule_separation", SEPARATION_CODES)):
            off = [c for c in codes if not self.enabled(c)]
            suffix = t("rule_disabled", codes=", ".join(off)) if off else ""
            if single and key in ("rule_nonblocking", "rule_separation"):
                suffix += t("rule_moot")
            lines.append(f"- {t(key)} ({', '.join(codes)}){suffix}")
        if self.policy == DEFAULT_POLICY and not single:
            lines += ["", t("reason")]
        lines += ["", "---", ""]
        return lines

    # -- rendering: one section per script ----------------------------------------------------
    def outcome_text(self, section: Section, invs: list[Invocation]) -> str:
        """The behaviour on failure of a step's invocations, in every script that runs them."""
        t = self.t
        runs = [r for inv in invs for r in section.runs.get(key_of(inv), [(None, inv)])]
        by_outcome: dict[str, list] = {}
        for script, inv in runs:
            by_outcome.setdefault(inv.on_failure, []).append((script, inv))
        several_scripts = len({s.path for s, _ in runs if s is not None}) > 1 and len(by_outcome) > 1
        parts = []
        for outcome in sorted(by_outcome, key=lambda o: OUTCOMES.index(o) if o in OUTCOMES else len(OUTCOMES)):
            items = by_outcome[outcome]
            label = t(outcome) if self.t.has(outcome) else text(outcome)
            reasons: dict[str, list[Invocation]] = {}
            for _, inv in items:
                if inv.reason:
                    reason = self.in_context(inv.reason, inv.script, section.path)
                    reasons.setdefault(reason, [])
                    if inv not in reasons[reason]:
                        reasons[reason].append(inv)
            if len(reasons) == 1:
                label += " — " + self.say(next(iter(reasons)))
            elif reasons:
                label += " — " + t("semicolon").join(f"{self.places(v, section.path)}{t('colon')}{self.say(r)}"
                                           for r, v in reasons.items())
            if several_scripts:
                scripts = sorted({s.path for s, _ in items if s is not None})
                label = t("differs", outcome=label, script=", ".join(code(self.short(p)) for p in scripts))
            parts.append(label)
        return " · ".join(parts)

    def step_rows(self, section: Section) -> list[list[str]]:
        t = self.t
        rows = []
        for n, step in enumerate(section.steps, start=1):
            inv = step.first
            multi = len(inv.databases) > 1 and inv.base not in READ_ONLY
            db = self.dbs_text(section.model, inv.databases) + (" ⚠️" if multi else "")
            outcome = self.outcome_text(section, step.invocations)
            if step.fallbacks:
                outcome += " → " + t("semicolon").join(t("falls_back", task=code(f.task),
                                                         where=self.place(f, section.path))
                                             for f in step.fallbacks)
            rows.append([str(n), code(inv.task), db, self.places(step.invocations, section.path, step.retries),
                         outcome])
            for kind, extra in (("check_row", step.checks), ("fallback_row", step.fallbacks)):
                for sub in extra:
                    multi = len(sub.databases) > 1 and sub.base not in READ_ONLY
                    rows.append([t(kind), code(sub.task),
                                 self.dbs_text(section.model, sub.databases) + (" ⚠️" if multi else ""),
                                 self.places([sub], section.path), self.outcome_text(section, [sub])])
        return rows

    def finding_line(self, d: Diagnostic, section_path: str | None = None) -> str:
        where = (self.t("lines_word", lines=d.line) if d.path == section_path
                 else f"{code(self.short(d.path))}:{d.line}")
        message = self.say(self.diag_message(d, section_path))
        return f"- {SEVERITY_ICON[d.severity]} **{d.code}** {text(d.name)} ({where}){self.t('colon')}{message}"

    def script_section(self, section: Section) -> list[str]:
        t = self.t
        title = code(section.path)
        if section.kind == "library":
            functions = sorted({f for _, inv in (r for rs in section.runs.values() for r in rs) for f in inv.functions
                                if self._function_in(f, section)})
            if functions:
                title += " (" + ", ".join(t("function", name=code(f)) for f in functions) + ")"
        lines = [f"### {section.number}. {title}", ""]
        if section.kind == "library":
            lines.append(t("used_by", users=", ".join(self.user(s, section) for s in section.scripts)) + "  ")
        elif section.kind == "standalone":
            lines.append(t("used_by_none") + "  ")
        lines += [t("environment", env=self.env_label(section.environment)), ""]
        findings = self.section_findings(section)
        if section.kind == "delegating":
            lines += self.delegating_body(section, findings)
            lines += ["", "---", ""]
            return lines
        lines.append(t("order_head"))
        lines.append("")
        lines += table([t("col_n"), t("col_task"), t("col_db"), t("col_line"), t("col_failure")],
                       self.step_rows(section))
        lines.append("")
        lines += self.verdict_lines(findings, section.path)
        resets = [s.first for s in section.steps if s.first.base in RESETS_AND_SEEDS]
        if resets and not any(d.code == "OL103" for d in findings):
            lines += ["", t("reset_note", task=" / ".join(dict.fromkeys(code(r.task) for r in resets)))]
        lines += ["", t("flow_head"), ""] + self.mermaid(section)
        lines += ["", "---", ""]
        return lines

    def user(self, script: ScriptAnalysis, section: Section) -> str:
        """`ops/deploy.sh` (Staging/Production, line 59): an entry script that uses a library."""
        invs = [i for i in script.invocations if i.path == section.path]
        env = invs[0].environment if invs else script.environment
        for inv in invs[1:]:
            env = env.join(inv.environment)
        calls = list(dict.fromkeys(c for c in (_call_line(i, script.path) for i in invs) if c is not None))
        details = self.env_label(env, inline=True)
        if calls:
            details += ", " + self.t("lines_word", lines=" / ".join(map(str, calls)))
        return self.t("user", path=code(script.path), details=details)

    def _function_in(self, name: str, section: Section) -> bool:
        """Is `name` the function of the library that the users call (the outermost one defined there)?"""
        for rs in section.runs.values():
            for _, inv in rs:
                if inv.functions and inv.functions[0] == name and inv.path == section.path:
                    return True
        return False

    def verdict_lines(self, findings: list[Diagnostic], section_path: str | None) -> list[str]:
        t = self.t
        order = [d for d in findings if d.code in ORDER_CODES]
        others = [d for d in findings if d.code not in ORDER_CODES]
        lines = []
        if order:
            lines.append(t("not_confirmed", sequence=self.sequence()))
            lines += [self.finding_line(d, section_path) for d in order]
        elif not all(self.enabled(c) for c in ORDER_CODES):
            lines.append(t("unchecked", codes=", ".join(c for c in ORDER_CODES if not self.enabled(c))))
        else:
            lines.append(t("confirmed", sequence=self.sequence()))
        if others:
            lines += ["", t("findings_head")] + [self.finding_line(d, section_path) for d in others]
        return lines

    def delegating_body(self, section: Section, findings: list[Diagnostic]) -> list[str]:
        t = self.t
        libs = [s for s in self.sections if s.kind == "library"
                and any(i.path == s.path for i in section.invocations)]
        lines = []
        for lib in libs:
            functions, calls = [], []
            for inv in section.invocations:
                if inv.path != lib.path or not inv.functions:
                    continue
                if inv.functions[0] not in functions:
                    functions.append(inv.functions[0])
                call = _call_line(inv, section.path)
                if call is not None and call not in calls:
                    calls.append(call)
            lines.append(t("delegates", functions=", ".join(code(f) for f in functions) or "—",
                           library=code(lib.path), n=lib.number,
                           lines=t("lines_word", lines=" / ".join(map(str, calls))) if calls else "—"))
        order = [d for d in findings if d.code in ORDER_CODES]
        if order:
            lines += ["", t("not_confirmed", sequence=self.sequence())] + [self.finding_line(d, section.path)
                                                                          for d in order]
        elif not all(self.enabled(c) for c in ORDER_CODES):
            lines += ["", t("unchecked", codes=", ".join(c for c in ORDER_CODES if not self.enabled(c)))]
        else:
            lines += ["", t("confirmed", sequence=self.sequence())]
        others = [d for d in findings if d.code not in ORDER_CODES]
        if others:
            n = libs[0].number if libs else section.number
            lines += ["", t("findings_delegated", n=n)]
            by_code: dict[str, list[Diagnostic]] = {}
            for d in others:
                by_code.setdefault(d.code, []).append(d)
            for c, ds in by_code.items():
                icon = SEVERITY_ICON[max(d.severity for d in ds)]
                lines.append(f"- {icon} **{c}** {text(ds[0].name)}{t('colon')}{self.diag_places(ds, section.path)}")
        return lines

    # -- Mermaid --------------------------------------------------------------------------------
    def mermaid(self, section: Section) -> list[str]:
        t = self.t
        model = section.model
        nodes: list[str] = []
        edges: list[str] = []
        stops = False

        def node_label(invs, check=False, retries=None) -> str:
            inv = invs[0]
            lines = [mermaid_label(t("m_check", task=inv.task) if check else inv.task)]
            if inv.databases:
                lines.append(mermaid_label(" + ".join(self.labels(model).get(n, n) for n in inv.databases)))
            where = []
            for i in invs:
                line = str(i.line) if i.path == section.path else f"{self.short(i.path)}:{i.line}"
                if retries and _run_key(i) in retries:
                    line += f" ({t('retry')})"
                where.append(line)
            joined = " / ".join(dict.fromkeys(where))
            local = all(i.path == section.path for i in invs)
            lines.append(mermaid_label(t("m_line", lines=joined) if local else joined))
            return "<br/>".join(lines)

        def failure_edges(source: str, invs: list[Invocation], target: str) -> None:
            nonlocal stops
            outcomes = sorted({i.on_failure for i in invs},
                              key=lambda o: OUTCOMES.index(o) if o in OUTCOMES else len(OUTCOMES))
            for outcome in outcomes:
                if outcome == ABORTS:
                    stops = True
                    edges.append(f"    {source} -.->|{mermaid_label(t('m_fails'))}| halt")
                else:
                    key = {WARNS: "m_warn", SILENT: "m_silent"}.get(outcome, "m_unknown")
                    edges.append(f"    {source} -.->|{mermaid_label(t(key))}| {target}")

        nodes.append(f"    start([\"{mermaid_label(self.short(section.path))}\"])")
        chain: list[tuple[str, Step | None, list[Invocation], str]] = []  # (id, step, invs, kind)
        for n, step in enumerate(section.steps, start=1):
            sid = f"s{n}"
            nodes.append(f"    {sid}[\"{node_label(step.invocations, retries=step.retries)}\"]")
            chain.append((sid, step, step.invocations, "main"))
            for j, check in enumerate(step.checks, start=1):
                cid = f"s{n}c{j}"
                nodes.append(f"    {cid}{{\"{node_label([check], check=True)}\"}}")
                chain.append((cid, step, [check], "check"))
            for j, fb in enumerate(step.fallbacks, start=1):
                nodes.append(f"    s{n}f{j}[\"{node_label([fb])}\"]")
        ids = [c[0] for c in chain] + ["done"]
        edges.append(f"    start --> {ids[0]}")
        for index, (cid, step, invs, kind) in enumerate(chain):
            after = ids[index + 1]
            edges.append(f"    {cid} -->|{mermaid_label(t('m_ok'))}| {after}")
            if kind == "main" and step.fallbacks:
                n = section.steps.index(step) + 1
                edges.append(f"    {cid} -.->|{mermaid_label(t('m_fails'))}| s{n}f1")
                for j, fb in enumerate(step.fallbacks, start=1):
                    fid = f"s{n}f{j}"
                    edges.append(f"    {fid} -->|{mermaid_label(t('m_ok'))}| {after}")
                    nxt = f"s{n}f{j + 1}" if j < len(step.fallbacks) else after
                    failure_edges(fid, [fb], nxt)
            else:
                failure_edges(cid, invs, after)
        end_nodes = [f"    done([\"{mermaid_label(t('m_end'))}\"])"]
        if stops:
            end_nodes.append(f"    halt{{{{\"{mermaid_label(t('m_stop'))}\"}}}}")
        return ["```mermaid", "flowchart TD"] + nodes + end_nodes + edges + ["```"]

    # -- rendering: summary table ------------------------------------------------------------
    def policy_cells(self, section: Section) -> list[list[Step]]:
        """The steps of a section that do each step of the policy (none: `-`)."""
        cells: list[list[Step]] = [[] for _ in self.policy.steps]
        for step in section.steps:
            inv = step.first
            k = self.policy.step_of(inv.task, inv.base, inv.databases, inv.primary)
            if k is not None:
                cells[k].append(step)
        return cells

    def summary(self) -> list[str]:
        t = self.t
        shown = [s for s in self.sections if s.kind != "delegating"]
        rows = []
        for s in shown:
            cells = [code(self.short(s.path))]
            for steps in self.policy_cells(s):
                items = []
                for step in steps:
                    inv = step.first
                    item = code(inv.task) + (f" ({self.dbs_text(s.model, inv.databases)})" if inv.databases else "")
                    if any(self.diags_at(i, ORDER_CODES) for i in step.invocations):
                        item = "❌ " + item  # runs out of the policy's order on some path
                    if item not in items:
                        items.append(item)
                cells.append(", ".join(items) or "-")
            cells.append(self.env_label(s.environment))
            rows.append(cells)
        header = ([t("col_script")] + [t("col_step", n=n) for n in range(1, len(self.policy.steps) + 1)]
                  + [t("col_env")])
        lines = [f"## {t('summary')}", ""] + table(header, rows) + [""]
        state = self.order_state()
        if state == "unchecked":
            verdict = t("unchecked", codes=", ".join(c for c in ORDER_CODES if not self.enabled(c)))
        elif state == "ok":
            verdict = t("summary_ok", sequence=self.sequence())
        else:
            verdict = t("summary_bad", sequence=self.sequence(),
                        where=self.diag_cite([d for d in self.diagnostics if d.code in ORDER_CODES]))
        lines += [verdict, "", "---", ""]
        return lines

    # -- rendering: per-database guarantees ---------------------------------------------------
    def model_sites(self, model: DatabaseModel) -> list[Site]:
        return [s for s in self.sites.values() if s.script.model == model]

    @staticmethod
    def aimed_at(inv: Invocation, name: str) -> bool:
        return inv.scope == name if inv.scope is not None else name == inv.primary

    def guarantees(self) -> list[str]:
        t = self.t
        lines = [f"## {t('guarantees')}", ""]
        for model in self.models:
            if len(self.models) > 1:
                source = code(model.source) if model.from_file else t(
                    "configured" if model.source == "configuration" else "inferred")
                lines += [f"### {source}", ""]
            sites = self.model_sites(model)
            primary = model.primary(None)
            dbs = sorted(model.for_envs(None), key=lambda d: d.name != primary)
            for db in dbs:
                label = self.db_label(model, db.name)
                heading = "db_heading_primary" if db.name == primary else "db_heading"
                named = db.name in self.labels(model).get(db.name, db.name)  # `queue (SQLite)` names it already
                level = "####" if len(self.models) > 1 else "###"  # under the heading of its database.yml
                lines += [f"{level} {t(heading, label=label, name='' if named else f' ({code(db.name)})')}", ""]
                where = self.where(model, db.name)
                if where:
                    lines.append(t("db_where", where=where) + "  ")
                if not db.has_tasks:
                    why = "`replica: true`" if db.replica else "`database_tasks: false`"
                    lines.append(t("db_no_tasks", why=why) + "  ")
                lines += [t("touch_head", db=label)]
                touching = [s for s in sites if db.name in s.inv.databases]
                if not touching:
                    lines.append(f"- {t('touch_none')}")
                for task, group in self.by_task(touching).items():
                    inv = group[0].inv
                    item = f"- {code(task)}{t('colon')}{self.describe(inv)} — {self.places([s.inv for s in group])}"
                    stray = [s for s in group if not self.aimed_at(s.inv, db.name) and s.inv.base not in READ_ONLY]
                    if stray:
                        found = sorted({d.code for s in stray for d in self.diags_at(s.inv, SEPARATION_CODES)})
                        cited = f" ({', '.join(found)})" if found else ""
                        if inv.base in WIPES:
                            item += f" — ⚠️ {t('wipes', db=label, lost=self.lost([db.name]))}{cited}"
                        else:
                            item += f" — ⚠️ {t('also_unscoped', db=label)}{cited}"
                    lines.append(item)
                lines += ["", t("never_head")]
                aimed = [s for s in sites if self.aimed_at(s.inv, db.name) and s.inv.base not in READ_ONLY]
                others = [d for d in model.for_envs(None) if d.name != db.name and d.has_tasks]
                for other in others:
                    other_label = self.db_label(model, other.name)
                    offenders = [s for s in aimed if other.name in s.inv.databases]
                    if not aimed:
                        lines.append(f"- {t('never_nothing', other=other_label, db=label)}")
                    elif not offenders:
                        tasks = ", ".join(code(task) for task in self.by_task(aimed))
                        lines.append(f"- {t('never_ok', other=other_label, db=label)} ({tasks})")
                    else:
                        lines.append(f"- {t('never_bad', other=other_label, why=self.offences(offenders))}")
                if not others:
                    lines.append(f"- {t('sep_single')}")
                if db.name != primary:
                    wipers = [s for s in sites if self.aimed_at(s.inv, s.inv.primary) and s.inv.base in WIPES
                              and db.name in s.inv.databases]
                    primary_label = self.db_label(model, primary)
                    lines.append("")
                    if wipers:
                        lines.append(t("survives_bad", primary=primary_label, why=self.offences(wipers)))
                    else:
                        lines.append(t("survives_ok", primary=primary_label))
                lines.append("")
        lines += ["---", ""]
        return lines

    def offences(self, offenders: list[Site]) -> str:
        parts = []
        for task, group in self.by_task(offenders).items():
            key = "bad_wipe" if group[0].inv.base in WIPES else "bad_migrate"
            parts.append(self.t(key, task=code(task), where=self.cite(group, SEPARATION_CODES)))
        return self.t("semicolon").join(parts)

    @staticmethod
    def by_task(sites: list[Site]) -> dict[str, list[Site]]:
        groups: dict[str, list[Site]] = {}
        for s in sites:
            groups.setdefault(s.inv.task, []).append(s)
        return groups

    def where(self, model: DatabaseModel, name: str) -> str:
        places: dict[str, list[str]] = {}
        migrations: list[str] = []
        for env, dbs in model.environments.items():
            for d in dbs:
                if d.name != name:
                    continue
                if d.database:
                    places.setdefault(d.database, []).append(env)
                if d.migrations_paths and d.migrations_paths not in migrations:
                    migrations.append(d.migrations_paths)
        parts = [f"{code(path)} ({', '.join(self.env_name(e) for e in envs)})" for path, envs in places.items()]
        if migrations:
            parts.append(self.t("db_migrations", path=", ".join(code(m) for m in migrations)))
        return self.t("semicolon").join(parts)

    # -- rendering: points of attention ------------------------------------------------------
    def attention(self) -> list[str]:
        t = self.t
        destructive = [s for s in self.sites.values() if s.inv.base in DESTRUCTIVE]
        groups = self.by_task(destructive)
        heading, named = t("att_reset"), False
        if len(groups) == 1:  # the seed's "`db:reset` en Development"
            group = next(iter(groups.values()))
            env = group[0].inv.environment
            for site in group[1:]:
                env = env.join(site.inv.environment)
            if env.only:
                heading, named = t("att_reset_one", task=code(group[0].inv.task), env=self.env_label(env)), True
        lines = [f"## {t('attention')}", "", f"### 1. {heading}", ""]
        if not destructive:
            lines += [t("att_reset_none"), ""]
        for task, group in groups.items():
            inv = group[0].inv
            model = group[0].script.model
            if not named:
                lines += [f"**{code(task)}**", ""]
            lines.append(f"- {t('att_behaviour', what=self.describe(inv))}")
            runs = ", ".join(f"{self.places([s.inv])} ({self.env_label(s.inv.environment, inline=True)})"
                             for s in group)
            lines.append(f"- {t('att_runs', where=runs)}")
            target = inv.scope if inv.scope is not None else inv.primary
            extra = sorted({d for s in group for d in s.inv.databases if d != target})
            target_label = self.db_label(model, target)
            cited = self.cite(group, SEPARATION_CODES)
            if extra:
                others = ", ".join(self.db_label(model, d) + self._db_path(model, d, group) for d in extra)
                key = "att_wipes_more" if inv.base in WIPES else "att_touches_more"
                lines.append(f"- {t(key, target=target_label, others=others, lost=self.lost(extra), cited=cited)}")
            else:
                intact = [self.db_label(model, d) for d in self.secondary_names(model) + [model.primary(None)]
                          if d != target and model.database(d) is not None and model.database(d).has_tasks]
                if intact:
                    lines.append("- " + t("att_touches_only_intact", db=target_label, others=" + ".join(intact),
                                          n=len(intact)))
                else:
                    lines.append(f"- {t('att_touches_only', db=target_label)}")
                if target != model.primary(None) and inv.base in WIPES:
                    wiped = target_label + self._db_path(model, target, group)
                    lines.append("- " + t("att_wipes_target", db=wiped, lost=self.lost([target]), cited=cited))
            outside = [s for s in group if not s.inv.environment.only_development()]
            if outside:
                lines.append(f"- {t('att_not_dev')} ({self.cite(outside, ENV_CODES)})")
            else:
                lines.append(f"- {t('att_dev_only')}")
            if inv.base in RESETS_AND_SEEDS:
                places = {(s.inv.path, s.inv.line) for s in group}
                redundant = [d for d in self.diagnostics if d.code == "OL103"
                             and any((r.path, r.line) in places for r in d.related)]
                if redundant:
                    lines += [self.finding_line(d) for d in redundant]
                else:
                    lines.append(f"- {t('att_seeds')}")
            lines.append("")
        lines += self.error_handling()
        lines += self.verification()
        lines += ["---", ""]
        return lines

    def _script(self, path: str) -> ScriptAnalysis:
        return next(s for s in self.entries + self.standalone if s.path == path)

    def _db_path(self, model: DatabaseModel, name: str, group: list[Site]) -> str:
        paths = []
        for s in group:
            db = model.database(name, s.inv.environment.only)
            if db is not None and db.database and db.database not in paths:
                paths.append(db.database)
        return f" ({', '.join(code(p) for p in paths)})" if paths else ""

    def evidence(self, site: Site) -> str:
        t = self.t
        parts = []
        for outcome in OUTCOMES:
            runs = [(s, i) for s, i in site.runs if i.on_failure == outcome]
            if not runs:
                continue
            label = t(outcome)
            reasons = list(dict.fromkeys(self.in_context(i.reason, i.script, i.path) for _, i in runs if i.reason))
            if len(site.runs) > 1 and len({i.on_failure for _, i in site.runs}) > 1:
                label = t("differs", outcome=label, script=", ".join(code(self.short(s.path)) for s, _ in runs))
            parts.append(label + (" — " + t("semicolon").join(self.say(r) for r in reasons) if reasons else ""))
        text_ = t("att_evidence", task=code(site.inv.task), where=self.places([site.inv]), outcome=" · ".join(parts))
        fallbacks = [f for s, i in site.runs for f in sorted(i.fallback) if s.by_id(f) is not None]
        if fallbacks:
            s, i = site.runs[0]
            names = []
            for f in sorted(i.fallback):
                fb = s.by_id(f)
                if fb is not None:
                    names.append(t("falls_back", task=code(fb.task), where=self.places([fb])) + " (" + t(fb.on_failure)
                                 + ")")
            text_ += " → " + t("att_handled", fallback=t("semicolon").join(names))
        return text_

    def error_handling(self) -> list[str]:
        t = self.t
        lines = [f"### 2. {t('att_errors')}", ""]
        for model in self.models:
            sites = self.model_sites(model)
            primary = model.primary(None)
            plabel = self.db_label(model, primary)
            changing = [s for s in sites if s.inv.touches_primary and s.inv.base not in READ_ONLY]
            lines += [f"**{plabel}**{t('colon').rstrip()}", f"- {t('att_blocking', db=plabel)}"]
            lines += [f"  - {self.evidence(s)}" for s in changing] or [f"  - {t('att_none')}"]
            bad = [s for s in changing if self.diags_at(s.inv, ("OL201",))]
            unknown = self.unknown(changing)
            if bad:
                lines.append(f"- {t('att_blocking_bad', where=self.cite(bad, ('OL201',)))}")
            elif unknown:
                lines.append(f"- {t('att_unknown', where=self.places([s.inv for s in unknown]))}")
            elif changing:
                lines.append(f"- {t('att_blocking_ok', db=plabel)}")
            lines.append("")
            secondary = self.secondary_names(model)
            if not secondary:
                continue
            slabel = " + ".join(self.db_label(model, n) for n in secondary)
            queue = [s for s in sites if s.inv.secondary_only and s.inv.base not in READ_ONLY]
            lines += [f"**{slabel}**{t('colon').rstrip()}", f"- {t('att_nonblocking', db=slabel)}"]
            lines += [f"  - {self.evidence(s)}" for s in queue] or [f"  - {t('att_none')}"]
            bad_sites = [s for s in queue if self.diags_at(s.inv, ("OL202", "OL203"))]
            unknown = self.unknown(queue)
            if bad_sites:
                lines.append(f"- {t('att_nonblocking_bad', where=self.cite(bad_sites, ('OL202', 'OL203')))}")
            elif unknown:
                lines.append(f"- {t('att_unknown', where=self.places([s.inv for s in unknown]))}")
            elif queue:
                lines.append(f"- {t('att_nonblocking_ok', db=slabel)}")
            both = [s for s in sites if s.inv.touches_primary and any(n in s.inv.databases for n in secondary)
                    and s.inv.base in MIGRATES and s.inv.base not in WIPES
                    and any(i.on_failure == ABORTS for _, i in s.runs)]
            if both:
                tasks = ", ".join(code(task) for task in self.by_task(both))
                lines.append(f"- {t('att_but', tasks=tasks, db=slabel, where=self.cite(both, SEPARATION_CODES))}")
            lines.append("")
        return lines

    @staticmethod
    def unknown(sites: list[Site]) -> list[Site]:
        """Sites where the analysis could not tell what a failure does (never counted as an error)."""
        return [s for s in sites if any(i.on_failure == UNKNOWN for _, i in s.runs)]

    def verification(self) -> list[str]:
        t = self.t
        lines = [f"### 3. {t('att_verify')}", ""]
        for model in self.models:
            primary = model.primary(None)
            plabel = self.db_label(model, primary)
            lines.append(f"**{plabel}**{t('colon').rstrip()}")
            covered_secondary = False
            any_script = False
            for script in self.entries + self.standalone:
                if script.model != model:
                    continue
                migrating = [i for i in script.invocations if i.base in MIGRATES and i.touches_primary]
                if not migrating:
                    continue
                any_script = True
                checks = [i for i in script.invocations if i.base in PENDING_CHECKS
                          and any(m.id in i.may_before or m.id in i.must_before for m in migrating)]
                name = code(script.path)
                for check in checks:
                    if any(n != check.primary for n in check.databases):
                        covered_secondary = True
                    task, where = code(check.task), self.places([check])
                    if self.diags_at(check, ("OL302",)):
                        lines.append(f"- {t('verify_trusted', script=name, task=task, where=where)}")
                    else:
                        output = t("verify_output") if check.output_inspected or check.output_used else ""
                        if check.base == "db:abort_if_pending_migrations":
                            output += t("verify_pending", outcome=self.outcome_word(check.on_failure))
                        dbs = self.dbs_text(model, check.databases)
                        lines.append("- " + t("verify_check", script=name, task=task, where=where, output=output,
                                              dbs=dbs))
                if checks:
                    continue
                missing = [d for d in self.diagnostics if d.code == "OL301"
                           and (d.path == script.path or any((d.path, d.line) == (i.path, i.line)
                                                             for i in script.invocations))]
                if missing:
                    lines.append(f"- {self.icon(missing)} {t('verify_missing', script=name)} "
                                 f"({self.codes_text(missing)})")
                elif script.environment.only_development():
                    lines.append(f"- {t('verify_dev', script=name)}")
                else:
                    lines.append(f"- {t('verify_exempt', script=name)}")
            if not any_script:
                lines.append(f"- {t('verify_none')}")
            lines.append("")
            secondary = self.secondary_names(model)
            if secondary:
                slabel = " + ".join(self.db_label(model, n) for n in secondary)
                queue = [s for s in self.model_sites(model) if s.inv.secondary_only and s.inv.base not in READ_ONLY]
                if covered_secondary:
                    key = "verify_secondary_covered"
                elif queue and all(i.on_failure == WARNS for s in queue for _, i in s.runs):
                    key = "verify_secondary_warned"
                else:
                    key = "verify_secondary_none"
                lines += [f"**{slabel}**{t('colon').rstrip()}", f"- {t(key, db=slabel)}", ""]
        return lines

    def outcome_word(self, outcome: str) -> str:
        return self.t(outcome) if self.t.has(outcome) else text(outcome)

    # -- rendering: the verdict --------------------------------------------------------------
    def separated(self) -> bool:
        """No task that changes a database also acts on another (computed, whatever rules are selected)."""
        return not any(len(s.inv.databases) > 1 and s.inv.base not in READ_ONLY for s in self.sites.values())

    def status(self) -> tuple[str, str]:
        t = self.t
        codes = {d.code for d in self.diagnostics}
        worst = max((d.severity for d in self.diagnostics), default=None)
        icon = "✅" if worst is None or worst == Severity.INFO else ("❌" if worst == Severity.ERROR else "⚠️")
        order = self.order_state()
        separated = self.separated()
        if not separated and icon == "✅":
            icon = "⚠️"
        if not codes and order == "ok" and separated:
            return icon, t("st_ok")
        parts = [t({"bad": "st_order_bad", "unchecked": "st_order_unchecked", "ok": "st_order_ok"}[order])]
        if codes & set(SEPARATION_CODES) or not separated:
            parts.append(t("st_sep_bad"))
        for group, key in ((FAILURE_CODES, "st_fail_bad"), (VERIFY_CODES, "st_verify_bad"), (ENV_CODES, "st_env_bad")):
            if codes & set(group):
                parts.append(t(key))
        if len(parts) == 1 and codes - set(ORDER_CODES):
            parts.append(t("st_other"))
        return icon, " — ".join(parts)

    def verdict(self) -> list[str]:
        t = self.t
        icon, headline = self.status()
        heading = {"✅": "final", "❌": "final_bad", "⚠️": "final_warn"}[icon]
        lines = [f"## {t(heading)}", ""]
        order = self.order_state()
        lines.append(t("order_all") if order == "ok" else t("order_some"))
        for s in self.sections:
            bad = [d for d in self.section_findings(s) if d.code in ORDER_CODES]
            mark = "❌" if bad else ("❔" if order == "unchecked" else "✅")
            notes = [self.codes_text(bad)] if bad else []
            if s.kind == "library":
                notes.append(t("used_by_short", users=", ".join(code(u.path) for u in s.scripts)))
            lines.append(f"- {mark} {code(s.path)}" + (f" ({'; '.join(notes)})" if notes else ""))
        lines += ["", t("separation")] + self.separation_verdict()
        lines += ["", t("errors")]
        for model in self.models:
            primary = model.primary(None)
            plabel = self.db_label(model, primary)
            failures = [d for d in self.diagnostics if d.code == "OL201"]
            sites = self.model_sites(model)
            unknown = self.unknown([s for s in sites if s.inv.touches_primary and s.inv.base not in READ_ONLY])
            if failures:
                lines.append(f"- {t('err_primary_bad', db=plabel, codes=self.codes_text(failures))}")
            elif unknown:
                lines.append(f"- {t('err_unknown', db=plabel, where=self.places([s.inv for s in unknown]))}")
            else:
                lines.append(f"- {t('err_primary_ok', db=plabel)}")
            secondary = self.secondary_names(model)
            if secondary:
                slabel = " + ".join(self.db_label(model, n) for n in secondary)
                queue_bad = [d for d in self.diagnostics if d.code in ("OL202", "OL203")]
                but = [d for d in self.diagnostics if d.code == "OL501"]
                unknown = self.unknown([s for s in sites if s.inv.secondary_only and s.inv.base not in READ_ONLY])
                if queue_bad:
                    lines.append(f"- {t('err_queue_bad', db=slabel, codes=self.codes_text(queue_bad))}")
                elif unknown:
                    lines.append(f"- {t('err_unknown', db=slabel, where=self.places([s.inv for s in unknown]))}")
                elif but:
                    tasks = ", ".join(code(task) for task in self.by_task(
                        [s for s in self.model_sites(model) if self.diags_at(s.inv, ("OL501",))])) or code("db:migrate")
                    lines.append(f"- {t('err_queue_but', db=slabel, tasks=tasks, codes=self.codes_text(but))}")
                else:
                    lines.append(f"- {t('err_queue_ok', db=slabel)}")
        lines += ["", t("verification")] + self.checks_verdict(VERIFY_CODES, "ver", self.verify_ok_line())
        lines += ["", t("environments")] + self.checks_verdict(ENV_CODES, "env", f"- {t('env_ok')}")
        lines.append("")
        if self.diagnostics:
            counts = Counter(d.severity for d in self.diagnostics)
            parts = [t(f"count_{s.label}", n=counts[s]) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
                     if counts[s]]
            lines += [t("all_findings", count=f"{len(self.diagnostics)} ({', '.join(parts)})"), ""]
            rows = [[t(f"severity_{d.severity.label}"), f"{d.code} {text(d.name)}",
                     f"{code(self.short(d.path))}:{d.line}", self.say(self.diag_message(d))] for d in self.diagnostics]
            lines += table([t("col_severity"), t("col_rule"), t("col_location"), t("col_message")], rows)
        else:
            lines.append(t("no_findings"))
        lines += ["", "---", "", t("validated", date=text(self.report.date)) + "  ",
                  t("status", status=f"{icon} **{headline}**")]
        return lines

    def separation_verdict(self) -> list[str]:
        """The seed's three claims, each computed: independent, never both at once, queued jobs intact."""
        t = self.t
        lines = []
        for model in self.models:
            sites = self.model_sites(model)
            primary = model.primary(None)
            secondary = self.secondary_names(model)
            if not secondary:
                lines.append(f"- {t('sep_single')}")
                continue
            plabel = self.db_label(model, primary)
            dbs = " & ".join(self.db_label(model, n) for n in [primary] + secondary)
            stray = [s for s in sites if len(s.inv.databases) > 1 and s.inv.base not in READ_ONLY]
            lines.append(f"- {t('sep_bad' if stray else 'sep_ok', dbs=dbs)}")
            if stray:
                why = []
                for task, group in self.by_task(stray).items():
                    codes_ = self.codes_text([d for s in group for d in self.diags_at(s.inv, SEPARATION_CODES)])
                    why.append(code(task) + (f" ({codes_})" if codes_ else ""))
                lines.append(f"  - {t('sep_both_bad', why=', '.join(why))}")
            else:
                lines.append(f"  - {t('sep_both_ok')}")
            for name in secondary:
                label = self.db_label(model, name)
                kind = "jobs" if "queue" in name else "data"
                wipers = [s for s in sites if s.inv.base in WIPES and name in s.inv.databases
                          and self.aimed_at(s.inv, s.inv.primary)]
                if wipers:
                    why = t("semicolon").join(t("sep_wipe", task=code(task), db=label,
                                                where=self.cite(group, SEPARATION_CODES))
                                              for task, group in self.by_task(wipers).items())
                    lines.append(f"  - {t(f'sep_{kind}_bad', db=label, why=why)}")
                else:
                    lines.append(f"  - {t(f'sep_{kind}_ok', db=label, primary=plabel)}")
        return lines

    def deploy_migrations(self) -> list[ScriptAnalysis]:
        """Deploy scripts that can run outside development and migrate the primary database (OL301's scope)."""
        return [s for s in self.entries if s.is_deploy() and not s.environment.only_development()
                and any(i.base in MIGRATES and i.touches_primary for i in s.invocations)]

    def verify_ok_line(self) -> str:
        return f"- {self.t('ver_ok' if self.deploy_migrations() else 'ver_none')}"

    def checks_verdict(self, codes: tuple[str, ...], prefix: str, ok_line: str) -> list[str]:
        """One line per rule that found something, else why there is nothing to report."""
        lines = []
        for c in codes:
            found = [d for d in self.diagnostics if d.code == c]
            if found:
                lines.append(f"- {self.icon(found)} {self.t(f'{prefix}_{c}', where=self.diag_cite(found))}")
        if lines:
            return lines
        off = [c for c in codes if not self.enabled(c)]
        if off:
            return [f"- {self.t('not_checked', codes=', '.join(off))}"]
        return [ok_line]

    # -- rendering: why this order ------------------------------------------------------------
    def default_step(self, step: PolicyStep) -> str | None:
        """Which of the seed's steps this is (same name, same database), whatever its task list."""
        for index, known in enumerate(DEFAULT_POLICY.steps):
            if (step.name, step.database) == (known.name, known.database):
                return ("primary", "queue", "seed")[index]
        return None

    def optimal(self) -> list[str]:
        t = self.t
        lines = [f"## {t('optimal_' + self.order_state())}", "", f"### {t('why_head')}", ""]
        shown = [s for s in self.sections if s.kind != "delegating"]
        cells = {s.path: self.policy_cells(s) for s in shown}
        primary_labels, secondary_labels = self.db_labels()
        single = not self.has_secondary()
        for k, step in enumerate(self.policy.steps):
            kind = self.default_step(step)
            db = ""
            if step.database == "primary":
                db = f" — {', '.join(primary_labels)}" if primary_labels else ""
            elif step.database == "secondary":
                db = f" — {', '.join(secondary_labels)}" if secondary_labels else ""
            elif step.database:
                db = f" — {code(step.database)}"
            lines.append(t("why_step", n=k + 1, name=self.step_name(step.name), db=db))
            bullets: list[str] = []
            if step.database == "secondary" and single:
                lines += [f"   - {t('why_moot')}", ""]
                continue
            if kind == "primary":
                bullets += [t("why_primary_1"), t("why_primary_2")]
            elif kind == "queue":
                names = sorted({n for m in self.models for n in self.secondary_names(m)})
                queues = [n for n in names if "queue" in n]
                first = t("why_queue_1") if names == queues and len(names) == 1 else t("why_secondary_1", n=len(names))
                bullets += [first] + self.why_queue(len(names)) + ([t("why_queue_3")] if queues else [])
            elif kind == "seed":
                bullets += [t("why_seed_1"), t("why_seed_2")]
            yes = [s for s in shown if cells[s.path][k]]
            no = [s for s in shown if not cells[s.path][k]]
            if not yes:
                where = t("where_none")
            elif not no:
                where = "✅ " + t("where_all")
            elif len(yes) > len(no):
                where = t("where_except", no=", ".join(code(self.short(s.path)) for s in no))
            else:
                where = t("where_only", yes=", ".join(code(self.short(s.path)) for s in yes),
                          no=", ".join(code(self.short(s.path)) for s in no))
            bullets.append(where)
            late = []
            for s in yes:
                diags = [d for st in cells[s.path][k] for i in st.invocations for d in self.diags_at(i, ORDER_CODES)]
                if diags:
                    late.append(f"{code(self.short(s.path))} ({self.codes_text(diags)})")
            if late:
                bullets.append(t("where_out_of_order", where=", ".join(late)))
            if kind == "seed":
                for s in no:
                    resets = [st.first.task for st in s.steps if st.first.base in RESETS_AND_SEEDS]
                    if resets:
                        bullets.append(t("where_done_by", script=code(self.short(s.path)),
                                         task=" / ".join(dict.fromkeys(code(r) for r in resets))))
            lines += [f"   - {b}" for b in bullets] + [""]
        lines += ["---", ""]
        return lines

    def why_queue(self, n: int) -> list[str]:
        """How the queue is migrated on its own, and where an unscoped task already migrates it."""
        t = self.t
        sites = list(self.sites.values())
        scoped = [s for s in sites if s.inv.secondary_only and s.inv.base in MIGRATES]
        out = [t("why_queue_2", tasks=", ".join(code(task) for task in self.by_task(scoped)), n=n) if scoped
               else t("why_queue_2_bare", n=n)]
        unscoped = [s for s in sites if s.inv.touches_primary and len(s.inv.databases) > 1
                    and s.inv.base in MIGRATES and s.inv.base not in WIPES]
        if unscoped:
            primary_labels, _ = self.db_labels()
            out.append(t("why_queue_but", n=n, tasks=", ".join(code(task) for task in self.by_task(unscoped)),
                         primary=", ".join(primary_labels), cited=self.cite(unscoped, SEPARATION_CODES)))
        return out

    def render(self) -> str:
        lines = self.header()
        if not self.sections:
            lines += [self.t("no_task"), ""]
            lines += self.verdict()
            return "\n".join(lines) + "\n"
        lines += self.policy_section()
        lines += [f"## {self.t('scripts')}", ""]
        for section in self.sections:
            lines += self.script_section(section)
        lines += self.guarantees()
        lines += self.summary()
        lines += self.attention()
        lines += self.optimal()
        lines += self.verdict()
        return "\n".join(lines) + "\n"


def _call_line(inv: Invocation, path: str) -> int | None:
    """The line of `path` that calls into a library, read from the invocation's `via` chain."""
    for hop in inv.via:
        head, sep, tail = hop.rpartition(" (")
        if not sep or not tail.endswith(")"):
            continue
        where = tail[:-1]
        file, colon, line = where.rpartition(":")
        if colon and file == path and line.isdigit():
            return int(line)
    return None


def render(report: Report) -> str:
    return Audit(report).render()
