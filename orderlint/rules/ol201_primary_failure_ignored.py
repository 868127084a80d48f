from orderlint.messages import Message
from orderlint.flow import SILENT, WARNS
from orderlint.model import Severity
from orderlint.rules import Finding, Rule, related, where
from orderlint.rules._failure import changes_database, destructive_fallback, falls_back, verifies_a_migration


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
            yield Finding.at(inv, message)

