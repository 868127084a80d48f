"""Messages that say exactly what orderlint knows: an OL002 path chosen between literals, and
OL501's advice without an "elsewhere" that cannot happen."""

from __future__ import annotations

import json

import pytest

from conftest import project_tree, run_cli

CHOSEN_ENV_FILE = b"""#!/bin/bash
set -e
if [ -n "$CI" ]; then
  ENV_FILE=config/ci.env
else
  ENV_FILE="config/local.env"
fi
source "${ENV_FILE}"
BUILT=$(pwd)/more.env
. "$BUILT"
"""


@pytest.mark.parametrize("lang,first,second", [
    ("en", "`\"${ENV_FILE}\"` is not followed: `ENV_FILE` is one of several literal paths, chosen at run time: "
           "`config/ci.env` or `config/local.env`",
     "`\"$BUILT\"` is not followed: its path is not a literal"),
    ("fr", "`\"${ENV_FILE}\"` n'est pas suivi : `ENV_FILE` est l'un de plusieurs chemins littéraux, choisi à "
           "l'exécution : `config/ci.env` ou `config/local.env`",
     "`\"$BUILT\"` n'est pas suivi : son chemin n'est pas littéral"),
])
def test_a_source_path_chosen_between_literals(tmp_path, lang, first, second):
    root = project_tree(tmp_path, {"ops/run.sh": CHOSEN_ENV_FILE, "config/ci.env": b"A=1\n",
                                   "config/local.env": b"A=2\n"})
    if lang == "en":
        proc = run_cli("ops", "--format", "json", "--no-cache", cwd=root)
        messages = [(d["line"], d["message"]) for d in json.loads(proc.stdout)["diagnostics"]]
        assert messages == [(8, first), (10, second)]
    else:
        proc = run_cli("ops", "--format", "markdown", "--lang", "fr", "--no-cache", cwd=root)
        text = proc.stdout.decode()
        assert first in text and second in text


DATABASE_YML = """
shared: &shared
  adapter: postgresql
{envs}
"""
ENV = """{name}:
  primary:
    <<: *shared
    database: app_{name}
  queue:
    <<: *shared
    database: app_{name}_queue
    migrations_paths: db/queue_migrate
"""


def _ol501(tmp_path, names: list[str], extra: str = "") -> str:
    yml = DATABASE_YML.format(envs="".join(ENV.format(name=n) for n in names)) + extra
    root = project_tree(tmp_path, {"config/database.yml": yml.encode(),
                                   "ops/migrate.sh": b"#!/bin/bash\nset -e\nbin/rails db:migrate\n"})
    proc = run_cli("ops", "--format", "json", "--no-cache", cwd=root)
    [message] = [d["message"] for d in json.loads(proc.stdout)["diagnostics"] if d["code"] == "OL501"]
    return message


def test_no_elsewhere_when_every_environment_has_the_queue(tmp_path):
    message = _ol501(tmp_path, ["development", "test", "staging", "production"],
                     "settings: &settings\n  variables:\n    statement_timeout: 5s\n"
                     "more:\n  <<: *settings\n")
    assert message.endswith("; use `db:migrate:primary`")


def test_elsewhere_when_an_environment_has_only_the_primary(tmp_path):
    message = _ol501(tmp_path, ["staging", "production"], "development:\n  <<: *shared\n  database: app_dev\n")
    assert message.endswith("in staging or production use `db:migrate:primary` "
                            "(elsewhere `db:migrate` acts on `primary` alone)")
