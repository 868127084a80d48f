"""gitlab: GitLab CI (`.gitlab-ci.yml`).

A job's `before_script` and `script` lines run in one shell, in order, as GitLab Runner's bash
runs them (`set -eo pipefail`): a failing line fails the job. `after_script` runs in a shell of
its own and its failure does not fail the job. `default:` (or top-level) `before_script` and
`after_script` apply to jobs without their own; `extends:` and YAML anchors and merge keys bring
in a template's keys; hidden jobs (`.name`) run only through the jobs that use them.
`allow_failure: true` lets the job fail without failing the pipeline; `variables:` gives
`RAILS_ENV`.
"""

from __future__ import annotations

import orderlint.deploy.yamlnodes as y
from orderlint.deploy.host import Source, Step, literal_env
from orderlint.shell.syntax import Seq

KEYWORDS = frozenset({"default", "include", "stages", "variables", "workflow", "image", "services", "cache",
                      "before_script", "after_script", "types", "pages_root"})
RUNNER = "bash -eo pipefail"  # as GitLab Runner starts its bash shell


def _job(root, name: str, depth: int = 0) -> dict:
    """A job's keys with what `extends:` brings in (the job's own win)."""
    node = y.get(root, name)
    own = y.items(node)
    if depth > 10 or "extends" not in own:
        return dict(own)
    out: dict = {}
    for parent in y.strings(own["extends"][1]):
        out.update(_job(root, parent.value, depth + 1))
    out.update(own)
    return out


def read(src: Source, root) -> list[Step]:
    steps: list[Step] = []
    top = y.items(root)
    default = y.items(y.get(root, "default"))
    global_env = y.env_pairs(y.get(root, "variables"))
    for name in top:
        if name in KEYWORDS or name.startswith("."):
            continue
        job = _job(root, name)
        if "script" not in job:
            continue
        env = literal_env(global_env + y.env_pairs(job["variables"][1] if "variables" in job else None))
        may_fail = "allow_failure: true" if "allow_failure" in job and y.truthy(job["allow_failure"][1]) else ""
        key = top[name][0]
        before = job.get("before_script") or default.get("before_script") or top.get("before_script")
        lines = [n for part in (before, job["script"]) if part for n in y.strings(part[1])]
        if lines:
            bodies, texts = [], []
            for n in lines:
                bodies.append(src.shell(y.placed(src, n)))
                texts.append(src.last_script)
            first = bodies[0].start
            body = Seq(tuple(item for b in bodies for item in b.items), first)
            steps.append(Step(body=body, start=src.pos(src.offset(key.start_mark.line, key.start_mark.column)),
                              end_row=max(y.end_row(n) for n in lines), label="script:", group=f"job {name}",
                              errexit=True, pipefail=True, shell=RUNNER, may_fail=may_fail, env=env,
                              script="\n".join(texts), rows=tuple(r for n in lines for r in
                                                                   range(n.start_mark.line, y.end_row(n) + 1))))
        after = job.get("after_script") or default.get("after_script") or top.get("after_script")
        after_lines = y.strings(after[1]) if after else []
        if after_lines:
            bodies = [src.shell(y.placed(src, n)) for n in after_lines]
            body = Seq(tuple(item for b in bodies for item in b.items), bodies[0].start)
            steps.append(Step(body=body, start=src.pos(src.offset(after[0].start_mark.line,
                                                                   after[0].start_mark.column)),
                              end_row=max(y.end_row(n) for n in after_lines), label="after_script:",
                              group=f"job {name}", errexit=True, pipefail=True, shell=RUNNER,
                              may_fail="after_script", after_failure=True, env=env))
        for n in lines + after_lines:
            src.spans.setdefault(n.start_mark.line, y.end_row(n))
    return steps
