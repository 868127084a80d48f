"""The markdown audit report (`--format markdown`, `--lang en|fr`): the seed document, generated.

Its structure is the hand-written audit's: the policy; one section per script with its tasks
in execution order, their database, lines and behaviour on failure, the verdict with the
findings that decide it and a Mermaid flowchart; the summary table; per-database guarantees;
points of attention; the final verdict. Every statement is computed from `Results` and the
findings; none is asserted. Where the naive reading of a script is false (an unscoped
`db:migrate` also migrates the queue, `db:reset` also wipes it) the report says so and cites
the finding.

Everything that comes from the scripts or `database.yml` (paths, task names, reasons,
messages, database names) goes through `code`, `text` or `rich` (markdown and HTML escaped,
safe inside a table cell, never a newline) or `mermaid_label`.
"""

from __future__ import annotations

import os
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from orderlint import __version__
from orderlint.analysis import Invocation, ScriptAnalysis
from orderlint.check import code_selected
from orderlint.flow import ABORTS, SILENT, UNKNOWN, WARNS, EnvSet
from orderlint.model import Diagnostic, OrderlintError, Severity
from orderlint.policy import DEFAULT_POLICY, MIGRATIONS
from orderlint.rails import DESTRUCTIVE, MIGRATES, PENDING_CHECKS, READ_ONLY, RESETS_AND_SEEDS, WIPES, DatabaseModel
from orderlint.report import Report
from orderlint.report.i18n import LANGUAGES, Messages
from orderlint.settings import Settings

OUTCOMES = (ABORTS, WARNS, SILENT, UNKNOWN)
ORDER_CODES = ("OL101", "OL102", "OL103", "OL104")
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
        self.sections = self._sections()
        self.models = self._models()

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

    def env_label(self, env: EnvSet) -> str:
        def ordered(names):
            return sorted(names, key=lambda e: (ENV_ORDER.index(e) if e in ENV_ORDER else len(ENV_ORDER), e))
        if env.only is not None:
            return "/".join(self.env_name(e) for e in ordered(env.only)) if env.only else self.t("env_none")
        if env.excluded:
            return self.t("env_except", envs=", ".join(self.env_name(e) for e in ordered(env.excluded)))
        return self.t("env_any")

    def step_name(self, name: str) -> str:
        key = f"step_{name}"
        return self.t(key) if self.t.has(key) else text(name)

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
            if ran:  # where the tasks run: a `case` on the environment narrows the script's
                environment = ran[0].environment
                for inv in ran[1:]:
                    environment = environment.join(inv.environment)
            section = Section(len(sections) + 1, path, kind, scripts, invocations, runs, environment, model)
            section.steps = build_steps(invocations)
            sections.append(section)

        for entry in self.entries:
            invs = list(entry.invocations)
            if not invs:
                continue
            own = [i for i in invs if i.path == entry.path]
            add(entry.path, "entry" if own else "delegating", [entry], invs, entry.environment, entry.model)
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
        return sections

    def _models(self) -> list[DatabaseModel]:
        models: list[DatabaseModel] = []
        for section in self.sections:
            if all(m is not section.model for m in models):
                models.append(section.model)
        return models

    def section_findings(self, section: Section) -> list[Diagnostic]:
        """A library's findings are those in its file; a script's, those in its file or on its tasks."""
        if section.kind == "library":
            return [d for d in self.diagnostics if d.path == section.path]
        places = {(i.path, i.line) for i in section.invocations}
        return [d for d in self.diagnostics if d.path == section.path or (d.path, d.line) in places]

    # -- rendering: header and policy --------------------------------------------------------
    def all_db_labels(self) -> list[str]:
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
        idle = [p for p in files if p not in {s.path for s in self.sections}
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

    def policy_section(self) -> list[str]:
        t = self.t
        state = self.order_state()
        lines = [f"## {t('policy_' + state)}", "", f"### {t('principle')}", "", t("always")]
        primary_labels, secondary_labels = [], []
        for model in self.models:
            labels = self.labels(model)
            primary = model.primary(None)
            for name, label in labels.items():
                target = primary_labels if name == primary else secondary_labels
                if text(label) not in target:
                    target.append(text(label))
        for n, step in enumerate(self.policy.steps, start=1):
            tasks = ", ".join(t("migrations_pattern") if p == MIGRATIONS else code(p) for p in step.tasks)
            where = ""
            if step.database == "primary":
                where = " " + t("step_db_primary", db=", ".join(primary_labels) or "primary")
            elif step.database == "secondary":
                where = " " + t("step_db_secondary", db=", ".join(secondary_labels) or "—")
            elif step.database:
                where = " " + t("step_db_named", db=code(step.database))
            lines.append(f"{n}. **{self.step_name(step.name)}** — {tasks}{where}")
        lines += ["", t("rules_head")]
        for key, codes in (("rule_blocking", ("OL201",)), ("rule_nonblocking", ("OL202", "OL203")),
                           ("rule_verify", VERIFY_CODES), ("rule_destructive", ("OL401", "OL403", "OL103")),
                           ("rule_separation", SEPARATION_CODES)):
            off = [c for c in codes if not self.enabled(c)]
            suffix = t("rule_disabled", codes=", ".join(off)) if off else ""
            lines.append(f"- {t(key)} ({', '.join(codes)}){suffix}")
        if self.policy == DEFAULT_POLICY:
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
                    reasons.setdefault(inv.reason, [])
                    if inv not in reasons[inv.reason]:
                        reasons[inv.reason].append(inv)
            if len(reasons) == 1:
                label += " — " + rich(next(iter(reasons)))
            elif reasons:
                label += " — " + "; ".join(f"{self.places(v, section.path)}{t('colon')}{rich(r)}"
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
                outcome += " → " + "; ".join(t("falls_back", task=code(f.task), where=self.place(f, section.path))
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
        return f"- {SEVERITY_ICON[d.severity]} **{d.code}** {text(d.name)} ({where}){self.t('colon')}{rich(d.message)}"

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
            lines.append(t("used_by", users=", ".join(code(s.path) for s in section.scripts)) + "  ")
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
            lines = [mermaid_label(inv.task)]
            if check:
                lines[0] = mermaid_label(f"{t('m_check')}: {inv.task}")
            lines.append(mermaid_label(" + ".join(self.labels(model).get(n, n) for n in inv.databases)))
            where = []
            for i in invs:
                line = str(i.line) if i.path == section.path else f"{self.short(i.path)}:{i.line}"
                if retries and _run_key(i) in retries:
                    line += f" ({t('retry')})"
                where.append(line)
            lines.append(mermaid_label(t("m_line", lines=" / ".join(dict.fromkeys(where)))))
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
    def summary(self) -> list[str]:
        t = self.t
        shown = [s for s in self.sections if s.kind != "delegating"]
        width = max([3] + [len(s.steps) for s in shown])
        rows = []
        for s in shown:
            cells = [code(self.short(s.path))]
            for n in range(width):
                if n < len(s.steps):
                    inv = s.steps[n].first
                    cells.append(f"{code(inv.task)} ({self.dbs_text(s.model, inv.databases)})")
                else:
                    cells.append("-")
            cells.append(self.env_label(s.environment))
            rows.append(cells)
        header = [t("col_script")] + [t("col_step", n=n) for n in range(1, width + 1)] + [t("col_env")]
        lines = [f"## {t('summary')}", ""] + table(header, rows) + [""]
        state = self.order_state()
        if state == "unchecked":
            verdict = t("unchecked", codes=", ".join(c for c in ORDER_CODES if not self.enabled(c)))
        else:
            verdict = t("summary_ok" if state == "ok" else "summary_bad", sequence=self.sequence())
        lines += [verdict, "", "---", ""]
        return lines

    # -- rendering: per-database guarantees ---------------------------------------------------
    def model_sites(self, model: DatabaseModel) -> list[Site]:
        return [s for s in self.sites.values() if s.script.model is model]

    @staticmethod
    def aimed_at(inv: Invocation, name: str) -> bool:
        return inv.scope == name if inv.scope is not None else name == inv.primary

    def guarantees(self) -> list[str]:
        t = self.t
        lines = [f"## {t('guarantees')}", ""]
        for model in self.models:
            if len(self.models) > 1:
                lines += [f"### {code(model.source)}", ""]
            sites = self.model_sites(model)
            primary = model.primary(None)
            dbs = sorted(model.for_envs(None), key=lambda d: d.name != primary)
            for db in dbs:
                label = self.db_label(model, db.name)
                lines += [f"### {t('db_heading', label=label, name=text(db.name))}", ""]
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
                        key = "wipes" if inv.base in WIPES else "also_unscoped"
                        item += f" — ⚠️ {t(key, db=label)}{cited}"
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
        return "; ".join(parts)

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
        return "; ".join(parts)

    # -- rendering: points of attention ------------------------------------------------------
    def attention(self) -> list[str]:
        t = self.t
        lines = [f"## {t('attention')}", "", f"### 1. {t('att_reset')}", ""]
        destructive = [s for s in self.sites.values() if s.inv.base in DESTRUCTIVE]
        if not destructive:
            lines += [t("att_reset_none"), ""]
        for task, group in self.by_task(destructive).items():
            inv = group[0].inv
            model = group[0].script.model
            lines.append(f"**{code(task)}**")
            lines.append("")
            lines.append(f"- {t('att_behaviour', task=code(task), what=self.describe(inv))}")
            runs = ", ".join(f"{self.places([s.inv])} ({self.env_label(s.inv.environment)})" for s in group)
            lines.append(f"- {t('att_runs', where=runs)}")
            primary = inv.primary
            extra = sorted({d for s in group for d in s.inv.databases if d != primary})
            if extra:
                others = ", ".join(self.db_label(model, d) + self._db_path(model, d, group) for d in extra)
                why = t("wipes", db=" + ".join(self.db_label(model, d) for d in extra)) if inv.base in WIPES else ""
                cited = self.cite(group, SEPARATION_CODES)
                lines.append(f"- {t('att_touches_more', primary=self.db_label(model, primary), others=others, why=why)}"
                             f" ({cited})")
            else:
                lines.append(f"- {t('att_touches_only', db=self.db_label(model, primary))}")
            outside = [s for s in group if not s.inv.environment.only_development()]
            if outside:
                lines.append(f"- {t('att_not_dev')} ({self.cite(outside, ENV_CODES)})")
            else:
                lines.append(f"- {t('att_dev_only')}")
            if inv.base in RESETS_AND_SEEDS:
                scripts = {s.script.path for s in group}
                redundant = [d for d in self.diagnostics if d.code == "OL103"
                             and any(d.path == i.path for sp in scripts for i in self._script(sp).invocations)]
                if redundant:
                    lines.append("- " + "; ".join(self.finding_line(d)[2:] for d in redundant))
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
            reasons = list(dict.fromkeys(i.reason for _, i in runs if i.reason))
            if len(site.runs) > 1 and len({i.on_failure for _, i in site.runs}) > 1:
                label = t("differs", outcome=label, script=", ".join(code(self.short(s.path)) for s, _ in runs))
            parts.append(label + (" — " + "; ".join(rich(r) for r in reasons) if reasons else ""))
        text_ = t("att_evidence", task=code(site.inv.task), where=self.places([site.inv]), outcome=" · ".join(parts),
                  reason="").rstrip(" —:")
        fallbacks = [f for s, i in site.runs for f in sorted(i.fallback) if s.by_id(f) is not None]
        if fallbacks:
            s, i = site.runs[0]
            names = []
            for f in sorted(i.fallback):
                fb = s.by_id(f)
                if fb is not None:
                    names.append(t("falls_back", task=code(fb.task), where=self.places([fb])) + " (" + t(fb.on_failure)
                                 + ")")
            text_ += " → " + t("att_handled", fallback="; ".join(names))
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
            if bad:
                lines.append(f"- {t('att_blocking_bad', where=self.cite(bad, ('OL201',)))}")
            elif changing:
                lines.append(f"- {t('att_blocking_ok', db=plabel)}")
            lines.append("")
            secondary = [d.name for d in model.for_envs(None) if d.name != primary]
            if not secondary:
                continue
            slabel = " + ".join(self.db_label(model, n) for n in secondary)
            queue = [s for s in sites if s.inv.secondary_only and s.inv.base not in READ_ONLY]
            lines += [f"**{slabel}**{t('colon').rstrip()}", f"- {t('att_nonblocking', db=slabel)}"]
            lines += [f"  - {self.evidence(s)}" for s in queue] or [f"  - {t('att_none')}"]
            bad_sites = [s for s in queue if self.diags_at(s.inv, ("OL202", "OL203"))]
            if bad_sites:
                lines.append(f"- {t('att_nonblocking_bad', where=self.cite(bad_sites, ('OL202', 'OL203')))}")
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
                if script.model is not model:
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
                        output = t("verify_output") if check.output_used else ""
                        dbs = self.dbs_text(model, check.databases)
                        lines.append("- " + t("verify_check", script=name, task=task, where=where, output=output,
                                              dbs=dbs))
                if checks:
                    continue
                missing = [d for d in self.diagnostics if d.code == "OL301"
                           and (d.path == script.path or any((d.path, d.line) == (i.path, i.line)
                                                             for i in script.invocations))]
                if missing:
                    lines.append(f"- {t('verify_missing', script=name)} ({self.codes_text(missing)})")
                elif script.environment.only_development():
                    lines.append(f"- {t('verify_dev', script=name)}")
                else:
                    lines.append(f"- {t('verify_exempt', script=name)}")
            if not any_script:
                lines.append(f"- {t('verify_none')}")
            lines.append("")
            secondary = [d.name for d in model.for_envs(None) if d.name != primary]
            if secondary:
                slabel = " + ".join(self.db_label(model, n) for n in secondary)
                key = "verify_secondary_covered" if covered_secondary else "verify_secondary_none"
                lines += [f"**{slabel}**{t('colon').rstrip()}", f"- {t(key, db=slabel)}", ""]
        return lines

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
            lines.append(f"- {mark} {code(s.path)}" + (f" ({self.codes_text(bad)})" if bad else ""))
        lines += ["", t("separation")]
        for model in self.models:
            sites = self.model_sites(model)
            names = [d.name for d in model.for_envs(None) if d.has_tasks]
            if len(names) < 2:
                lines.append(f"- {t('sep_single')}")
                continue
            primary = model.primary(None)
            dbs = " & ".join(self.db_label(model, n) for n in sorted(names, key=lambda n: n != primary))
            stray = [s for s in sites if len(s.inv.databases) > 1 and s.inv.base not in READ_ONLY]
            if not stray:
                lines.append(f"- {t('sep_ok', dbs=dbs, primary=self.db_label(model, primary))}")
                continue
            why = []
            for task, group in self.by_task(stray).items():
                diags = [d for s in group for d in self.diags_at(s.inv, SEPARATION_CODES)]
                codes_ = self.codes_text(diags) or "—"
                if group[0].inv.base in WIPES:
                    wiped = sorted({n for s in group for n in s.inv.databases if n != s.inv.primary})
                    why.append(t("sep_wipe", task=code(task), db=self.dbs_text(model, wiped), n=len(group),
                                 codes=codes_))
                else:
                    why.append(t("sep_migrate", task=code(task), n=len(group), codes=codes_))
            lines.append(f"- {t('sep_bad', dbs=dbs, why='; '.join(why))}")
        lines += ["", t("errors")]
        for model in self.models:
            primary = model.primary(None)
            plabel = self.db_label(model, primary)
            failures = [d for d in self.diagnostics if d.code == "OL201"]
            lines.append(f"- {t('err_primary_bad', db=plabel, codes=self.codes_text(failures))}" if failures
                         else f"- {t('err_primary_ok', db=plabel)}")
            secondary = [d.name for d in model.for_envs(None) if d.name != primary]
            if secondary:
                slabel = " + ".join(self.db_label(model, n) for n in secondary)
                queue_bad = [d for d in self.diagnostics if d.code in ("OL202", "OL203")]
                but = [d for d in self.diagnostics if d.code == "OL501"]
                if queue_bad:
                    lines.append(f"- {t('err_queue_bad', db=slabel, codes=self.codes_text(queue_bad))}")
                elif but:
                    lines.append(f"- {t('err_queue_but', db=slabel, codes=self.codes_text(but))}")
                else:
                    lines.append(f"- {t('err_queue_ok', db=slabel)}")
        verify = [d for d in self.diagnostics if d.code in VERIFY_CODES]
        lines += ["", t("verification"),
                  f"- {t('ver_bad', codes=self.codes_text(verify))}" if verify else f"- {t('ver_ok')}"]
        env = [d for d in self.diagnostics if d.code in ENV_CODES]
        lines += ["", t("environments"),
                  f"- {t('env_bad', codes=self.codes_text(env))}" if env else f"- {t('env_ok')}"]
        lines.append("")
        if self.diagnostics:
            counts = Counter(d.severity for d in self.diagnostics)
            parts = [t(f"count_{s.label}", n=counts[s]) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
                     if counts[s]]
            lines += [t("all_findings", count=f"{len(self.diagnostics)} ({', '.join(parts)})"), ""]
            rows = [[t(f"severity_{d.severity.label}"), f"{d.code} {text(d.name)}",
                     f"{code(self.short(d.path))}:{d.line}", rich(d.message)] for d in self.diagnostics]
            lines += table([t("col_severity"), t("col_rule"), t("col_location"), t("col_message")], rows)
        else:
            lines.append(t("no_findings"))
        lines += ["", "---", "", t("validated", date=text(self.report.date)) + "  ",
                  t("status", status=f"{icon} **{headline}**")]
        return lines

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
