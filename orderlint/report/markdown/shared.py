"""What every section of the markdown audit shares: escaping, the model of the report (sites, steps,
sections), and `Facts`, computed once from the results and read by every section.

Everything that comes from the scripts or `database.yml` (paths, task names, reasons, messages,
database names) goes through `code`, `text` or `rich` (markdown and HTML escaped, safe inside a
table cell, never a newline) or `mermaid_label`.
"""

from __future__ import annotations

import os
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from orderlint.results import Invocation, Results, ScriptAnalysis, tasks_environment
from orderlint.rules.check import code_selected
from orderlint.flow import ABORTS, SILENT, UNKNOWN, WARNS, EnvSet
from orderlint.messages import Context, Message, render
from orderlint.model import Diagnostic, OrderlintError, Severity
from orderlint.rails.policy import Policy
from orderlint.rails.databases import PENDING_CHECKS, DatabaseModel
from orderlint.report import Report
from orderlint.report.i18n import LANGUAGES, Messages
from orderlint.settings import Settings

OUTCOMES = (ABORTS, WARNS, SILENT, UNKNOWN)
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


def run_key(inv: Invocation) -> tuple:
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
        parent = parent_of.get(run_key(inv))
        if parent is not None and run_key(parent) in owner:
            step = owner[run_key(parent)]
            if inv.task == parent.task and parent in step.invocations:
                step.invocations.append(inv)
                step.retries.add(run_key(inv))
            else:
                step.fallbacks.append(inv)
            owner[run_key(inv)] = step
            continue
        if inv.base in PENDING_CHECKS and steps:
            steps[-1].checks.append(inv)
            owner[run_key(inv)] = steps[-1]
            continue
        last = steps[-1] if steps else None
        if (last is not None and not last.checks and not last.fallbacks and last.first.task == inv.task
                and last.first.path == inv.path and last.first.script == inv.script
                and not any(p.id in inv.may_before or p.id in inv.must_before for p in last.invocations)):
            last.invocations.append(inv)  # exclusive branches (if/else): one step, several lines
            owner[run_key(inv)] = last
            continue
        step = Step([inv])
        steps.append(step)
        owner[run_key(inv)] = step
    return steps


def adapter(db) -> str:
    label = db.label
    return label[len(db.name) + 2:-1] if label != db.name else ""


# -- the facts every section reads ---------------------------------------------------------------

@dataclass(frozen=True)
class Facts:
    """What the report says is computed from these, gathered once by `gather_facts`; the sections
    only read them (nothing here changes once gathered)."""

    report: Report
    results: Results
    t: Messages
    diagnostics: tuple[Diagnostic, ...]
    settings: Settings
    policy: Policy
    entries: tuple[ScriptAnalysis, ...]
    standalone: tuple[ScriptAnalysis, ...]  # every script that is not an entry (libraries, unused files)
    base: str  # the folder that every path is shown relative to
    by_place: dict[tuple[str, int], list[Diagnostic]]
    sites: dict[Key, Site]
    folded: dict[str, Section]  # entry scripts told in their library's section
    sections: tuple[Section, ...]
    models: tuple[DatabaseModel, ...]
    known_paths: frozenset[str]  # the files a place in a sentence of the analysis may name

    # -- reading the facts: locations, labels, findings ------------------------------------------
    def short(self, path: str) -> str:
        if not self.base:
            return path
        rel = os.path.relpath(path, self.base)
        return path if rel.startswith("..") else rel

    def in_context(self, message: Message, script: str | None, shown_in: str) -> str:
        """A reason or a finding's message in the report's language. The places it names are `line 12`
        in the file shown (`shown_in`) and name their file elsewhere (`ops/deploy.sh:12`); a line of the
        entry script that runs the task (`script`) is named with it when shown beside another file."""
        return render(message, self.t.lang, Context(here=shown_in, script=script, path=self._place_path))

    def diag_message(self, d: Diagnostic, shown_in: str | None = None) -> str:
        """A finding's message; the `line N` of a finding on a task names the entry script that runs it."""
        shown_in = shown_in or d.path
        if d.code.startswith("OL0"):  # parse errors, sources, suppressions: their lines are in their own file
            return self.in_context(d.text, d.path, shown_in)
        scripts = {inv.script for site in self.sites.values() for _, inv in site.runs
                   if (inv.path, inv.line) == (d.path, d.line)
                   and (d.code not in FAILURE_OUTCOMES or inv.on_failure in FAILURE_OUTCOMES[d.code])}
        script = shown_in if shown_in in scripts else (next(iter(scripts)) if len(scripts) == 1 else None)
        return self.in_context(d.text, script, shown_in)

    def _place_path(self, path: str) -> str:
        """A file named in a place (`ops/lib/db.sh`:12): shortened, in a code span, when the report knows it."""
        return self._path_span(path) if path in self.known_paths else path

    def _path_span(self, path: str) -> str:
        short = self.short(path)
        return short if "`" in short else f"`{short}`"

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
        # the databases the policy's queue step is about (peers have no assumed policy)
        return [d.name for d in model.for_envs(None) if d.name != primary and d.has_tasks and d.queue_like]

    def has_secondary(self) -> bool:
        return any(self.secondary_names(m) for m in self.models)

    @staticmethod
    def peer_names(model: DatabaseModel) -> list[str]:
        """Databases with tasks that are neither the primary nor queue-like: no policy is assumed for them."""
        primary = model.primary(None)
        return [d.name for d in model.for_envs(None) if d.name != primary and d.has_tasks and not d.queue_like]

    def moot(self, single: str, peers: str) -> str:
        """`single` for a one-database app, `peers` when its other databases are all peers."""
        return peers if any(self.peer_names(m) for m in self.models) else single

    def enabled(self, code_: str) -> bool:
        return code_selected(code_, self.settings.select, self.settings.ignore)

    def diags_at(self, inv: Invocation, codes: tuple[str, ...] | None = None) -> list[Diagnostic]:
        found = self.by_place.get((inv.path, inv.line), [])
        exact = [d for d in found if d.column == inv.column] or found
        return [d for d in exact if codes is None or d.code in codes]

    def labels(self, model: DatabaseModel) -> dict[str, str]:
        dbs = model.for_envs(None)
        adapters = {d.name: adapter(d) for d in dbs}
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
            if retries and run_key(inv) in retries:
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

    def finding_line(self, d: Diagnostic, section_path: str | None = None) -> str:
        where = (self.t("lines_word", lines=d.line) if d.path == section_path
                 else f"{code(self.short(d.path))}:{d.line}")
        message = rich(self.diag_message(d, section_path))
        return f"- {SEVERITY_ICON[d.severity]} **{d.code}** {text(d.name)} ({where}){self.t('colon')}{message}"

    def policy_cells(self, section: Section) -> list[list[Step]]:
        """The steps of a section that do each step of the policy (none: `-`)."""
        cells: list[list[Step]] = [[] for _ in self.policy.steps]
        for step in section.steps:
            inv = step.first
            k = self.policy.step_of(inv.task, inv.base, inv.databases, inv.primary, inv.roles)
            if k is not None:
                cells[k].append(step)
        return cells

    def model_sites(self, model: DatabaseModel) -> list[Site]:
        return [s for s in self.sites.values() if s.script.model == model]

    @staticmethod
    def aimed_at(inv: Invocation, name: str) -> bool:
        return inv.scope == name if inv.scope is not None else name == inv.primary

    @staticmethod
    def by_task(sites: list[Site]) -> dict[str, list[Site]]:
        groups: dict[str, list[Site]] = {}
        for s in sites:
            groups.setdefault(s.inv.task, []).append(s)
        return groups

    @staticmethod
    def unknown(sites: list[Site]) -> list[Site]:
        """Sites where the analysis could not tell what a failure does (never counted as an error)."""
        return [s for s in sites if any(i.on_failure == UNKNOWN for _, i in s.runs)]


def gather_facts(report: Report) -> Facts:
    if report.lang not in LANGUAGES:
        raise OrderlintError(f"unknown report language {report.lang!r} "
                             f"(expected {' or '.join(sorted(LANGUAGES))})")
    results = report.results
    diagnostics = tuple(report.diagnostics)
    scripts = results.scripts
    settings: Settings = scripts[0].settings if scripts else Settings()
    entries = tuple(sorted((s for s in scripts if s.role == "entry"), key=lambda s: s.path))
    standalone = tuple(sorted((s for s in scripts if s.role != "entry"), key=lambda s: s.path))
    by_place: dict[tuple[str, int], list[Diagnostic]] = {}
    for d in diagnostics:
        by_place.setdefault((d.path, d.line), []).append(d)
    sites: dict[Key, Site] = {}
    for script in entries + standalone:
        for inv in script.invocations:
            sites.setdefault(key_of(inv), Site([])).runs.append((script, inv))
    sections, folded = _sections(entries, standalone, diagnostics)
    known = set(results.files) | {s.path for s in scripts} | {i.path for s in scripts for i in s.invocations}
    return Facts(report=report, results=results, t=Messages(report.lang), diagnostics=diagnostics,
                 settings=settings, policy=settings.policy, entries=entries, standalone=standalone,
                 base=_base(results.files), by_place=by_place, sites=sites, folded=folded,
                 sections=tuple(sections), models=tuple(_models(sections)), known_paths=frozenset(known))


def _base(files) -> str:
    folders = [os.path.dirname(f) or "." for f in files]
    try:
        return os.path.commonpath(folders) if folders else ""
    except ValueError:
        return ""


def _sections(entries: tuple[ScriptAnalysis, ...], standalone: tuple[ScriptAnalysis, ...],
              diagnostics: tuple[Diagnostic, ...]) -> tuple[list[Section], dict[str, Section]]:
    """One section per entry script, per library its entries call and per script used by none, numbered;
    and the entries told in their library's section instead of their own."""
    sections: list[Section] = []
    entry_paths = {s.path for s in entries}
    placed: set[str] = set()
    folded: dict[str, Section] = {}

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

    for entry in entries:
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
            users = [s for s in entries if any(i.path == lib for i in s.invocations)]
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
    for lib in standalone:
        if lib.invocations:
            add(lib.path, "standalone", [lib], list(lib.invocations), lib.environment, lib.model)
    # An entry that only calls one library, with nothing to say in its own file, is told in the
    # library's "used by" (as the seed tells ops/deploy.sh), not in a section of its own.
    libraries = {s.path: s for s in sections if s.kind == "library"}
    for s in sections:
        paths = {i.path for i in s.invocations}
        if (s.kind == "delegating" and len(paths) == 1 and next(iter(paths)) in libraries
                and not any(d.path == s.path for d in diagnostics)):
            folded[s.path] = libraries[next(iter(paths))]
    sections = [s for s in sections if not (s.kind == "delegating" and s.path in folded)]
    for number, s in enumerate(sections, start=1):
        s.number = number
    return sections, folded


def _models(sections: list[Section]) -> list[DatabaseModel]:
    models: list[DatabaseModel] = []
    for section in sections:
        if all(m != section.model for m in models):  # inferred models are one per script, often equal
            models.append(section.model)
    return models
