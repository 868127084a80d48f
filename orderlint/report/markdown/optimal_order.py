"""Why this order: each step of the policy, why it comes where it does, and which scripts do it."""

from __future__ import annotations

from orderlint.rails.policy import DEFAULT_POLICY, Step as PolicyStep
from orderlint.rails.databases import MIGRATES, RESETS_AND_SEEDS, WIPES
from orderlint.report.markdown.shared import ORDER_CODES, SEPARATION_CODES, Facts, code


def default_step(step: PolicyStep) -> str | None:
    """Which of the seed's steps this is (same name, same database), whatever its task list."""
    for index, known in enumerate(DEFAULT_POLICY.steps):
        if (step.name, step.database) == (known.name, known.database):
            return ("primary", "queue", "seed")[index]
    return None


def optimal_order_section(facts: Facts) -> list[str]:
    t = facts.t
    lines = [f"## {t('optimal_' + facts.order_state())}", "", f"### {t('why_head')}", ""]
    shown = [s for s in facts.sections if s.kind != "delegating"]
    cells = {s.path: facts.policy_cells(s) for s in shown}
    primary_labels, secondary_labels = facts.db_labels()
    single = not facts.has_secondary()
    for k, step in enumerate(facts.policy.steps):
        kind = default_step(step)
        db = ""
        if step.database == "primary":
            db = f" — {', '.join(primary_labels)}" if primary_labels else ""
        elif step.database in ("secondary", "queue-like"):
            db = f" — {', '.join(secondary_labels)}" if secondary_labels else ""
        elif step.database:
            db = f" — {code(step.database)}"
        lines.append(t("why_step", n=k + 1, name=facts.step_name(step.name), db=db))
        bullets: list[str] = []
        if step.database in ("secondary", "queue-like") and single:
            lines += [f"   - {t(facts.moot('why_moot', 'why_moot_peers'))}", ""]
            continue
        if kind == "primary":
            bullets += [t("why_primary_1"), t("why_primary_2")]
        elif kind == "queue":
            names = sorted({n for m in facts.models for n in facts.secondary_names(m)})
            queues = [n for n in names if "queue" in n]
            first = t("why_queue_1") if names == queues and len(names) == 1 else t("why_secondary_1", n=len(names))
            bullets += [first] + why_queue(facts, len(names)) + ([t("why_queue_3")] if queues else [])
        elif kind == "seed":
            bullets += [t("why_seed_1"), t("why_seed_2")]
        yes = [s for s in shown if cells[s.path][k]]
        no = [s for s in shown if not cells[s.path][k]]
        if not yes:
            where = t("where_none")
        elif not no:
            where = "✅ " + t("where_all")
        elif len(yes) > len(no):
            where = t("where_except", no=", ".join(code(facts.short(s.path)) for s in no))
        else:
            where = t("where_only", yes=", ".join(code(facts.short(s.path)) for s in yes),
                      no=", ".join(code(facts.short(s.path)) for s in no))
        bullets.append(where)
        late = []
        for s in yes:
            diags = [d for st in cells[s.path][k] for i in st.invocations for d in facts.diags_at(i, ORDER_CODES)]
            if diags:
                late.append(f"{code(facts.short(s.path))} ({facts.codes_text(diags)})")
        if late:
            bullets.append(t("where_out_of_order", where=", ".join(late)))
        if kind == "seed":
            for s in no:
                resets = [st.first.task for st in s.steps if st.first.base in RESETS_AND_SEEDS]
                if resets:
                    bullets.append(t("where_done_by", script=code(facts.short(s.path)),
                                     task=" / ".join(dict.fromkeys(code(r) for r in resets))))
        lines += [f"   - {b}" for b in bullets] + [""]
    lines += ["---", ""]
    return lines


def why_queue(facts: Facts, n: int) -> list[str]:
    """How the queue is migrated on its own, and where an unscoped task already migrates it."""
    t = facts.t
    sites = list(facts.sites.values())
    scoped = [s for s in sites if s.inv.queue_like_only and s.inv.base in MIGRATES]
    out = [t("why_queue_2", tasks=", ".join(code(task) for task in facts.by_task(scoped)), n=n) if scoped
           else t("why_queue_2_bare", n=n)]
    unscoped = [s for s in sites if s.inv.touches_primary and len(s.inv.databases) > 1 and s.inv.queue_like
                and s.inv.base in MIGRATES and s.inv.base not in WIPES]
    if unscoped:
        primary_labels, _ = facts.db_labels()
        out.append(t("why_queue_but", n=n, tasks=", ".join(code(task) for task in facts.by_task(unscoped)),
                     primary=", ".join(primary_labels), cited=facts.cite(unscoped, SEPARATION_CODES)))
    return out
