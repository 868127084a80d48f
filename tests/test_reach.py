"""Scripts that name no Rails command are walked once (orderlint.flow.reach), not path by path.

What a user sees must not change: a task reached through a sourced file or another script is
found with its verdict, and what cannot be followed is still reported (OL002).
"""

from __future__ import annotations

from pathlib import Path

from conftest import json_report


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / ".git").mkdir()
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_a_task_behind_two_sourced_files_is_found(tmp_path):
    root = project(tmp_path, {
        "ops/deploy.sh": '#!/bin/bash\nset -e\nHERE="$(dirname "$0")"\n. "$HERE/lib/helpers.sh"\n'
                         'say "deploying"\nmigrate_all\n',
        "ops/lib/helpers.sh": 'say() { echo "$*"; }\nsource "$(dirname "${BASH_SOURCE[0]}")/db.sh"\n',
        "ops/lib/db.sh": "migrate_all() {\n  bin/rails db:migrate\n}\n",
    })
    report = json_report("ops", cwd=str(root))
    tasks = [(i["path"], i["line"], i["task"], i["on_failure"], i["script"]) for i in report["invocations"]]
    assert tasks == [("ops/lib/db.sh", 2, "db:migrate", "aborts", "ops/deploy.sh")]


def test_a_task_in_a_child_script_is_found(tmp_path):
    root = project(tmp_path, {
        "ops/release.sh": "#!/bin/bash\necho start\n./ops/steps/migrate.sh || echo 'migration failed' >&2\n",
        "ops/steps/migrate.sh": "#!/bin/bash\nbin/rails db:migrate\n",
    })
    report = json_report("ops", cwd=str(root))
    found = {(i["script"], i["task"], i["on_failure"]) for i in report["invocations"]}
    assert ("ops/release.sh", "db:migrate", "continues-with-warning") in found


def test_what_cannot_be_followed_is_still_reported(tmp_path):
    root = project(tmp_path, {
        "ops/backup.sh": '#!/bin/bash\n. "$CONFIG_FILE"\nsource ./ops/missing.sh\npg_dump app > backup.sql\n',
    })
    report = json_report("ops", cwd=str(root))
    notes = sorted((d["line"], d["code"]) for d in report["diagnostics"])
    assert notes == [(2, "OL002"), (3, "OL002")]
    assert report["invocations"] == []


def test_mentions_in_comments_and_messages_run_nothing(tmp_path):
    root = project(tmp_path, {
        "ops/notes.sh": "#!/bin/bash\n# run ./configure first, then make.sh\necho 'see ./setup.sh'\n",
    })
    report = json_report("ops", cwd=str(root))
    assert report["invocations"] == [] and report["diagnostics"] == []


def test_a_path_relative_to_the_project_root_is_followed(tmp_path):
    """bash reads `source ops/lib/db.sh` from the current directory: the root, where ops run."""
    root = project(tmp_path, {
        "ops/deploy.sh": "#!/bin/bash\nset -e\nsource ops/lib/db.sh\nmigrate_all\n",
        "ops/lib/db.sh": "migrate_all() {\n  bin/rails db:migrate\n}\n",
    })
    report = json_report("ops", cwd=str(root))
    assert [(i["task"], i["on_failure"]) for i in report["invocations"]] == [("db:migrate", "aborts")]
    assert not [d for d in report["diagnostics"] if d["code"] == "OL002"]


def test_what_follows_a_return_is_not_walked(tmp_path):
    root = project(tmp_path, {
        "ops/tidy.sh": "#!/bin/bash\nload() {\n  return 0\n  source ./ops/missing.sh\n}\nload\n"
                       "source ./ops/also-missing.sh\n",
    })
    report = json_report("ops", cwd=str(root))
    assert [(d["line"], d["code"]) for d in report["diagnostics"]] == [(7, "OL002")]
