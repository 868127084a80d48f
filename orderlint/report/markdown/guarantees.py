"""Per-database guarantees: what touches each database, and what never does."""

from __future__ import annotations

from orderlint.rails.databases import READ_ONLY, WIPES, DatabaseModel
from orderlint.report.markdown.shared import SEPARATION_CODES, Facts, Site, code


def guarantees_section(facts: Facts) -> list[str]:
    t = facts.t
    lines = [f"## {t('guarantees')}", ""]
    for model in facts.models:
        if len(facts.models) > 1:
            source = code(model.source) if model.from_file else t(
                "configured" if model.source == "configuration" else "inferred")
            lines += [f"### {source}", ""]
        sites = facts.model_sites(model)
        primary = model.primary(None)
        dbs = sorted(model.for_envs(None), key=lambda d: d.name != primary)
        for db in dbs:
            label = facts.db_label(model, db.name)
            heading = "db_heading_primary" if db.name == primary else "db_heading"
            named = db.name in facts.labels(model).get(db.name, db.name)  # `queue (SQLite)` names it already
            level = "####" if len(facts.models) > 1 else "###"  # under the heading of its database.yml
            lines += [f"{level} {t(heading, label=label, name='' if named else f' ({code(db.name)})')}", ""]
            where = database_places(facts, model, db.name)
            if where:
                lines.append(t("db_where", where=where) + "  ")
            if not db.has_tasks:
                why = "`replica: true`" if db.replica else "`database_tasks: false`"
                lines.append(t("db_no_tasks", why=why) + "  ")
            lines += [t("touch_head", db=label)]
            touching = [s for s in sites if db.name in s.inv.databases]
            if not touching:
                lines.append(f"- {t('touch_none')}")
            for task, group in facts.by_task(touching).items():
                inv = group[0].inv
                item = f"- {code(task)}{t('colon')}{facts.describe(inv)} — {facts.places([s.inv for s in group])}"
                stray = [s for s in group if not facts.aimed_at(s.inv, db.name) and s.inv.base not in READ_ONLY]
                if stray:
                    found = sorted({d.code for s in stray for d in facts.diags_at(s.inv, SEPARATION_CODES)})
                    cited = f" ({', '.join(found)})" if found else ""
                    if inv.base in WIPES:
                        item += f" — ⚠️ {t('wipes', db=label, lost=facts.lost([db.name]))}{cited}"
                    elif not db.queue_like and db.name != primary:  # a peer: Rails' design, not a finding
                        item += f" — {t('also_unscoped', db=label)}{cited}"
                    else:
                        item += f" — ⚠️ {t('also_unscoped', db=label)}{cited}"
                lines.append(item)
            lines += ["", t("never_head")]
            aimed = [s for s in sites if facts.aimed_at(s.inv, db.name) and s.inv.base not in READ_ONLY]
            others = [d for d in model.for_envs(None) if d.name != db.name and d.has_tasks]
            for other in others:
                other_label = facts.db_label(model, other.name)
                offenders = [s for s in aimed if other.name in s.inv.databases]
                if not aimed:
                    lines.append(f"- {t('never_nothing', other=other_label, db=label)}")
                elif not offenders:
                    tasks = ", ".join(code(task) for task in facts.by_task(aimed))
                    lines.append(f"- {t('never_ok', other=other_label, db=label)} ({tasks})")
                elif not (other.queue_like or db.queue_like):  # between the primary and peers: no separation assumed
                    lines.append(f"- {t('never_peer', other=other_label, why=offences(facts, offenders))}")
                else:
                    lines.append(f"- {t('never_bad', other=other_label, why=offences(facts, offenders))}")
            if not others:
                lines.append(f"- {t('sep_single')}")
            if db.name != primary:
                wipers = [s for s in sites if facts.aimed_at(s.inv, s.inv.primary) and s.inv.base in WIPES
                          and db.name in s.inv.databases]
                primary_label = facts.db_label(model, primary)
                lines.append("")
                if wipers:
                    lines.append(t("survives_bad", primary=primary_label, why=offences(facts, wipers)))
                else:
                    lines.append(t("survives_ok", primary=primary_label))
            lines.append("")
    lines += ["---", ""]
    return lines


def offences(facts: Facts, offenders: list[Site]) -> str:
    parts = []
    for task, group in facts.by_task(offenders).items():
        key = "bad_wipe" if group[0].inv.base in WIPES else "bad_migrate"
        parts.append(facts.t(key, task=code(task), where=facts.cite(group, SEPARATION_CODES)))
    return facts.t("semicolon").join(parts)


def database_places(facts: Facts, model: DatabaseModel, name: str) -> str:
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
    parts = [f"{code(path)} ({', '.join(facts.env_name(e) for e in envs)})" for path, envs in places.items()]
    if migrations:
        parts.append(facts.t("db_migrations", path=", ".join(code(m) for m in migrations)))
    return facts.t("semicolon").join(parts)
