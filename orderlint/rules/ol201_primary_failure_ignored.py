import re

from orderlint.messages import Message
from orderlint.flow import SILENT, WARNS
from orderlint.model import Severity
from orderlint.rules import Finding, Rule, related, where
from orderlint.rules._failure import changes_database, destructive_fallback, falls_back, verifies_a_migration
from orderlint.rules._fix import SAFE, UNSAFE, append_handler, errexit_written, make, replace, site_of, source_of


def effect(base: str) -> str:
    """What a destructive fallback does to the data, as a message id."""
    if base in ("db:drop", "db:drop:_unsafe", "db:drop:all", "db:purge", "db:purge:all"):
        return "OL201.effect-deletes"
    if base in ("db:truncate_all", "db:seed:replant"):
        return "OL201.effect-empties"
    return "OL201.effect-reloads"


def wipes_data(env, wiper) -> bool:
    """Can the destructive fallback really run where it matters? Not in development or test
    (there it is the setup idiom), not in production unless the environment check is disabled
    (Rails refuses to drop or reload a production database)."""
    if wiper.disables_env_check and env.may_be("production"):
        return True
    if env.only is None:
        return True
    return bool(env.only - {"development", "test", "production"} - env.excluded)


class PrimaryFailureIgnored(Rule):
    """## What it does
    Reports a task on the primary database (`db:migrate`, `db:seed`, `db:prepare`, …) whose
    failure does not stop the script, and says why: `|| true`, no `set -e`, errexit ignored
    because the function is called from an `if` or an `&&`/`||` list, a pipeline without
    `pipefail`, `local x=$(…)`, a background `&`, `heroku run` without `--exit-code`…

    A failure handled by a fallback that itself stops the script on failure (`db:reset`
    failing over to `db:migrate`) is not reported, unless that fallback destroys or reloads
    the database (`db:migrate || db:setup`, `|| db:schema:load`, `|| db:reset`) in a script
    that can run in an environment Rails does not protect (staging, any environment but
    development, test and production; production too when the check is disabled): then the
    failure's consequence is an empty schema loaded over the data, and that is the finding. A failure orderlint cannot follow is
    never reported.

    ## Why is this bad?
    The deploy goes on with a schema that does not match the code: the new release boots,
    then fails on every request that touches the missing column. The primary database is
    blocking: if its migration fails, the script must stop.

    ## Fix safety
    Fixable where the cause is certain. `heroku run` gets `--exit-code`; `|| true` (or `|| :`)
    after the task becomes `|| exit 1`; `local out=$(…)` is split into `local out; out=$(…)`
    (with `|| exit 1` where the script never enables errexit).
    These are safe: the script does what it did whenever the task succeeds. Where the
    script never enables errexit, the fix adds `set -e` after the shebang: unsafe, since
    every other command that fails then stops the script too (`--unsafe-fixes`).

    ## Example
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    migrate() {
      bin/rails db:migrate
      echo "migrated"
    }
    if migrate; then
      echo "deploy done"
    fi
    ```

    ## Use instead
    ```bash
    #!/usr/bin/env bash
    set -euo pipefail
    migrate() {
      bin/rails db:migrate
      echo "migrated"
    }
    migrate
    echo "deploy done"
    ```
    """

    code = "OL201"
    name = "primary-failure-ignored"
    severity = Severity.ERROR
    summary = "a failing primary-database task does not stop the script"
    fixable = "safe or unsafe"

    def check(self, script):
        for inv in script.invocations:
            if not inv.touches_primary or not changes_database(inv) or inv.on_failure not in (SILENT, WARNS):
                continue
            wiper = destructive_fallback(script, inv)
            if wiper is not None:
                if wipes_data(inv.environment, wiper):
                    yield Finding.at(inv, Message("OL201.destructive-fallback", task=inv.task, other=wiper.task,
                                                  where=where(wiper), effect=Message(effect(wiper.base)),
                                                  guard=Message("OL201.guard-disabled" if wiper.disables_env_check
                                                                else "OL201.guard-production")),
                                     [related(wiper, Message("OL201.fallback-related", task=wiper.task))])
                continue
            if falls_back(script, inv):
                continue
            if inv.base == "db:abort_if_pending_migrations" and not verifies_a_migration(script, inv):
                continue  # a probe before migrating (`… || echo "pending, migrating"`), not the check
            how = Message("how.silently" if inv.on_failure == SILENT else "how.after-warning")
            if inv.fix:
                message = Message("OL201.message-fix", task=inv.task, how=how, reason=inv.reason, fix=inv.fix)
            else:
                message = Message("OL201.message", task=inv.task, how=how, reason=inv.reason)
            yield Finding.at(inv, message, fix=fix(script, inv))


def fix(script, inv):
    """`heroku run --exit-code`; `|| exit 1` for `|| true`; `local x; x=$(…)`; `set -e` (unsafe)."""
    why = getattr(inv.reason, "id", "")
    if why == "flow.no-errexit":
        return _errexit(script, inv)
    site = site_of(script, inv)
    if site is None:
        return None
    if why == "flow.heroku-run":
        words = site.words()
        for (_, _, first), (_, end, second) in zip(words, words[1:]):
            if first == "heroku" and second == "run":
                edits = [replace(site, (end, end), " --exit-code")]
                if not errexit_written(script):  # nothing would stop the script on the status now seen
                    stmt = site.statement()
                    edits.append(append_handler(site, stmt, "exit 1") if stmt else None)
                return make(edits, SAFE, Message("OL201.fix-exit-code"))
        return None
    if why == "flow.or-discards":
        right = site.or_discard()
        return make([replace(site, right, "exit 1")], SAFE, Message("OL201.fix-or-exit")) if right else None
    if why == "flow.declaration-masks":
        found = site.declaration()
        if found is None:
            return None
        span, builtin, name, assignment = found
        text = f"{builtin} {name}; {site.source.text(*assignment)}"
        if not errexit_written(script):
            text += " || exit 1"
        return make([replace(site, span, text)], SAFE, Message("OL201.fix-declare-then-assign", builtin=builtin,
                                                                name=name))
    return None


ERREXIT_OFF = re.compile(rb"\bset[ \t]+(?:[-+][A-Za-z]*[ \t]+)*(?:\+[A-Za-z]*e|\+o[ \t]+errexit)")


def _errexit(script, inv):
    """`set -e` right after the entry script's shebang: every unchecked failure then stops it."""
    if script.role != "entry":
        return None
    src = source_of(script, script.path)
    if src is None or src.tree.root_node.has_error or ERREXIT_OFF.search(src.data):
        return None  # a `set +e` further down would turn it off again
    at = src.line_bounds(0)[1] + 1 if src.data.startswith(b"#!") else 0
    if at > len(src.data):  # a shebang alone, without a line end
        return make([src.edit(len(src.data), len(src.data), "\nset -e")], UNSAFE, Message("OL201.fix-errexit"))
    return make([src.edit(at, at, "set -e\n")], UNSAFE, Message("OL201.fix-errexit"))

