"""The Mermaid flowchart of a script's section: each step, where a failure leads, the end or the stop."""

from __future__ import annotations

from orderlint.results import Invocation
from orderlint.flow import ABORTS, SILENT, WARNS
from orderlint.report.markdown.shared import OUTCOMES, Facts, Section, Step, mermaid_label, run_key


def flowchart(facts: Facts, section: Section) -> list[str]:
    t = facts.t
    model = section.model
    nodes: list[str] = []
    edges: list[str] = []
    stops = False

    def node_label(invs, check=False, retries=None) -> str:
        inv = invs[0]
        lines = [mermaid_label(t("m_check", task=inv.task) if check else inv.task)]
        if inv.databases:
            lines.append(mermaid_label(" + ".join(facts.labels(model).get(n, n) for n in inv.databases)))
        where = []
        for i in invs:
            line = str(i.line) if i.path == section.path else f"{facts.short(i.path)}:{i.line}"
            if retries and run_key(i) in retries:
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

    nodes.append(f"    start([\"{mermaid_label(facts.short(section.path))}\"])")
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
