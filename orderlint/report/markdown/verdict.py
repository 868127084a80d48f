"""The final verdict: order, separation, errors, verification and environments, every finding in a
table, and the status line."""

from __future__ import annotations

from collections import Counter

from orderlint.results import ScriptAnalysis
from orderlint.model import Severity
from orderlint.rails.databases import READ_ONLY, RUNS_MIGRATIONS, WIPES
from orderlint.report.markdown.shared import (ENV_CODES, FAILURE_CODES, ORDER_CODES, SEPARATION_CODES, VERIFY_CODES,
                                              Facts, code, rich, table, text)


def databases_kept_apart(facts: Facts) -> bool:
    """No task that changes a database also acts on another (computed, whatever rules are selected)."""
    return not any(len(s.inv.databases) > 1 and s.inv.queue_like and s.inv.base not in READ_ONLY
                   for s in facts.sites.values())


def status(facts: Facts) -> tuple[str, str]:
    t = facts.t
    codes = {d.code for d in facts.diagnostics}
    worst = max((d.severity for d in facts.diagnostics), default=None)
    icon = "✅" if worst is None or worst == Severity.INFO else ("❌" if worst == Severity.ERROR else "⚠️")
    order = facts.order_state()
    separated = databases_kept_apart(facts)
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


def verdict_section(facts: Facts) -> list[str]:
    t = facts.t
    icon, headline = status(facts)
    heading = {"✅": "final", "❌": "final_bad", "⚠️": "final_warn"}[icon]
    lines = [f"## {t(heading)}", ""]
    order = facts.order_state()
    lines.append(t("order_all") if order == "ok" else t("order_some"))
    for s in facts.sections:
        bad = [d for d in facts.section_findings(s) if d.code in ORDER_CODES]
        mark = "❌" if bad else ("❔" if order == "unchecked" else "✅")
        notes = [facts.codes_text(bad)] if bad else []
        if s.kind == "library":
            notes.append(t("used_by_short", users=", ".join(code(u.path) for u in s.scripts)))
        lines.append(f"- {mark} {code(s.path)}" + (f" ({'; '.join(notes)})" if notes else ""))
    lines += ["", t("separation")] + separation_verdict(facts)
    lines += ["", t("errors")]
    for model in facts.models:
        primary = model.primary(None)
        plabel = facts.db_label(model, primary)
        failures = [d for d in facts.diagnostics if d.code == "OL201"]
        sites = facts.model_sites(model)
        unknown = facts.unknown([s for s in sites if s.inv.touches_primary and s.inv.base not in READ_ONLY])
        if failures:
            lines.append(f"- {t('err_primary_bad', db=plabel, codes=facts.codes_text(failures))}")
        elif unknown:
            lines.append(f"- {t('err_unknown', db=plabel, where=facts.places([s.inv for s in unknown]))}")
        else:
            lines.append(f"- {t('err_primary_ok', db=plabel)}")
        secondary = facts.secondary_names(model)
        if secondary:
            slabel = " + ".join(facts.db_label(model, n) for n in secondary)
            queue_bad = [d for d in facts.diagnostics if d.code in ("OL202", "OL203")]
            but = [d for d in facts.diagnostics if d.code == "OL501"]
            unknown = facts.unknown([s for s in sites if s.inv.queue_like_only and s.inv.base not in READ_ONLY])
            if queue_bad:
                lines.append(f"- {t('err_queue_bad', db=slabel, codes=facts.codes_text(queue_bad))}")
            elif unknown:
                lines.append(f"- {t('err_unknown', db=slabel, where=facts.places([s.inv for s in unknown]))}")
            elif but:
                tasks = ", ".join(code(task) for task in facts.by_task(
                    [s for s in facts.model_sites(model) if facts.diags_at(s.inv, ("OL501",))])) or code("db:migrate")
                lines.append(f"- {t('err_queue_but', db=slabel, tasks=tasks, codes=facts.codes_text(but))}")
            else:
                lines.append(f"- {t('err_queue_ok', db=slabel)}")
    lines += ["", t("verification")] + checks_verdict(facts, {"OL301": "ver_OL301", "OL302": "ver_OL302"},
                                                           verify_ok_line(facts))
    lines += ["", t("environments")] + checks_verdict(
        facts, {"OL401": "env_OL401", "OL402": "env_OL402", "OL403": "env_OL403"}, f"- {t('env_ok')}")
    lines.append("")
    if facts.diagnostics:
        counts = Counter(d.severity for d in facts.diagnostics)
        parts = [t(f"count_{s.label}", n=counts[s]) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
                 if counts[s]]
        lines += [t("all_findings", count=f"{len(facts.diagnostics)} ({', '.join(parts)})"), ""]
        rows = [[t(f"severity_{d.severity.label}"), f"{d.code} {text(d.name)}",
                 f"{code(facts.short(d.path))}:{d.line}", rich(facts.diag_message(d))] for d in facts.diagnostics]
        lines += table([t("col_severity"), t("col_rule"), t("col_location"), t("col_message")], rows)
    else:
        lines.append(t("no_findings"))
    lines += ["", "---", "", t("validated", date=text(facts.report.date)) + "  ",
              t("status", status=f"{icon} **{headline}**")]
    return lines


def separation_verdict(facts: Facts) -> list[str]:
    """The seed's three claims, each computed: independent, never both at once, queued jobs intact."""
    t = facts.t
    lines = []
    for model in facts.models:
        sites = facts.model_sites(model)
        primary = model.primary(None)
        secondary = facts.secondary_names(model)
        if not secondary:
            lines.append(f"- {t('sep_peers' if facts.peer_names(model) else 'sep_single')}")
            continue
        plabel = facts.db_label(model, primary)
        dbs = " & ".join(facts.db_label(model, n) for n in [primary] + secondary)
        stray = [s for s in sites if len(s.inv.databases) > 1 and s.inv.queue_like and s.inv.base not in READ_ONLY]
        lines.append(f"- {t('sep_bad' if stray else 'sep_ok', dbs=dbs)}")
        if stray:
            why = []
            for task, group in facts.by_task(stray).items():
                codes_ = facts.codes_text([d for s in group for d in facts.diags_at(s.inv, SEPARATION_CODES)])
                why.append(code(task) + (f" ({codes_})" if codes_ else ""))
            lines.append(f"  - {t('sep_both_bad', why=', '.join(why))}")
        else:
            lines.append(f"  - {t('sep_both_ok')}")
        for name in secondary:
            label = facts.db_label(model, name)
            kind = "jobs" if "queue" in name else "data"
            wipers = [s for s in sites if s.inv.base in WIPES and name in s.inv.databases
                      and facts.aimed_at(s.inv, s.inv.primary)]
            if wipers:
                why = t("semicolon").join(t("sep_wipe", task=code(task), db=label,
                                            where=facts.cite(group, SEPARATION_CODES))
                                          for task, group in facts.by_task(wipers).items())
                lines.append(f"  - {t(f'sep_{kind}_bad', db=label, why=why)}")
            else:
                lines.append(f"  - {t(f'sep_{kind}_ok', db=label, primary=plabel)}")
    return lines


def deploy_migrations(facts: Facts) -> list[ScriptAnalysis]:
    """Deploy scripts that can run outside development and migrate the primary database (OL301's scope)."""
    return [s for s in facts.entries if s.is_deploy() and not s.environment.only_development()
            and any(i.base in RUNS_MIGRATIONS and i.touches_primary for i in s.invocations)]


def verify_ok_line(facts: Facts) -> str:
    return f"- {facts.t('ver_ok' if deploy_migrations(facts) else 'ver_none')}"


def checks_verdict(facts: Facts, lines_by_code: dict[str, str], ok_line: str) -> list[str]:
    """One line per rule that found something (the message id of its line), else why there is nothing to report."""
    lines = []
    codes = tuple(lines_by_code)
    for c, key in lines_by_code.items():
        found = [d for d in facts.diagnostics if d.code == c]
        if found:
            lines.append(f"- {facts.icon(found)} {facts.t(key, where=facts.diag_cite(found))}")
    if lines:
        return lines
    off = [c for c in codes if not facts.enabled(c)]
    if off:
        return [f"- {facts.t('not_checked', codes=', '.join(off))}"]
    return [ok_line]
