"""The summary table: one row per script, one column per step of the policy, then the environment."""

from __future__ import annotations

from orderlint.report.markdown.shared import ORDER_CODES, Facts, code, table


def summary_section(facts: Facts) -> list[str]:
    t = facts.t
    shown = [s for s in facts.sections if s.kind != "delegating"]
    rows = []
    for s in shown:
        cells = [code(facts.short(s.path))]
        for steps in facts.policy_cells(s):
            items = []
            for step in steps:
                inv = step.first
                item = code(inv.task) + (f" ({facts.dbs_text(s.model, inv.databases)})" if inv.databases else "")
                if any(facts.diags_at(i, ORDER_CODES) for i in step.invocations):
                    item = "❌ " + item  # runs out of the policy's order on some path
                if item not in items:
                    items.append(item)
            cells.append(", ".join(items) or "-")
        cells.append(facts.env_label(s.environment))
        rows.append(cells)
    header = ([t("col_script")] + [t("col_step", n=n) for n in range(1, len(facts.policy.steps) + 1)]
              + [t("col_env")])
    lines = [f"## {t('summary')}", ""] + table(header, rows) + [""]
    state = facts.order_state()
    if state == "unchecked":
        verdict = t("unchecked", codes=", ".join(c for c in ORDER_CODES if not facts.enabled(c)))
    elif state == "ok":
        verdict = t("summary_ok", sequence=facts.sequence())
    else:
        verdict = t("summary_bad", sequence=facts.sequence(),
                    where=facts.diag_cite([d for d in facts.diagnostics if d.code in ORDER_CODES]))
    lines += [verdict, "", "---", ""]
    return lines
