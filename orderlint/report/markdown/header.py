"""The top of the audit: the title, date and scope, then the order policy, its steps and its rules."""

from __future__ import annotations

from orderlint import __version__
from orderlint.rails.policy import DEFAULT_POLICY, MIGRATIONS, Step as PolicyStep
from orderlint.report.markdown.shared import SEPARATION_CODES, VERIFY_CODES, Facts, adapter, code, text


def all_db_labels(facts: Facts) -> list[str]:
    """What the title names: the database engines (`PostgreSQL & SQLite`), or the databases' labels
    when one model names the same engine twice or no engine is known."""
    engines: list[str] = []
    every = True
    for model in facts.models:
        primary = model.primary(None)
        for d in sorted(model.for_envs(None), key=lambda d: d.name != primary):
            engine = adapter(d)
            every = every and bool(engine)
            if engine and engine not in engines:
                engines.append(engine)
    if engines and (every or len(facts.models) > 1):
        return [text(e) for e in engines]
    seen: list[str] = []
    for model in facts.models:
        labels = facts.labels(model)
        primary = model.primary(None)
        for name in [primary] + [n for n in labels if n != primary]:
            label = text(labels.get(name, name))
            if label not in seen:
                seen.append(label)
    return seen


def header_section(facts: Facts) -> list[str]:
    t = facts.t
    dbs = " & ".join(all_db_labels(facts)) or "Rails"
    files = facts.results.files
    entries = len(facts.entries)
    entry_paths = {s.path for s in facts.entries}
    libraries = len(set(facts.results.used_by) - entry_paths) + len(facts.standalone)
    sources = []
    for model in facts.models:
        if not model.from_file:
            src = t("inferred")
        elif model.source == "configuration":
            src = t("configured")
        else:
            src = code(model.source)
        src += t("rails", version=text(model.rails_version)) if model.rails_version else ""
        sources.append(src)
    lines = [f"# {t('title', dbs=dbs)}", "",
             t("date", date=text(facts.report.date)) + "  ",
             t("purpose", dbs=dbs) + "  "]
    lines.append(t("scope", files=t("scope_files", n=len(files)), entries=t("scope_entries", n=entries),
                   libraries=t("scope_libraries", n=libraries),
                   source=", ".join(sources) or t("inferred"), rails="") + "  ")
    lines.append(t("generated", version=__version__))
    idle = [p for p in files if p not in {s.path for s in facts.sections} and p not in facts.folded
            and not any(i.path == p for s in facts.sections for i in s.invocations)]
    if idle:
        lines += ["", t("idle", paths=", ".join(code(p) for p in idle))]
    lines += ["", "---", ""]
    return lines


def step_what(facts: Facts, step: PolicyStep) -> str:
    """What a policy step runs, on which database: `PostgreSQL (primary database): any migration task (…)`."""
    t = facts.t
    primary_labels, secondary_labels = facts.db_labels()
    primaries = sorted({m.primary(None) for m in facts.models}) or ["primary"]
    if step.tasks == (MIGRATIONS,):
        if step.database == "primary":
            tasks = ["db:migrate"] + [f"db:migrate:{p}" for p in primaries] + ["db:prepare", "db:reset"]
            return t("step_primary", db=", ".join(primary_labels) or "primary",
                     tasks=", ".join(code(x) for x in tasks))
        if step.database in ("secondary", "queue-like"):
            names = sorted({n for m in facts.models for n in facts.secondary_names(m)})
            if not names:
                return t(facts.moot("step_secondary_none", "step_secondary_none_peers"))
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
    if step.database in ("secondary", "queue-like"):
        return t("step_tasks_on", tasks=tasks, db=", ".join(secondary_labels) or "—")
    if step.database:
        return t("step_tasks_on", tasks=tasks, db=code(step.database))
    return tasks


def policy_section(facts: Facts) -> list[str]:
    t = facts.t
    state = facts.order_state()
    lines = [f"## {t('policy_' + state)}", "", f"### {t('principle')}", "", t("always")]
    for n, step in enumerate(facts.policy.steps, start=1):
        lines.append(t("step_line", n=n, name=facts.step_name(step.name), what=step_what(facts, step)))
    lines += ["", t("optional_steps"), "", t("rules_head")]
    single = not facts.has_secondary()
    for key, codes in (("rule_blocking", ("OL201",)), ("rule_nonblocking", ("OL202", "OL203")),
                       ("rule_verify", VERIFY_CODES), ("rule_destructive", ("OL401", "OL403", "OL103")),
                       ("rule_separation", SEPARATION_CODES)):
        off = [c for c in codes if not facts.enabled(c)]
        suffix = t("rule_disabled", codes=", ".join(off)) if off else ""
        if single and key in ("rule_nonblocking", "rule_separation"):
            suffix += t(facts.moot("rule_moot", "rule_moot_peers"))
        lines.append(f"- {t(key)} ({', '.join(codes)}){suffix}")
    if facts.policy == DEFAULT_POLICY and not single:
        lines += ["", t("reason")]
    lines += ["", "---", ""]
    return lines
