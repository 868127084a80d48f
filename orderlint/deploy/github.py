"""github: GitHub Actions workflows (`.github/workflows/*.yml`).

Each job's `run:` steps run in order, each in its own shell: `bash -e {0}` when no shell is
named (Linux runners), `bash --noprofile --norc -eo pipefail {0}` for `shell: bash`, `sh -e {0}`
for `shell: sh`, a custom template's own flags; `defaults.run.shell` of the workflow or job.
A failing step fails the job and the steps after it do not run, except `if: always()` /
`failure()` ones; `continue-on-error: true` lets a step fail without failing the job; any other
`if:` may skip it. `env:` of the workflow, job and step gives the variables (`RAILS_ENV`).
`${{ … }}` expressions stand for unknown values.
"""

from __future__ import annotations

import re

import orderlint.deploy.yamlnodes as y
from orderlint.deploy.host import Source, Step, literal_env

SHELLS = {
    "": ("bash -e {0}", True, False),
    "bash": ("bash --noprofile --norc -eo pipefail {0}", True, True),
    "sh": ("sh -e {0}", True, False),
}
SUCCESS = re.compile(r"^\s*(?:\$\{\{\s*)?(?:success\(\)|true)?(?:\s*\}\})?\s*$")
AFTER_FAILURE = re.compile(r"\b(?:always|failure)\(\)|!\s*cancelled\(\)")


def shell_rules(template: str) -> tuple[str, bool, bool] | None:
    """(how it starts, errexit, pipefail) of a `shell:` value; None when it is no sh/bash."""
    name = template.strip()
    if name in SHELLS:
        return SHELLS[name]
    words = name.split()
    if not words or words[0].rsplit("/", 1)[-1] not in ("bash", "sh", "dash"):
        return None
    errexit = pipefail = False
    for i, w in enumerate(words[1:], 1):
        if w.startswith("-") and not w.startswith("--"):
            errexit = errexit or "e" in w[1:]
            if "o" in w[1:] and i + 1 < len(words):
                errexit = errexit or words[i + 1] == "errexit"
                pipefail = pipefail or words[i + 1] == "pipefail"
    return name, errexit, pipefail


def _default_shell(node, key: str = "shell") -> str | None:
    return y.text(y.get(y.get(y.get(node, "defaults"), "run"), key))


def read(src: Source, root) -> list[Step]:
    steps: list[Step] = []
    workflow_env = y.env_pairs(y.get(root, "env"))
    workflow_shell = _default_shell(root)
    jobs = y.get(root, "jobs")
    for job_name, (_, job) in y.items(jobs).items():
        if not y.is_map(job):
            continue
        job_env = workflow_env + y.env_pairs(y.get(job, "env"))
        runs_on = y.text(y.get(job, "runs-on")) or ""
        job_shell = _default_shell(job) or workflow_shell
        job_dir = _default_shell(job, "working-directory") or _default_shell(root, "working-directory") or ""
        if job_shell is None and "windows" in runs_on.lower():
            job_shell = "pwsh"
        body = y.get(job, "steps")
        for step in (body.value if y.is_seq(body) else ()):
            run = y.get(step, "run")
            if run is None or y.text(run) is None:
                continue
            shell = y.text(y.get(step, "shell")) or job_shell or ""
            rules = shell_rules(shell)
            if rules is None:
                continue  # pwsh, python, cmd: no shell of orderlint's
            how, errexit, pipefail = rules
            condition = y.text(y.get(step, "if")) or ""
            key = next(k for k, (_, v) in y.items(step).items() if v is run)
            key_node = y.items(step)[key][0]
            start = src.pos(src.offset(key_node.start_mark.line, key_node.start_mark.column))
            body = src.shell(y.placed(src, run), expressions=True)
            steps.append(Step(
                body=body, start=start, end_row=y.end_row(run), script=src.last_script,
                label="run:", group=f"job {job_name}", errexit=errexit, pipefail=pipefail, shell=how,
                may_fail="continue-on-error: true" if y.truthy(y.get(step, "continue-on-error")) else "",
                cwd=y.text(y.get(step, "working-directory")) or job_dir,
                conditional=not SUCCESS.match(condition), after_failure=bool(AFTER_FAILURE.search(condition)),
                env=literal_env(job_env + y.env_pairs(y.get(step, "env")))))
            src.spans[step.start_mark.line] = y.end_row(step)
            src.spans[start.row] = y.end_row(run)
    return steps
