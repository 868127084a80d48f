"""The markdown audit report (`--format markdown`, `--lang en|fr`): the seed document, generated.

Its structure is the hand-written audit's: the policy; one section per script with its tasks
in execution order, their database, lines and behaviour on failure, the verdict with the
findings that decide it and a Mermaid flowchart (an entry script that only calls one library
is told in the library's "used by"); per-database guarantees; the summary table, one column
per step of the policy; points of attention; why the order is the right one; the final
verdict. Every statement is computed from `Results` and the findings; none is asserted. Where
the naive reading of a script is false (an unscoped `db:migrate` also migrates the queue,
`db:reset` also wipes it) the report says so and cites the finding.

The facts every part reads (sites, sections, database models, findings by place) are gathered
once into `shared.Facts`; each part is a function of them, in its own module: `header` (title,
scope, policy), `scripts` (with `mermaid`), `guarantees`, `summary`, `attention`,
`optimal_order` and `verdict`.

The analysis explains itself with messages (why a failure stops the script, the findings'
messages): `Facts.in_context` renders them in the report's language, from the same catalogues.

Everything that comes from the scripts or `database.yml` (paths, task names, reasons,
messages, database names) goes through `code`, `text` or `rich` (markdown and HTML escaped,
safe inside a table cell, never a newline) or `mermaid_label`.
"""

from __future__ import annotations

from orderlint.report import Report
from orderlint.report.markdown.attention import attention_section
from orderlint.report.markdown.guarantees import guarantees_section
from orderlint.report.markdown.header import header_section, policy_section
from orderlint.report.markdown.optimal_order import optimal_order_section
from orderlint.report.markdown.scripts import script_section
from orderlint.report.markdown.shared import code, gather_facts, mermaid_label, rich, text
from orderlint.report.markdown.summary import summary_section
from orderlint.report.markdown.verdict import verdict_section

__all__ = ["code", "mermaid_label", "render", "rich", "text"]


def render(report: Report) -> str:
    facts = gather_facts(report)
    lines = header_section(facts)
    if not facts.sections:
        lines += [facts.t("no_task"), ""]
        lines += verdict_section(facts)
        return "\n".join(lines) + "\n"
    lines += policy_section(facts)
    lines += [f"## {facts.t('scripts')}", ""]
    for section in facts.sections:
        lines += script_section(facts, section)
    lines += guarantees_section(facts)
    lines += summary_section(facts)
    lines += attention_section(facts)
    lines += optimal_order_section(facts)
    lines += verdict_section(facts)
    return "\n".join(lines) + "\n"
