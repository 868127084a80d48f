"""Points of attention: destructive tasks (resets), errors that block or must not (with the evidence of
each task), and the verification of pending migrations."""

from __future__ import annotations

from orderlint.flow import ABORTS, WARNS
from orderlint.rails.databases import (
    DESTRUCTIVE, MIGRATES, PENDING_CHECKS, READ_ONLY, RESETS_AND_SEEDS, RUNS_MIGRATIONS, WIPES, DatabaseModel,
)
from orderlint.report.markdown.shared import ENV_CODES, OUTCOMES, SEPARATION_CODES, Facts, Site, code, rich, text


def attention_section(facts: Facts) -> list[str]:
    t = facts.t
    destructive = [s for s in facts.sites.values() if s.inv.base in DESTRUCTIVE]
    groups = facts.by_task(destructive)
    heading, named = t("att_reset"), False
    if len(groups) == 1:  # the seed's "`db:reset` en Development"
        group = next(iter(groups.values()))
        env = group[0].inv.environment
        for site in group[1:]:
            env = env.join(site.inv.environment)
        if env.only:
            heading, named = t("att_reset_one", task=code(group[0].inv.task), env=facts.env_label(env)), True
    lines = [f"## {t('attention')}", "", f"### 1. {heading}", ""]
    if not destructive:
        lines += [t("att_reset_none"), ""]
    for task, group in groups.items():
        inv = group[0].inv
        model = group[0].script.model
        if not named:
            lines += [f"**{code(task)}**", ""]
        lines.append(f"- {t('att_behaviour', what=facts.describe(inv))}")
        runs = ", ".join(f"{facts.places([s.inv])} ({facts.env_label(s.inv.environment, inline=True)})"
                         for s in group)
        lines.append(f"- {t('att_runs', where=runs)}")
        target = inv.scope if inv.scope is not None else inv.primary
        extra = sorted({d for s in group for d in s.inv.databases if d != target})
        target_label = facts.db_label(model, target)
        cited = facts.cite(group, SEPARATION_CODES)
        if extra:
            others = ", ".join(facts.db_label(model, d) + _db_path(model, d, group) for d in extra)
            key = "att_wipes_more" if inv.base in WIPES else "att_touches_more"
            lines.append(f"- {t(key, target=target_label, others=others, lost=facts.lost(extra), cited=cited)}")
        else:
            intact = [facts.db_label(model, d) for d in facts.secondary_names(model) + [model.primary(None)]
                      if d != target and model.database(d) is not None and model.database(d).has_tasks]
            if intact:
                lines.append("- " + t("att_touches_only_intact", db=target_label, others=" + ".join(intact),
                                      n=len(intact)))
            else:
                lines.append(f"- {t('att_touches_only', db=target_label)}")
            if target != model.primary(None) and inv.base in WIPES:
                wiped = target_label + _db_path(model, target, group)
                lines.append("- " + t("att_wipes_target", db=wiped, lost=facts.lost([target]), cited=cited))
        outside = [s for s in group if not s.inv.environment.only_development()]
        if outside:
            lines.append(f"- {t('att_not_dev')} ({facts.cite(outside, ENV_CODES)})")
        else:
            lines.append(f"- {t('att_dev_only')}")
        if inv.base in RESETS_AND_SEEDS:
            places = {(s.inv.path, s.inv.line) for s in group}
            redundant = [d for d in facts.diagnostics if d.code == "OL103"
                         and any((r.path, r.line) in places for r in d.related)]
            if redundant:
                lines += [facts.finding_line(d) for d in redundant]
            else:
                lines.append(f"- {t('att_seeds')}")
        lines.append("")
    lines += error_handling(facts)
    lines += verification(facts)
    lines += ["---", ""]
    return lines


def _db_path(model: DatabaseModel, name: str, group: list[Site]) -> str:
    paths = []
    for s in group:
        db = model.database(name, s.inv.environment.only)
        if db is not None and db.database and db.database not in paths:
            paths.append(db.database)
    return f" ({', '.join(code(p) for p in paths)})" if paths else ""


def evidence(facts: Facts, site: Site) -> str:
    t = facts.t
    parts = []
    for outcome in OUTCOMES:
        runs = [(s, i) for s, i in site.runs if i.on_failure == outcome]
        if not runs:
            continue
        label = t(outcome)
        reasons = list(dict.fromkeys(facts.in_context(i.reason, i.script, i.path) for _, i in runs if i.reason))
        if len(site.runs) > 1 and len({i.on_failure for _, i in site.runs}) > 1:
            label = t("differs", outcome=label, script=", ".join(code(facts.short(s.path)) for s, _ in runs))
        parts.append(label + (" — " + t("semicolon").join(rich(r) for r in reasons) if reasons else ""))
    text_ = t("att_evidence", task=code(site.inv.task), where=facts.places([site.inv]), outcome=" · ".join(parts))
    fallbacks = [f for s, i in site.runs for f in sorted(i.fallback) if s.by_id(f) is not None]
    if fallbacks:
        s, i = site.runs[0]
        names = []
        for f in sorted(i.fallback):
            fb = s.by_id(f)
            if fb is not None:
                names.append(t("falls_back", task=code(fb.task), where=facts.places([fb])) + " (" + t(fb.on_failure)
                             + ")")
        text_ += " → " + t("att_handled", fallback=t("semicolon").join(names))
    return text_


def error_handling(facts: Facts) -> list[str]:
    t = facts.t
    lines = [f"### 2. {t('att_errors')}", ""]
    for model in facts.models:
        sites = facts.model_sites(model)
        primary = model.primary(None)
        plabel = facts.db_label(model, primary)
        changing = [s for s in sites if s.inv.touches_primary and s.inv.base not in READ_ONLY]
        lines += [f"**{plabel}**{t('colon').rstrip()}", f"- {t('att_blocking', db=plabel)}"]
        lines += [f"  - {evidence(facts, s)}" for s in changing] or [f"  - {t('att_none')}"]
        bad = [s for s in changing if facts.diags_at(s.inv, ("OL201",))]
        unknown = facts.unknown(changing)
        if bad:
            lines.append(f"- {t('att_blocking_bad', where=facts.cite(bad, ('OL201',)))}")
        elif unknown:
            lines.append(f"- {t('att_unknown', where=facts.places([s.inv for s in unknown]))}")
        elif changing:
            lines.append(f"- {t('att_blocking_ok', db=plabel)}")
        lines.append("")
        secondary = facts.secondary_names(model)
        if not secondary:
            continue
        slabel = " + ".join(facts.db_label(model, n) for n in secondary)
        queue = [s for s in sites if s.inv.queue_like_only and s.inv.base not in READ_ONLY]
        lines += [f"**{slabel}**{t('colon').rstrip()}", f"- {t('att_nonblocking', db=slabel)}"]
        lines += [f"  - {evidence(facts, s)}" for s in queue] or [f"  - {t('att_none')}"]
        bad_sites = [s for s in queue if facts.diags_at(s.inv, ("OL202", "OL203"))]
        unknown = facts.unknown(queue)
        if bad_sites:
            lines.append(f"- {t('att_nonblocking_bad', where=facts.cite(bad_sites, ('OL202', 'OL203')))}")
        elif unknown:
            lines.append(f"- {t('att_unknown', where=facts.places([s.inv for s in unknown]))}")
        elif queue:
            lines.append(f"- {t('att_nonblocking_ok', db=slabel)}")
        both = [s for s in sites if s.inv.touches_primary and any(n in s.inv.databases for n in secondary)
                and s.inv.base in MIGRATES and s.inv.base not in WIPES
                and any(i.on_failure == ABORTS for _, i in s.runs)]
        if both:
            tasks = ", ".join(code(task) for task in facts.by_task(both))
            lines.append(f"- {t('att_but', tasks=tasks, db=slabel, where=facts.cite(both, SEPARATION_CODES))}")
        lines.append("")
    return lines


def verification(facts: Facts) -> list[str]:
    t = facts.t
    lines = [f"### 3. {t('att_verify')}", ""]
    for model in facts.models:
        primary = model.primary(None)
        plabel = facts.db_label(model, primary)
        lines.append(f"**{plabel}**{t('colon').rstrip()}")
        covered_secondary = False
        any_script = False
        for script in facts.entries + facts.standalone:
            if script.model != model:
                continue
            migrating = [i for i in script.invocations if i.base in RUNS_MIGRATIONS and i.touches_primary]
            if not migrating:
                continue
            any_script = True
            checks = [i for i in script.invocations if i.base in PENDING_CHECKS
                      and any(m.id in i.may_before or m.id in i.must_before for m in migrating)]
            name = code(script.path)
            for check in checks:
                if any(n != check.primary for n in check.databases):
                    covered_secondary = True
                task, where = code(check.task), facts.places([check])
                if facts.diags_at(check, ("OL302",)):
                    lines.append(f"- {t('verify_trusted', script=name, task=task, where=where)}")
                else:
                    output = t("verify_output") if check.output_inspected or check.output_used else ""
                    if check.base == "db:abort_if_pending_migrations":
                        output += t("verify_pending", outcome=outcome_word(facts, check.on_failure))
                    dbs = facts.dbs_text(model, check.databases)
                    lines.append("- " + t("verify_check", script=name, task=task, where=where, output=output,
                                          dbs=dbs))
            if checks:
                continue
            missing = [d for d in facts.diagnostics if d.code == "OL301"
                       and (d.path == script.path or any((d.path, d.line) == (i.path, i.line)
                                                         for i in script.invocations))]
            if missing:
                lines.append(f"- {facts.icon(missing)} {t('verify_missing', script=name)} "
                             f"({facts.codes_text(missing)})")
            elif script.environment.only_development():
                lines.append(f"- {t('verify_dev', script=name)}")
            else:
                lines.append(f"- {t('verify_exempt', script=name)}")
        if not any_script:
            lines.append(f"- {t('verify_none')}")
        lines.append("")
        secondary = facts.secondary_names(model)
        if secondary:
            slabel = " + ".join(facts.db_label(model, n) for n in secondary)
            queue = [s for s in facts.model_sites(model) if s.inv.queue_like_only and s.inv.base not in READ_ONLY]
            if covered_secondary:
                key = "verify_secondary_covered"
            elif queue and all(i.on_failure == WARNS for s in queue for _, i in s.runs):
                key = "verify_secondary_warned"
            else:
                key = "verify_secondary_none"
            lines += [f"**{slabel}**{t('colon').rstrip()}", f"- {t(key, db=slabel)}", ""]
    return lines


def outcome_word(facts: Facts, outcome: str) -> str:
    return facts.t(outcome) if facts.t.has(outcome) else text(outcome)
