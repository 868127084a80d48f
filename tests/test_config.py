"""Configuration: where it is found, every key, precedence, --show-settings, every error.

Run through the CLI as a user would (`run_cli`), in throwaway projects under tmp_path, and on
the fixture trees fixtures/config-deploy (scripts in deploy/, environments named by globs, a
database model, all from pyproject.toml) and fixtures/config-policy (a four-step policy).
"""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from test_fixture_annotations import annotations

DEPLOY_APP = REPO / "fixtures" / "config-deploy"
POLICY_APP = REPO / "fixtures" / "config-policy"

QUEUE_ABORTS = """\
#!/usr/bin/env bash
set -euo pipefail
bin/rails db:migrate:primary
bin/rails db:abort_if_pending_migrations
bin/rails db:migrate:queue
"""


def project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def report(cwd: Path, *args: str) -> dict:
    proc = run_cli(*args, "--format", "json", cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return json.loads(proc.stdout)


def codes(cwd: Path, *args: str) -> Counter:
    return Counter((d["path"], d["line"], d["code"]) for d in report(cwd, *args)["diagnostics"])


def error(cwd: Path, *args: str) -> str:
    proc = run_cli(*args, cwd=cwd)
    assert proc.returncode == 2, (proc.returncode, proc.stdout.decode(), proc.stderr.decode())
    assert proc.stdout == b""
    message = proc.stderr.decode()
    assert message.startswith("orderlint: error: ") and message.count("\n") == 1, message
    return message.removeprefix("orderlint: error: ").rstrip("\n")


def expected(tree: Path, folder: str) -> Counter:
    out: Counter = Counter()
    for path in sorted((tree / folder).rglob("*.sh")):
        found, _ = annotations(path)
        for (line, code), n in found.items():
            out[(path.relative_to(tree).as_posix(), line, code)] += n
    return out


# -- done when ---------------------------------------------------------------------------------

def test_deploy_folder_and_custom_environments_from_pyproject_alone():
    """fixtures/config-deploy: `orderlint` with no argument, from the app root."""
    proc = run_cli("--format", "json", cwd=DEPLOY_APP)
    assert proc.returncode == 1, proc.stderr.decode()  # fail-level = "error", and there are errors
    data = json.loads(proc.stdout)
    assert data["files"] == ["deploy/blue/ship-release.sh", "deploy/lib/db.sh", "deploy/sandbox/reset.sh"]
    envs = {i["script"]: i["environment"] for i in data["invocations"]}
    assert envs == {"deploy/blue/ship-release.sh": "production", "deploy/sandbox/reset.sh": "development"}
    queue = {tuple(i["databases"]) for i in data["invocations"] if i["task"] == "db:reset"}
    assert queue == {("primary", "queue")}  # from the `databases` model: there is no database.yml
    actual = Counter((d["path"], d["line"], d["code"]) for d in data["diagnostics"])
    assert actual == expected(DEPLOY_APP, "deploy")
    assert not any(d["code"] == "OL002" for d in data["diagnostics"])  # the library is followed


def test_deploy_app_from_elsewhere_gives_the_same_findings():
    """Globs are relative to the config file: the same findings from the repository root."""
    data = report(REPO, "fixtures/config-deploy/deploy")
    actual = Counter((d["path"].removeprefix("fixtures/config-deploy/"), d["line"], d["code"])
                     for d in data["diagnostics"])
    assert actual == expected(DEPLOY_APP, "deploy")


def test_without_the_configuration_the_environments_are_unknown(tmp_path):
    (tmp_path / "empty.toml").write_text("")
    data = report(DEPLOY_APP, "deploy", "--config", str(tmp_path / "empty.toml"))
    assert {i["environment"] for i in data["invocations"]} == {"any"}
    assert ("deploy/sandbox/reset.sh", "OL401") in {(d["path"], d["code"]) for d in data["diagnostics"]}


def test_custom_policy_with_a_third_step_from_the_app_root():
    """fixtures/config-policy: assets after the migrations; order decided on paths."""
    data = report(POLICY_APP)
    actual = Counter((d["path"], d["line"], d["code"]) for d in data["diagnostics"])
    assert actual == expected(POLICY_APP, "ops")
    messages = [d["message"] for d in data["diagnostics"] if d["code"] == "OL101"]
    assert any(m.startswith("`assets:precompile` (asset build) can run before `db:migrate:primary` (primary "
                            "migrations, line 7") and m.endswith("; the policy runs primary migrations first")
               for m in messages), messages


def test_custom_policy_function_defined_early_called_late(tmp_path):
    project(tmp_path, {
        ".orderlint.toml": """\
            [[policy.steps]]
            name = "migrations"
            tasks = ["@migrations"]

            [[policy.steps]]
            name = "assets"
            tasks = ["assets:precompile"]

            [[policy.steps]]
            name = "cache warm-up"
            tasks = ["cache:warm"]
            """,
        "ops/release.sh": """\
            #!/usr/bin/env bash
            set -euo pipefail
            warm() { bin/rails cache:warm; }
            migrate() { bin/rails db:migrate; }
            bin/rails assets:precompile
            warm
            migrate
            """,
        "ops/ok.sh": """\
            #!/usr/bin/env bash
            set -euo pipefail
            warm() { bin/rails cache:warm; }
            bin/rails db:migrate
            bin/rails assets:precompile
            warm
            """,
    })
    found = report(tmp_path, "--select", "OL101,OL102")["diagnostics"]
    assert sorted((d["path"], d["line"]) for d in found) == [("ops/release.sh", 3), ("ops/release.sh", 5)]
    first, second = sorted(found, key=lambda d: d["line"])
    # the messages name the policy's own steps (the rest of the wording belongs to OL101)
    assert first["message"].startswith("`cache:warm` (cache warm-up) can run before `db:migrate` (migrations, ")
    assert second["message"].startswith("`assets:precompile` (assets) can run before `db:migrate` (migrations, ")
    assert all(d["message"].endswith("the policy runs migrations first") for d in found)


def test_default_policy_is_the_seeds(tmp_path):
    project(tmp_path, {".orderlint.toml": "", "ops/a.sh": "#!/bin/bash\nbin/rails assets:precompile\n"})
    out = run_cli("--show-settings", cwd=tmp_path).stdout.decode()
    assert out.split("# policy, from: default\n", 1)[1] == textwrap.dedent("""\
        [[policy.steps]]
        name = "primary migrations"
        tasks = ["@migrations"]
        database = "primary"

        [[policy.steps]]
        name = "queue migrations"
        tasks = ["@migrations"]
        database = "queue-like"

        [[policy.steps]]
        name = "seed"
        tasks = ["db:seed", "db:seed:replant"]
        """)
    assert report(tmp_path)["invocations"] == []  # assets:precompile is not tracked by the default policy


# -- finding the file --------------------------------------------------------------------------

def test_nearest_configuration_wins(tmp_path):
    project(tmp_path, {
        "pyproject.toml": "[tool.orderlint]\nignore = [\"OL202\"]\n",
        "app/pyproject.toml": "[tool.orderlint]\nignore = [\"OL104\"]\n",
        "app/ops/a.sh": QUEUE_ABORTS,
    })
    assert {c for _, _, c in codes(tmp_path, "app/ops")} == {"OL202"}
    assert {c for _, _, c in codes(tmp_path / "app", "ops")} == {"OL202"}
    assert {c for _, _, c in codes(tmp_path / "app" / "ops", "a.sh")} == {"OL202"}
    (tmp_path / "app" / "pyproject.toml").unlink()
    assert codes(tmp_path, "app/ops") == Counter()


def test_orderlint_toml_wins_over_pyproject_in_the_same_folder(tmp_path):
    project(tmp_path, {
        "pyproject.toml": "[tool.orderlint]\nignore = [\"OL202\"]\n",
        ".orderlint.toml": "fail-level = \"error\"\n",
        "ops/a.sh": QUEUE_ABORTS,
    })
    proc = run_cli(cwd=tmp_path)
    assert proc.returncode == 0 and b"OL202" in proc.stdout  # reported, below the fail level
    assert b"configuration file: .orderlint.toml" in run_cli("--show-settings", cwd=tmp_path).stdout


def test_pyproject_without_a_table_is_skipped(tmp_path):
    project(tmp_path, {
        ".orderlint.toml": "ignore = [\"OL202\"]\n",
        "app/pyproject.toml": "[project]\nname = \"app\"\n[tool.ruff]\nline-length = 100\n",
        "app/ops/a.sh": QUEUE_ABORTS,
    })
    assert codes(tmp_path / "app") == Counter()
    out = run_cli("--show-settings", cwd=tmp_path / "app").stdout.decode()
    assert "# configuration file: ../.orderlint.toml\n" in out


def test_no_configuration_at_all(tmp_path):
    project(tmp_path, {"ops/a.sh": QUEUE_ABORTS})
    out = run_cli("--show-settings", cwd=tmp_path).stdout.decode()
    assert "# configuration file: (none found)\n" in out
    assert "# from: .orderlint.toml" not in out and "pyproject" not in out


def test_config_option_replaces_the_search(tmp_path):
    project(tmp_path, {
        ".orderlint.toml": "ignore = [\"OL202\"]\n",
        "ci/strict.toml": "select = [\"OL2\"]\nfail-level = \"info\"\npaths = [\"../ops\"]\n",
        "ops/a.sh": QUEUE_ABORTS,
    })
    assert codes(tmp_path) == Counter()
    assert {c for _, _, c in codes(tmp_path, "--config", "ci/strict.toml")} == {"OL202"}
    out = run_cli("--show-settings", "--config", "ci/strict.toml", cwd=tmp_path).stdout.decode()
    assert 'paths = ["ops"]\n    # from: ci/strict.toml\n' in out


def test_config_option_with_a_pyproject(tmp_path):
    project(tmp_path, {"conf/pyproject.toml": "[tool.orderlint]\nignore = [\"OL2\"]\n", "ops/a.sh": QUEUE_ABORTS})
    assert codes(tmp_path, "--config", "conf/pyproject.toml") == Counter()


def test_stdin_uses_the_configuration_of_its_filename(tmp_path):
    project(tmp_path, {"app/.orderlint.toml": "ignore = [\"OL202\"]\n"})
    proc = run_cli("-", "--stdin-filename", "app/ops/x.sh", "--format", "json", cwd=tmp_path,
                   input=QUEUE_ABORTS.encode())
    assert json.loads(proc.stdout)["diagnostics"] == []
    proc = run_cli("-", "--stdin-filename", "other/x.sh", "--format", "json", cwd=tmp_path,
                   input=QUEUE_ABORTS.encode())
    assert [d["code"] for d in json.loads(proc.stdout)["diagnostics"]] == ["OL202"]


# -- every key ---------------------------------------------------------------------------------

def test_paths_are_relative_to_the_config_file(tmp_path):
    project(tmp_path, {
        ".orderlint.toml": "paths = [\"scripts/deploy\", \"bin/release.sh\"]\n",
        "scripts/deploy/a.sh": QUEUE_ABORTS,
        "bin/release.sh": QUEUE_ABORTS,
        "ops/ignored.sh": QUEUE_ABORTS,
    })
    assert report(tmp_path)["files"] == ["bin/release.sh", "scripts/deploy/a.sh"]
    assert report(tmp_path / "scripts")["files"] == ["../bin/release.sh", "deploy/a.sh"]
    assert report(tmp_path, "ops")["files"] == ["ops/ignored.sh"]  # command line over file


def test_missing_configured_path(tmp_path):
    project(tmp_path, {".orderlint.toml": "paths = [\"deploy\"]\n"})
    assert error(tmp_path) == "deploy: no such file or directory (from `paths` in .orderlint.toml)"
    project(tmp_path, {".orderlint.toml": ""})
    assert error(tmp_path).startswith("ops: no such file or directory (orderlint checks ops/ by default")


def test_exclude(tmp_path):
    project(tmp_path, {
        ".orderlint.toml": "exclude = [\"ops/legacy/**\", \"*.bak.sh\"]\n",
        "ops/a.sh": QUEUE_ABORTS,
        "ops/legacy/old.sh": QUEUE_ABORTS,
        "ops/b.bak.sh": QUEUE_ABORTS,
    })
    assert report(tmp_path)["files"] == ["ops/a.sh"]


def test_select_and_ignore(tmp_path):
    project(tmp_path, {
        ".orderlint.toml": "select = [\"OL2\", \"OL3\"]\nignore = [\"OL203\", \"ol301\"]\n",
        "ops/a.sh": """\
            #!/usr/bin/env bash
            set -euo pipefail
            bin/rails db:seed
            bin/rails db:migrate:primary
            bin/rails db:migrate:queue
            bin/rails db:migrate:queue || true
            """,
    })
    assert {c for _, _, c in codes(tmp_path)} == {"OL202"}
    assert {c for _, _, c in codes(tmp_path, "--select", "ALL")} >= {"OL102", "OL202", "OL203"}


def test_per_file_ignores(tmp_path):
    project(tmp_path, {
        ".orderlint.toml": """\
            [per-file-ignores]
            "ops/dev/**" = ["OL2"]
            "legacy.sh" = ["OL202"]
            """,
        "ops/dev/a.sh": QUEUE_ABORTS,
        "ops/b.sh": QUEUE_ABORTS,
        "ops/old/legacy.sh": QUEUE_ABORTS,
        "ops/vendor-x/c.sh": QUEUE_ABORTS,
    })
    (tmp_path / ".orderlint.toml").write_text((tmp_path / ".orderlint.toml").read_text()
                                              + '"ops/vendor-x/*" = ["ALL"]\n')
    assert codes(tmp_path) == Counter({("ops/b.sh", 5, "OL202"): 1})
    # anchored at the config folder, whatever the current directory
    assert codes(tmp_path / "ops", ".") == Counter({("b.sh", 5, "OL202"): 1})


def test_fail_level(tmp_path):
    project(tmp_path, {".orderlint.toml": "fail-level = \"error\"\n", "ops/a.sh": QUEUE_ABORTS})
    assert run_cli(cwd=tmp_path).returncode == 0
    assert run_cli("--fail-level", "warning", cwd=tmp_path).returncode == 1  # command line over file
    project(tmp_path, {".orderlint.toml": "fail-level = \"info\"\n"})
    assert run_cli(cwd=tmp_path).returncode == 1


def test_severity(tmp_path):
    project(tmp_path, {".orderlint.toml": "severity = { OL202 = \"error\", OL3 = \"info\" }\n",
                       "ops/deploy.sh": QUEUE_ABORTS.replace("bin/rails db:abort_if_pending_migrations\n", "")})
    found = {d["code"]: d["severity"] for d in report(tmp_path)["diagnostics"]}
    assert found == {"OL202": "error", "OL301": "info"}
    assert run_cli(cwd=tmp_path).returncode == 1
    assert run_cli("--ignore", "OL202", cwd=tmp_path).returncode == 0  # OL301 is only info now


def test_environments(tmp_path):
    project(tmp_path, {
        ".orderlint.toml": """\
            [environments]
            "scripts/blue/**" = "production"
            "*-sandbox.sh" = "dev"
            """,
        "scripts/blue/reset.sh": "#!/bin/bash\nbin/rails db:reset\n",
        "scripts/green/reset-sandbox.sh": "#!/bin/bash\nbin/rails db:reset\n",
        "scripts/green/reset.sh": "#!/bin/bash\nbin/rails db:reset\n",
    })
    data = report(tmp_path, "scripts")
    assert {i["script"]: i["environment"] for i in data["invocations"]} == {
        "scripts/blue/reset.sh": "production", "scripts/green/reset-sandbox.sh": "development",
        "scripts/green/reset.sh": "any"}
    assert sorted(d["path"] for d in data["diagnostics"] if d["code"] == "OL401") == [
        "scripts/blue/reset.sh", "scripts/green/reset.sh"]


def test_database_yml_is_relative_to_the_config_file(tmp_path):
    project(tmp_path, {
        ".orderlint.toml": "database-yml = \"app/config/db.yml\"\n",
        "app/config/db.yml": """\
            production:
              primary: { adapter: postgresql }
              jobs: { adapter: sqlite3, database: storage/jobs.sqlite3 }
            """,
        "ops/production/reset.sh": "#!/bin/bash\nbin/rails db:migrate\n",
    })
    data = report(tmp_path / "ops", ".")  # from a subfolder: still relative to the config file
    assert [i["databases"] for i in data["invocations"]] == [["primary", "jobs"]]


def test_databases_model(tmp_path):
    project(tmp_path, {
        ".orderlint.toml": """\
            [databases.production]
            primary = { adapter = "postgresql" }
            queue = { adapter = "sqlite3", database = "storage/queue.sqlite3" }
            cache = { adapter = "sqlite3", database_tasks = false }
            [databases]
            dev = ["primary"]
            """,
        "ops/production/migrate.sh": "#!/bin/bash\nset -e\nbin/rails db:migrate\n",
        "ops/dev/migrate.sh": "#!/bin/bash\nset -e\nbin/rails db:migrate\nbin/rails db:migrate:queue\n",
    })
    data = report(tmp_path)
    touched = {(i["script"], i["task"]): i["databases"] for i in data["invocations"]}
    assert touched[("ops/production/migrate.sh", "db:migrate")] == ["primary", "queue"]
    assert touched[("ops/dev/migrate.sh", "db:migrate")] == ["primary"]
    assert ("ops/dev/migrate.sh", 4, "OL402") in {(d["path"], d["line"], d["code"]) for d in data["diagnostics"]}


def test_rails_version_and_deploy_scripts(tmp_path):
    project(tmp_path, {
        ".orderlint.toml": "rails-version = \"7.1\"\ndeploy-scripts = [\"ship*\", \"ops/release/*.sh\"]\n",
        "ops/ship.sh": "#!/bin/bash\nset -e\nbin/rails db:migrate\n",
        "ops/release/go.sh": "#!/bin/bash\nset -e\nbin/rails db:migrate\n",
        "ops/deploy.sh": "#!/bin/bash\nset -e\nbin/rails db:migrate\n",
    })
    found = {d["path"] for d in report(tmp_path, "--select", "OL301")["diagnostics"]}
    assert found == {"ops/ship.sh", "ops/release/go.sh"}
    out = run_cli("--show-settings", cwd=tmp_path).stdout.decode()
    assert 'rails-version = "7.1"\n    # from: .orderlint.toml\n' in out


def test_policy_step_on_a_named_database(tmp_path):
    project(tmp_path, {
        ".orderlint.toml": """\
            [[policy.steps]]
            name = "primary"
            tasks = ["@migrations"]
            database = "primary"

            [[policy.steps]]
            name = "analytics schema"
            tasks = ["@migrations"]
            database = "analytics"
            """,
        "ops/a.sh": "#!/bin/bash\nset -e\nbin/rails db:migrate:analytics\nbin/rails db:migrate:primary\n",
    })
    found = report(tmp_path, "--select", "OL101")["diagnostics"]
    assert [d["line"] for d in found] == [3]
    assert found[0]["message"].startswith("`db:migrate:analytics` (analytics schema) can run before "
                                          "`db:migrate:primary` (primary, line 4")


# -- precedence and --show-settings --------------------------------------------------------------

def test_cli_select_restarts_the_selection(tmp_path):
    project(tmp_path, {".orderlint.toml": "select = [\"OL1\"]\nignore = [\"OL202\"]\n", "ops/a.sh": QUEUE_ABORTS})
    assert codes(tmp_path) == Counter()
    assert {c for _, _, c in codes(tmp_path, "--select", "OL202")} == {"OL202"}
    assert codes(tmp_path, "--select", "OL2", "--ignore", "OL202") == Counter()


def test_cli_ignore_adds_to_the_files(tmp_path):
    project(tmp_path, {".orderlint.toml": "ignore = [\"OL104\"]\n", "ops/a.sh": QUEUE_ABORTS})
    assert {c for _, _, c in codes(tmp_path)} == {"OL202"}
    assert codes(tmp_path, "--ignore", "OL202") == Counter()
    out = run_cli("--show-settings", "--ignore", "OL202", cwd=tmp_path).stdout.decode()
    assert 'ignore = ["OL104", "OL202"]\n    # from: .orderlint.toml + command line\n' in out


def test_show_settings_names_where_each_value_came_from(tmp_path):
    project(tmp_path, {
        "pyproject.toml": """\
            [project]
            name = "app"

            [tool.orderlint]
            paths = ["deploy"]
            fail-level = "error"
            environments = { "deploy/live/**" = "production" }
            severity = { OL202 = "info" }

            [[tool.orderlint.policy.steps]]
            name = "migrations"
            tasks = ["@migrations"]

            [[tool.orderlint.policy.steps]]
            name = "assets"
            tasks = ["assets:precompile"]
            """,
    })
    proc = run_cli("--show-settings", "--fail-level", "info", "--no-suppressions", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == b""
    assert proc.stdout.decode() == textwrap.dedent("""\
        # orderlint: resolved settings
        # configuration file: pyproject.toml
        # paths and globs are shown relative to the current directory

        paths = ["deploy"]
            # from: pyproject.toml
        exclude = []
            # from: default
        select = []
            # from: default  (empty: every rule)
        ignore = []
            # from: default
        per-file-ignores = {}
            # from: default
        fail-level = "info"
            # from: command line
        severity = {
            "OL202" = "info",
        }
            # from: pyproject.toml
        environments = {
            "deploy/live/**" = "production",
        }
            # from: pyproject.toml
        database-yml = (none: the nearest config/database.yml)
            # from: default
        databases = (none: read from database.yml, else inferred from the scripts)
            # from: default
        roles = (none: by name, migrations_paths and the Solid configuration)
            # from: default
        rails-version = (none: read from Gemfile.lock)
            # from: default
        deploy-scripts = ["deploy*"]
            # from: default
        launchers = []
            # from: default
        fix = false
            # from: default
        unsafe-fixes = false
            # from: default
        suppressions = false
            # from: command line  (--no-suppressions: `# orderlint: disable` directives are ignored)

        # policy, from: pyproject.toml
        [[policy.steps]]
        name = "migrations"
        tasks = ["@migrations"]

        [[policy.steps]]
        name = "assets"
        tasks = ["assets:precompile"]
        """)
    again = run_cli("--show-settings", "--fail-level", "info", "--no-suppressions", cwd=tmp_path)
    assert again.stdout == proc.stdout


def test_show_settings_from_a_subfolder_shows_paths_from_there(tmp_path):
    project(tmp_path, {".orderlint.toml": "paths = [\"deploy\"]\ndatabase-yml = \"config/database.yml\"\n"
                                          "[environments]\n\"deploy/live/**\" = \"production\"\n",
                       "config/database.yml": "production: {primary: {adapter: postgresql}}\n",
                       "deploy/live/a.sh": QUEUE_ABORTS})
    out = run_cli("--show-settings", cwd=tmp_path / "deploy").stdout.decode()
    assert 'paths = [".."]' not in out
    assert 'paths = ["."]\n' in out
    assert 'database-yml = "../config/database.yml"\n' in out
    assert '"live/**" = "production",' in out
    assert "# configuration file: ../.orderlint.toml\n" in out


# -- errors --------------------------------------------------------------------------------------

def write_config(tmp_path: Path, text: str, name: str = ".orderlint.toml") -> Path:
    (tmp_path / "ops").mkdir(exist_ok=True)
    (tmp_path / "ops" / "a.sh").write_text(QUEUE_ABORTS)
    (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


def test_unknown_key_in_pyproject(tmp_path):
    write_config(tmp_path, "[tool.orderlint]\nfail_levle = \"error\"\n", "pyproject.toml")
    assert error(tmp_path) == ("pyproject.toml: unknown key 'fail_levle' in [tool.orderlint]; "
                               "did you mean 'fail-level'?")


ERRORS = [
    ("selct = []", ".orderlint.toml: unknown key 'selct' in the top level; did you mean 'select'?"),
    ("colour = true", ".orderlint.toml: unknown key 'colour' in the top level"),
    ("per_file_ignores = {}", ".orderlint.toml: unknown key 'per_file_ignores' in the top level; "
                              "did you mean 'per-file-ignores'?"),
    ("[tool.orderlint]\nselect = []", ".orderlint.toml: unknown key 'tool' in the top level (keys are top-level "
                                      "in .orderlint.toml, without [tool.orderlint])"),
    ("select = [\"OL209\"]", ".orderlint.toml: unknown rule code 'OL209' in 'select'; did you mean 'OL203'?"),
    ("ignore = [\"queue-failure-aborts\"]", ".orderlint.toml: unknown rule code 'queue-failure-aborts' in "
                                            "'ignore'; did you mean 'OL202'?"),
    ("ignore = [\"OL9\"]", ".orderlint.toml: unknown rule code 'OL9' in 'ignore'"),
    ("per-file-ignores = { \"ops/*\" = [\"OL2O2\"] }", ".orderlint.toml: unknown rule code 'OL2O2' in "
                                                       "'per-file-ignores.\"ops/*\"'; did you mean 'OL202'?"),
    ("severity = { OL777 = \"error\" }", ".orderlint.toml: unknown rule code 'OL777' in 'severity'"),
    ("severity = { OL202 = \"eror\" }", ".orderlint.toml: 'severity.OL202' must be one of info, warning, error, "
                                        "not 'eror'; did you mean 'error'?"),
    ("select = \"OL2\"", ".orderlint.toml: 'select' must be an array of rule codes, not a string"),
    ("ignore = [\"OL2\", 3]", ".orderlint.toml: 'ignore' must be an array of rule codes, not an array with "
                              "an integer"),
    ("paths = \"deploy\"", ".orderlint.toml: 'paths' must be an array of paths, not a string"),
    ("exclude = [\"\"]", ".orderlint.toml: 'exclude' must be an array of globs, not an array with an empty "
                         "string"),
    ("fail-level = \"fatal\"", ".orderlint.toml: 'fail-level' must be one of info, warning, error, not 'fatal'"),
    ("fail-level = 2", ".orderlint.toml: 'fail-level' must be one of info, warning, error, not an integer"),
    ("per-file-ignores = [\"ops/*\"]", ".orderlint.toml: 'per-file-ignores' must be a table of glob → array of "
                                       "rule codes, not an array"),
    ("severity = \"error\"", ".orderlint.toml: 'severity' must be a table of rule code → info, warning or error, "
                             "not a string"),
    ("environments = [\"ops/prod/*\"]", ".orderlint.toml: 'environments' must be a table of glob → environment, "
                                        "not an array"),
    ("environments = { \"ops/x/*\" = 1 }", ".orderlint.toml: 'environments.\"ops/x/*\"' must be an environment "
                                           "name such as \"production\", not an integer"),
    ("database-yml = 1", ".orderlint.toml: 'database-yml' must be a path, not an integer"),
    ("database-yml = \"config/db.yml\"", ".orderlint.toml: 'database-yml': config/db.yml does not exist"),
    ("databases = [\"primary\"]", ".orderlint.toml: 'databases' must be a table of environment → database name → "
                                  "settings, not an array"),
    ("databases = { production = \"primary\" }", ".orderlint.toml: 'databases.production' must be a table of "
                                                 "database name → settings, not a string"),
    ("databases = { production = { queue = \"sqlite3\" } }", ".orderlint.toml: 'databases.production.queue' must "
                                                             "be a table such as { adapter = \"postgresql\" }, "
                                                             "not a string"),
    ("databases = { production = { queue = { adaptor = \"sqlite3\" } } }",
     ".orderlint.toml: unknown key 'adaptor' in [databases.production.queue]; did you mean 'adapter'?"),
    ("databases = { production = { queue = { replica = \"yes\" } } }",
     ".orderlint.toml: 'databases.production.queue.replica' must be a boolean, not a string"),
    ("databases = { prod = [\"primary\"], production = [\"primary\"] }",
     ".orderlint.toml: 'databases': 'prod' and 'production' are the same environment"),
    ("rails-version = 7.1", ".orderlint.toml: 'rails-version' must be a string such as \"7.1\", not a number"),
    ("rails-version = \"seven\"", ".orderlint.toml: 'rails-version' must be a version such as \"7.1\", "
                                  "not 'seven'"),
    ("deploy-scripts = \"deploy*\"", ".orderlint.toml: 'deploy-scripts' must be an array of globs, not a string"),
    ("launchers = \"zammad run\"", ".orderlint.toml: 'launchers' must be an array of command prefixes such as "
                                    "\"zammad run\", not a string"),
    ("launchers = [\"\"]", ".orderlint.toml: 'launchers' must be an array of command prefixes such as "
                           "\"zammad run\", not an array with an empty string"),
    ("launchers = [\"with-env $APP\"]", ".orderlint.toml: 'launchers': 'with-env $APP' must be plain command words "
                                        "such as \"zammad run\" (no quotes, variables or shell operators), not '$APP'"),
    ("policy = []", ".orderlint.toml: 'policy' must be a table with `steps`, not an array"),
    ("[policy]\norder = []", ".orderlint.toml: unknown key 'order' in [policy]"),
    ("[policy]\n", ".orderlint.toml: 'policy' needs `steps`: an array of tables ([[tool.orderlint.policy.steps]]) "
                   "with name, tasks and optional database"),
    ("[policy]\nsteps = []", ".orderlint.toml: 'policy.steps' must be a non-empty array of tables, not an empty "
                             "array"),
    ("[[policy.steps]]\nname = \"a\"\ntask = [\"db:migrate\"]",
     ".orderlint.toml: unknown key 'task' in [policy.steps] (step 1); did you mean 'tasks'?"),
    ("[[policy.steps]]\nname = \"a\"", ".orderlint.toml: 'policy.steps' step 1 needs 'tasks'"),
    ("[[policy.steps]]\ntasks = [\"db:seed\"]", ".orderlint.toml: 'policy.steps' step 1 needs 'name'"),
    ("[[policy.steps]]\nname = \"a\"\ntasks = []", ".orderlint.toml: 'policy.steps[1].tasks' must be a non-empty "
                                                   "array of task globs (or \"@migrations\"), not an empty array"),
    ("[[policy.steps]]\nname = \"a\"\ntasks = \"db:seed\"", ".orderlint.toml: 'policy.steps[1].tasks' must be a "
                                                            "non-empty array of task globs (or \"@migrations\"), "
                                                            "not a string"),
    ("[[policy.steps]]\nname = \"a\"\ntasks = [\"@migration\"]", ".orderlint.toml: 'policy.steps[1].tasks': unknown "
                                                                 "task group '@migration'; did you mean "
                                                                 "'@migrations'?"),
    ("[[policy.steps]]\nname = \"a\"\ntasks = [\"db:seed\"]\ndatabase = 1",
     ".orderlint.toml: 'policy.steps[1].database' must be a string: primary, secondary, queue-like or a database name, "
     "not an integer"),
    ("[[policy.steps]]\nname = \"a\"\ntasks = [\"db:seed\"]\n[[policy.steps]]\nname = \"a\"\ntasks = [\"x\"]",
     ".orderlint.toml: 'policy.steps': two steps are named 'a'"),
    ("select = [\"OL2\"\nignore = []", ".orderlint.toml:2:1: invalid TOML: unclosed array"),
    ("fail-level = error", ".orderlint.toml:1:14: invalid TOML: invalid value"),
]


@pytest.mark.parametrize("text,message", ERRORS, ids=[m.split(": ", 1)[1][:60] for _, m in ERRORS])
def test_configuration_errors(tmp_path, text, message):
    write_config(tmp_path, text + "\n")
    assert error(tmp_path) == message


def test_malformed_toml_names_the_file_and_line(tmp_path):
    write_config(tmp_path, "[tool.orderlint]\nselect = [\"OL2\"]\nfail-level = \n", "pyproject.toml")
    assert error(tmp_path) == "pyproject.toml:3:14: invalid TOML: invalid value"
    assert error(tmp_path / "ops").startswith("../pyproject.toml:3:14: ")


def test_errors_in_the_file_given_with_config(tmp_path):
    write_config(tmp_path, "")
    assert error(tmp_path, "--config", "nope.toml") == "nope.toml: no such configuration file (given with --config)"
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "pyproject.toml").write_text("[project]\nname = \"x\"\n")
    assert error(tmp_path, "--config", "other/pyproject.toml") == "other/pyproject.toml: no [tool.orderlint] table"
    (tmp_path / "bad.toml").write_text("ignore = [\"OL2\"]\nfail-level = \"loud\"\n")
    assert error(tmp_path, "--config", "bad.toml") == ("bad.toml: 'fail-level' must be one of info, warning, error, "
                                                       "not 'loud'")


@pytest.mark.parametrize("args,message", [
    (("--select", "OL29"), "--select: unknown rule code 'OL29'"),
    (("--ignore", "OL2O1"), "--ignore: unknown rule code 'OL2O1'; did you mean 'OL201'?"),
    (("--fail-level", "loud"), "--fail-level: unknown severity 'loud' (expected info, warning or error)"),
])
def test_command_line_errors(tmp_path, args, message):
    write_config(tmp_path, "")
    assert error(tmp_path, *args) == message


def test_errors_even_with_show_settings(tmp_path):
    write_config(tmp_path, "fail-levle = \"error\"\n")
    assert error(tmp_path, "--show-settings") == (".orderlint.toml: unknown key 'fail-levle' in the top level; "
                                                  "did you mean 'fail-level'?")


def test_the_readme_example_is_valid(tmp_path):
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    project(tmp_path, {"pyproject.toml": example, "config/database.yml": "production: {}\n"})
    proc = run_cli("--show-settings", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    assert 'name = "asset build"' in out and '"OL501" = "error"' in out
