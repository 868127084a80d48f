"""One section per script: its tasks in execution order with their database, lines and behaviour
on failure, the verdict with the findings that decide it, and its flowchart. An entry script whose
tasks are all in libraries says which library sections tell them."""

from __future__ import annotations

from orderlint.results import Invocation, ScriptAnalysis
from orderlint.model import Diagnostic
from orderlint.rails.databases import READ_ONLY, RESETS_AND_SEEDS
from orderlint.report.markdown.mermaid import flowchart
from orderlint.report.markdown.shared import (OUTCOMES, ORDER_CODES, SEVERITY_ICON, Facts, Section, code, key_of,
                                              rich, table, text)


def outcome_text(facts: Facts, section: Section, invs: list[Invocation]) -> str:
    """The behaviour on failure of a step's invocations, in every script that runs them."""
    t = facts.t
    runs = [r for inv in invs for r in section.runs.get(key_of(inv), [(None, inv)])]
    by_outcome: dict[str, list] = {}
    for script, inv in runs:
        by_outcome.setdefault(inv.on_failure, []).append((script, inv))
    several_scripts = len({s.path for s, _ in runs if s is not None}) > 1 and len(by_outcome) > 1
    parts = []
    for outcome in sorted(by_outcome, key=lambda o: OUTCOMES.index(o) if o in OUTCOMES else len(OUTCOMES)):
        items = by_outcome[outcome]
        label = t(outcome) if facts.t.has(outcome) else text(outcome)
        reasons: dict[str, list[Invocation]] = {}
        for _, inv in items:
            if inv.reason:
                reason = facts.in_context(inv.reason, inv.script, section.path)
                reasons.setdefault(reason, [])
                if inv not in reasons[reason]:
                    reasons[reason].append(inv)
        if len(reasons) == 1:
            label += " — " + rich(next(iter(reasons)))
        elif reasons:
            label += " — " + t("semicolon").join(f"{facts.places(v, section.path)}{t('colon')}{rich(r)}"
                                       for r, v in reasons.items())
        if several_scripts:
            scripts = sorted({s.path for s, _ in items if s is not None})
            label = t("differs", outcome=label, script=", ".join(code(facts.short(p)) for p in scripts))
        parts.append(label)
    return " · ".join(parts)


def step_rows(facts: Facts, section: Section) -> list[list[str]]:
    t = facts.t
    rows = []
    for n, step in enumerate(section.steps, start=1):
        inv = step.first
        multi = len(inv.databases) > 1 and bool(inv.queue_like) and inv.base not in READ_ONLY
        db = facts.dbs_text(section.model, inv.databases) + (" ⚠️" if multi else "")
        outcome = outcome_text(facts, section, step.invocations)
        if step.fallbacks:
            outcome += " → " + t("semicolon").join(t("falls_back", task=code(f.task),
                                                     where=facts.place(f, section.path))
                                         for f in step.fallbacks)
        rows.append([str(n), code(inv.task), db, facts.places(step.invocations, section.path, step.retries),
                     outcome])
        for kind, extra in (("check_row", step.checks), ("fallback_row", step.fallbacks)):
            for sub in extra:
                multi = len(sub.databases) > 1 and sub.base not in READ_ONLY
                rows.append([t(kind), code(sub.task),
                             facts.dbs_text(section.model, sub.databases) + (" ⚠️" if multi else ""),
                             facts.places([sub], section.path), outcome_text(facts, section, [sub])])
    return rows


def script_section(facts: Facts, section: Section) -> list[str]:
    t = facts.t
    title = code(section.path)
    if section.kind == "library":
        functions = sorted({f for _, inv in (r for rs in section.runs.values() for r in rs) for f in inv.functions
                            if _function_in(f, section)})
        if functions:
            title += " (" + ", ".join(t("function", name=code(f)) for f in functions) + ")"
    lines = [f"### {section.number}. {title}", ""]
    if section.kind == "library":
        lines.append(t("used_by", users=", ".join(user(facts, s, section) for s in section.scripts)) + "  ")
    elif section.kind == "standalone":
        lines.append(t("used_by_none") + "  ")
    lines += [t("environment", env=facts.env_label(section.environment)), ""]
    findings = facts.section_findings(section)
    if section.kind == "delegating":
        lines += delegating_body(facts, section, findings)
        lines += ["", "---", ""]
        return lines
    lines.append(t("order_head"))
    lines.append("")
    lines += table([t("col_n"), t("col_task"), t("col_db"), t("col_line"), t("col_failure")],
                   step_rows(facts, section))
    lines.append("")
    lines += verdict_lines(facts, findings, section.path)
    resets = [s.first for s in section.steps if s.first.base in RESETS_AND_SEEDS]
    if resets and not any(d.code == "OL103" for d in findings):
        lines += ["", t("reset_note", task=" / ".join(dict.fromkeys(code(r.task) for r in resets)))]
    lines += ["", t("flow_head"), ""] + flowchart(facts, section)
    lines += ["", "---", ""]
    return lines


def user(facts: Facts, script: ScriptAnalysis, section: Section) -> str:
    """`ops/deploy.sh` (Staging/Production, line 59): an entry script that uses a library."""
    invs = [i for i in script.invocations if i.path == section.path]
    env = invs[0].environment if invs else script.environment
    for inv in invs[1:]:
        env = env.join(inv.environment)
    calls = list(dict.fromkeys(c for c in (_call_line(i, script.path) for i in invs) if c is not None))
    details = facts.env_label(env, inline=True)
    if calls:
        details += ", " + facts.t("lines_word", lines=" / ".join(map(str, calls)))
    return facts.t("user", path=code(script.path), details=details)


def _function_in(name: str, section: Section) -> bool:
    """Is `name` the function of the library that the users call (the outermost one defined there)?"""
    for rs in section.runs.values():
        for _, inv in rs:
            if inv.functions and inv.functions[0] == name and inv.path == section.path:
                return True
    return False


def verdict_lines(facts: Facts, findings: list[Diagnostic], section_path: str | None) -> list[str]:
    t = facts.t
    order = [d for d in findings if d.code in ORDER_CODES]
    others = [d for d in findings if d.code not in ORDER_CODES]
    lines = []
    if order:
        lines.append(t("not_confirmed", sequence=facts.sequence()))
        lines += [facts.finding_line(d, section_path) for d in order]
    elif not all(facts.enabled(c) for c in ORDER_CODES):
        lines.append(t("unchecked", codes=", ".join(c for c in ORDER_CODES if not facts.enabled(c))))
    else:
        lines.append(t("confirmed", sequence=facts.sequence()))
    if others:
        lines += ["", t("findings_head")] + [facts.finding_line(d, section_path) for d in others]
    return lines


def delegating_body(facts: Facts, section: Section, findings: list[Diagnostic]) -> list[str]:
    t = facts.t
    libs = [s for s in facts.sections if s.kind == "library"
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
        lines += ["", t("not_confirmed", sequence=facts.sequence())] + [facts.finding_line(d, section.path)
                                                                      for d in order]
    elif not all(facts.enabled(c) for c in ORDER_CODES):
        lines += ["", t("unchecked", codes=", ".join(c for c in ORDER_CODES if not facts.enabled(c)))]
    else:
        lines += ["", t("confirmed", sequence=facts.sequence())]
    others = [d for d in findings if d.code not in ORDER_CODES]
    if others:
        n = libs[0].number if libs else section.number
        lines += ["", t("findings_delegated", n=n)]
        by_code: dict[str, list[Diagnostic]] = {}
        for d in others:
            by_code.setdefault(d.code, []).append(d)
        for c, ds in by_code.items():
            icon = SEVERITY_ICON[max(d.severity for d in ds)]
            lines.append(f"- {icon} **{c}** {text(ds[0].name)}{t('colon')}{facts.diag_places(ds, section.path)}")
    return lines


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
