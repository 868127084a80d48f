"""The markdown audit report: the seed document's facts, in French and English, generated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from report_support import (
    ALLOWED_TAGS,
    COMMAND_LINE,
    DATE,
    SEED,
    hostile_tree,
    html_tags,
    mermaid_blocks,
    run,
    tables,
)
from orderlint.report.markdown import code, mermaid_label, rich, text


def report(lang: str, target: str = SEED, cwd: Path = REPO, *extra: str) -> str:
    return run(target, "--format", "markdown", "--lang", lang, "--date", DATE, *extra, cwd=cwd).stdout.decode()


@pytest.fixture(scope="module")
def fr() -> str:
    return report("fr")


@pytest.fixture(scope="module")
def en() -> str:
    return report("en")


def section(doc: str, heading: str) -> str:
    """The text of the `### N. `path`` section whose heading contains `heading`."""
    parts = re.split(r"^### ", doc, flags=re.M)
    found = [p for p in parts if p.split("\n", 1)[0].find(heading) >= 0]
    assert len(found) == 1, f"no single section for {heading!r}"
    return found[0]


def step_rows(block: str) -> list[list[str]]:
    table = tables(block)[0]
    return [[c.strip() for c in row] for row in table[2:]]


# The seed document's steps: script → [(task, database, lines)]
SEED_STEPS = {
    "ops/staging/init-db.sh": [("`db:migrate`", "77"), ("`db:migrate:queue`", "95"), ("`db:seed`", "116")],
    "ops/production/init-db.sh": [("`db:migrate`", "117"), ("`db:migrate:queue`", "135"), ("`db:seed`", "144 / 153")],
    "ops/lib/database/migrations.sh": [("`db:migrate`", "225 / 229"), ("`db:migrate:status`", "257"),
                                       ("`db:migrate:queue`", "285 / 288")],
    "ops/dev/deploy.sh": [("`db:reset`", "318"), ("`db:migrate`", "320"), ("`db:migrate:queue`", "351")],
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_step_and_line_of_the_seed(lang, fr, en):
    doc = fr if lang == "fr" else en
    for script, steps in SEED_STEPS.items():
        rows = step_rows(section(doc, f"{script}`"))
        found = [(row[1], re.sub(r" \((?:retry|nouvel essai)\)", "", row[3])) for row in rows]
        assert found == steps, script


def test_databases_and_outcomes_in_the_steps(fr):
    rows = step_rows(section(fr, "staging/init-db.sh`"))
    assert rows[0][2] == "PostgreSQL + SQLite ⚠️"  # the truth: db:migrate also migrates the queue
    assert rows[1][2] == "SQLite" and rows[2][2] == "PostgreSQL"
    assert rows[0][4].startswith("⛔ arrête le script")
    assert rows[1][4].startswith("⚠️ continue après un avertissement")
    dev = step_rows(section(fr, "dev/deploy.sh`"))
    assert dev[0][4].endswith("repli sur `db:migrate` (320)")  # the fallback of the seed
    assert dev[1][0] == "↳ si échec"
    lib = step_rows(section(fr, "lib/database/migrations.sh`"))
    assert lib[1][0] == "↳ vérification"  # the post-migration check, under the primary step
    assert "285 / 288 (nouvel essai)" in lib[2][3]


def test_library_section_says_who_uses_it(fr, en):
    """The seed's "Utilisé par : `ops/deploy.sh` (staging/production)", with the line of the call."""
    lib = section(fr, "lib/database/migrations.sh`")
    assert "(fonction `apply_migrations`)" in lib.split("\n", 1)[0]
    assert "**Utilisé par** : `fixtures/seed-app/ops/deploy.sh` (Staging/Production, ligne 59)" in lib
    assert "**Used by**: `fixtures/seed-app/ops/deploy.sh` (Staging/Production, line 59)" in section(
        en, "lib/database/migrations.sh`")
    # As in the seed, ops/deploy.sh (which only calls the library) has no section of its own ...
    scripts = fr.split("## 📝", 1)[1].split("\n## ", 1)[0]
    headings = re.findall(r"^### \d+\. (.*)$", scripts, flags=re.M)
    assert [h.split("`")[1] for h in headings] == ["fixtures/seed-app/ops/lib/database/migrations.sh",
                                                   "fixtures/seed-app/ops/dev/deploy.sh",
                                                   "fixtures/seed-app/ops/production/init-db.sh",
                                                   "fixtures/seed-app/ops/staging/init-db.sh"]
    # ... is not called a file without database tasks, and is named where the order is confirmed
    assert "**Sans tâche de base de données** : `fixtures/seed-app/ops/lib/common.sh`\n" in fr
    assert ("- ✅ `fixtures/seed-app/ops/lib/database/migrations.sh` (utilisé par "
            "`fixtures/seed-app/ops/deploy.sh`)") in fr


def test_summary_table(fr, en):
    for doc, header in ((fr, ["Script", "Étape 1", "Étape 2", "Étape 3", "Environnement"]),
                        (en, ["Script", "Step 1", "Step 2", "Step 3", "Environment"])):
        summary = doc.split("## 📊", 1)[1].split("\n## ", 1)[0]
        table = tables(summary)[0]
        assert [c.strip() for c in table[0]] == header
        rows = {row[0].strip(): [c.strip() for c in row[1:]] for row in table[2:]}
        assert rows["`staging/init-db.sh`"][:3] == ["`db:migrate` (PostgreSQL + SQLite)", "`db:migrate:queue` (SQLite)",
                                                    "`db:seed` (PostgreSQL)"]
        assert rows["`dev/deploy.sh`"][:3] == ["`db:reset` (PostgreSQL + SQLite)", "`db:migrate:queue` (SQLite)", "-"]
        assert rows["`lib/database/migrations.sh`"][2] == "-"
        assert rows["`production/init-db.sh`"][3] == "Production"
        assert rows["`staging/init-db.sh`"][3] == "Staging"
        assert rows["`dev/deploy.sh`"][3] == "Development"


def test_separation_claims_of_the_seed_are_refuted_with_the_findings(fr, en):
    guarantees = fr.split("## 🔒", 1)[1].split("\n## ", 1)[0]
    postgres, sqlite = guarantees.split("### SQLite", 1)
    # "db:migrate / db:reset never touch the SQLite queue": false, and why
    assert "⚠️ SQLite — **faux** : `db:migrate` agit aussi sur elle (OL501 :" in postgres
    assert "`db:reset` l'efface (OL502 : `dev/deploy.sh`:318)" in postgres
    # the queue tasks themselves never touch PostgreSQL: true
    assert "✅ PostgreSQL : aucune tâche destinée à SQLite n'y touche (`db:migrate:queue`)" in sqlite
    assert "`storage/solid_queue.sqlite3` (Staging, Production)" in sqlite
    assert "ne survivent **pas**" in sqlite
    attention = fr.split("## ⚠️ Points", 1)[1]
    # "db:reset only touches PostgreSQL": false
    assert ("⚠️ ne touche **pas que PostgreSQL** : efface aussi SQLite (`storage/development_solid_queue.sqlite3`), "
            "les jobs en queue sont perdus (OL502 : `dev/deploy.sh`:318)") in attention
    assert "⚠️ **Mais** des tâches sans portée migrent aussi SQLite" in attention
    assert "⚠️ SQLite — **false**: `db:migrate` also acts on it (OL501:" in en
    assert "touches **not only PostgreSQL**" in en


def test_points_of_attention_carry_the_evidence(fr):
    attention = fr.split("## ⚠️ Points", 1)[1].split("\n## ", 1)[0]
    assert "`db:migrate` — `staging/init-db.sh`:77 : ⛔ arrête le script — " in attention
    assert ("`db:migrate:queue` — `staging/init-db.sh`:95 : ⚠️ continue après un avertissement — le `if` (ligne 95) "
            "gère l'échec et le script continue") in attention
    assert ("`db:migrate:queue` — `dev/deploy.sh`:351 : ⚠️ continue après un avertissement — en cas d'échec, "
            "<code>&#124;&#124; log&#95;warn") in attention
    assert "✅ `fixtures/seed-app/ops/deploy.sh` : `db:migrate:status` (`lib/database/migrations.sh`:257) après la " \
           "migration, sa sortie est examinée" in attention
    assert "couvre PostgreSQL + SQLite" in attention
    assert "✅ uniquement en développement" in attention


def test_final_verdict(fr, en):
    assert fr.rstrip().endswith("**Statut** : ⚠️ **ORDRE CONFIRMÉ — SÉPARATION NON GARANTIE**")
    assert en.rstrip().endswith("**Status**: ⚠️ **ORDER CONFIRMED — SEPARATION NOT GUARANTEED**")
    assert "**Date de validation** : 2025-12-30" in fr
    assert fr.startswith("# 📋 Ordre d'exécution — migrations PostgreSQL & SQLite\n\n**Date** : 2025-12-30")


def test_english_says_the_same(fr, en):
    """Same structure, same numbers: only the words change."""
    def shape(doc: str) -> list[str]:
        return [re.match(r"^\s*(#+|\||-|\d+\.|```|\*\*|    )?", line).group(0) for line in doc.split("\n")]

    assert shape(fr) == shape(en)
    assert re.findall(r"\d+", fr) == re.findall(r"\d+", en)
    assert re.findall(r"OL\d{3}", fr) == re.findall(r"OL\d{3}", en)
    assert fr.count("✅") == en.count("✅") and fr.count("❌") == en.count("❌") and fr.count("⚠️") == en.count("⚠️")


def test_mermaid_flowchart_per_script(fr):
    blocks = mermaid_blocks(fr)
    assert len(blocks) == 4  # deploy.sh delegates to the library's section
    staging = mermaid_blocks(section(fr, "staging/init-db.sh`"))[0]
    assert 's1["db:migrate<br/>PostgreSQL + SQLite<br/>ligne 77"]' in staging
    assert "s1 -.->|échec| halt" in staging  # aborts: the script stops
    assert "s2 -.->|échec, avertissement| s3" in staging  # warns: goes on
    assert "s3 -->|succès| done" in staging
    dev = mermaid_blocks(section(fr, "dev/deploy.sh`"))[0]
    assert "s1 -.->|échec| s1f1" in dev and "s1f1 -.->|échec| halt" in dev


def test_deterministic_and_dated_by_source_date_epoch():
    first = run(SEED, "--format", "markdown", env={"SOURCE_DATE_EPOCH": "1767052800"}).stdout
    second = run(SEED, "--format", "markdown", env={"SOURCE_DATE_EPOCH": "1767052800"}).stdout
    assert first == second
    assert b"**Date**: 2025-12-30" in first


def test_markdown_output_beside_another_format(tmp_path):
    target = tmp_path / "audit.md"
    proc = run(SEED, "--format", "json", "--markdown-output", str(target), "--lang", "fr", "--date", DATE)
    assert proc.stdout.startswith(b"{")
    assert target.read_text(encoding="utf-8") == report("fr")


def test_lang_is_checked(tmp_path):
    proc = run_cli(SEED, "--format", "markdown", "--lang", "de")
    assert proc.returncode == 2
    assert b"--lang" in proc.stderr
    from orderlint.model import OrderlintError
    from orderlint.report import Report
    from orderlint.report.markdown import render

    from orderlint.results import Results

    with pytest.raises(OrderlintError, match="unknown report language"):
        render(Report(Results(tmp_path, [], [], []), (), date=DATE, lang="de"))


@pytest.mark.parametrize("ops", sorted(str(p.relative_to(REPO)) for p in REPO.glob("fixtures/**/ops")))
def test_every_fixture_tree_renders(ops):
    for lang in ("en", "fr"):
        doc = report(lang, ops)
        assert doc.startswith("# 📋")
        for table in tables(doc):
            assert {len(row) for row in table} == {len(table[0])}


def test_monorepo_with_one_database_yml_per_app():
    doc = report("fr", "fixtures/realworld/monorepo")
    assert doc.startswith("# 📋 Ordre d'exécution — migrations PostgreSQL\n")
    guarantees = doc.split("## 🔒", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^#+ .*$", guarantees, flags=re.M) == [
        "### `fixtures/realworld/monorepo/apps/admin/config/database.yml`",
        "#### PostgreSQL — base principale (`primary`)",
        "### `fixtures/realworld/monorepo/apps/api/config/database.yml`",
        "#### primary (PostgreSQL) — base principale", "#### queue (PostgreSQL)",
        "### les scripts eux-mêmes (pas de `config/database.yml`)", "#### primary — base principale", "#### queue"]


def test_tree_configured_in_pyproject():
    """fixtures/config-deploy: scripts in deploy/, environments and databases from [tool.orderlint]."""
    for lang in ("en", "fr"):
        proc = run("--format", "markdown", "--lang", lang, "--date", DATE, cwd=REPO / "fixtures/config-deploy")
        doc = proc.stdout.decode()
        assert doc.startswith("# 📋")
        for table in tables(doc):
            assert {len(row) for row in table} == {len(table[0])}
    assert "bases lues dans la configuration (Rails 8.0)" in doc
    assert "`config/database.yml`" not in doc.split("---", 1)[0]  # the databases come from the configuration


def test_no_scripts(tmp_path):
    (tmp_path / "ops").mkdir()
    doc = report("en", "ops", tmp_path)
    assert "No Rails database task was found" in doc
    assert "**Status**: ✅ **ORDER CONFIRMED AND CONSISTENT**" in doc


# -- hostile content ------------------------------------------------------------------------------

HOSTILE_STRINGS = ["x|y", "<script>alert(1)</script>", "a`b``c", "line\r\nbreak", "::error::x", "%0A,:",
                   "*b* _i_ [l](javascript:x)", "&amp; &lt;", "\u202etrojan", "  spaced  ", ""]


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_escaping_helpers(value):
    for out in (text(value), code(value), rich(value)):
        assert "\n" not in out and "\r" not in out
        assert "<script" not in out and "\u202e" not in out
        raw_pipes = re.findall(r"(?<!\\)\|", out.replace("\\\\", ""))
        assert not raw_pipes, out
        tags = html_tags(f"| a |\n|---|\n| {out} |\n")
        assert tags <= ALLOWED_TAGS, (value, out, tags)
    label = mermaid_label(value)
    assert re.fullmatch(r"[\w .:/_\-+,()#;]*", label), label
    assert '"' not in label and "\n" not in label


def test_hostile_script_cannot_break_the_report(tmp_path):
    root = hostile_tree(tmp_path)
    for lang in ("en", "fr"):
        doc = report(lang, "ops", root)
        tags = html_tags(doc)
        assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
        for table in tables(doc):
            assert {len(row) for row in table} == {len(table[0])}, table
        for line in doc.split("\n"):
            assert not COMMAND_LINE.match(line), line
            assert "\r" not in line
        assert "<script" not in doc and "<img" not in doc and "<svg" not in doc and "<b>" not in doc
        for block in mermaid_blocks(doc):
            for line in block.strip().split("\n"):
                assert re.fullmatch(r'\s*(flowchart TD|\w+(\(\[|\[|\{\{|\{)"[^"\n]*"(\]\)|\]|\}\}|\})'
                                    r'|\w+ -(->|\.->)(\|[^|"\n]*\|)? \w+)', line), line
    assert "de%2C,p:l::oy&#124;&#60;script&#62;&#96;x&#96;.sh" in doc


def test_library_used_by_scripts_that_handle_its_failures_differently(tmp_path):
    ops = tmp_path / "ops"
    (ops / "lib").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (ops / "lib" / "db.sh").write_text("#!/usr/bin/env bash\nmigrate_all() {\n  bin/rails db:migrate\n"
                                      "  bin/rails db:migrate:queue || echo 'queue failed' >&2\n}\n")
    (ops / "deploy-staging.sh").write_text('#!/usr/bin/env bash\nset -euo pipefail\n'
                                          'source "$(dirname "$0")/lib/db.sh"\nmigrate_all\n')
    (ops / "deploy-production.sh").write_text('#!/usr/bin/env bash\nsource "$(dirname "$0")/lib/db.sh"\n'
                                             'migrate_all || true\nbin/rails db:seed\n')
    doc = report("en", "ops", tmp_path)
    lib = section(doc, "`ops/lib/db.sh`")
    assert "**Used by**: `ops/deploy-production.sh` (Production, line 3), `ops/deploy-staging.sh` (Staging, line 4)" \
        in lib
    assert "**Environment**: Staging/Production" in lib
    row = step_rows(lib)[0]
    assert row[:4] == ["1", "`db:migrate`", "primary + queue ⚠️", "3"]
    assert "⛔ stops the script" in row[4] and "in `deploy-staging.sh`" in row[4]
    assert "🔇 goes on silently" in row[4] and "in `deploy-production.sh`" in row[4]
    # "line 3" of the analysis is a line of the script that calls the library, not of the library
    assert "followed by <code>&#124;&#124;</code> on `deploy-production.sh`:3" in row[4]
    assert "(`deploy-production.sh`:3)" in report("fr", "ops", tmp_path)
    assert "`ops/deploy-staging.sh`" not in re.findall(r"^### .*$", doc, flags=re.M)[-1]  # told in "used by"
    assert not [h for h in re.findall(r"^### .*$", doc, flags=re.M) if "deploy-staging.sh" in h]
    production = step_rows(section(doc, "`ops/deploy-production.sh`"))
    assert [r[3] for r in production] == ["`lib/db.sh`:3", "`lib/db.sh`:4", "4"]


# -- the seed document, read side by side -----------------------------------------------------------

def test_sections_in_the_seed_order(fr, en):
    assert re.findall(r"^## (.*)$", fr, flags=re.M) == [
        "✅ Ordre confirmé et cohérent", "📝 Scripts et ordre d'exécution", "🔒 Garanties de séparation",
        "📊 Tableau récapitulatif", "⚠️ Points d'attention", "🎯 Ordre optimal confirmé",
        "⚠️ Validation finale"]  # ⚠️ where the seed says ✅: the separation it claims does not hold
    assert re.findall(r"^## (.*)$", en, flags=re.M)[5] == "🎯 Optimal order confirmed"


def test_french_report_speaks_french(fr):
    """The analysis explains itself in English; the French report says it in French."""
    for english in ("stops the script", "goes on", "handles the failure", "also acts on", "runs `exit", "is ignored",
                    "the policy", "its jobs are lost", "use `db:"):
        assert english not in fr, english
    rows = step_rows(section(fr, "production/init-db.sh`"))
    assert rows[0][4] == "⛔ arrête le script — `exit 1` (ligne 121) arrête le script"
    assert rows[2][4] == ("⛔ arrête le script — 144 : `die` (ligne 144) exécute `exit 1` (`lib/common.sh`:37) ; "
                          "153 : `die` (ligne 153) exécute `exit 1` (`lib/common.sh`:37)")
    assert ("- ⚠️ **OL502** queue-wiped (ligne 318) : `db:reset` détruit aussi `queue` "
            "(storage/development_solid_queue.sqlite3) : ses jobs sont perdus ; utiliser `db:reset:primary`"
            ) in section(fr, "dev/deploy.sh`")


def analyzed(target: str, cwd: Path = REPO):
    """Results and findings of a tree, as the CLI computes them."""
    import os

    from orderlint.pipeline import Analyzer
    from orderlint.rules.check import run_rules
    from orderlint.cli.config import load_settings
    from orderlint.cli.run import Options

    here = os.getcwd()
    os.chdir(cwd)
    try:
        settings = load_settings(Options(paths=(Path(target),)))
        results = Analyzer(settings).analyze([Path(target)], None)
        return results, run_rules(results, settings), settings
    finally:
        os.chdir(here)


# Words of English prose that French never uses; code spans, paths and rule names are removed first.
ENGLISH_WORDS = re.compile(r"\b(?:the|is|are|its|it|when|which|runs|never|does|has|with|after|before|this|that|from|"
                           r"fails|failure|stops|goes|and|not|only|also|nothing|because|whatever|use)\b")


def english_in(markdown: str) -> list[str]:
    """Lines of a French report that still hold English prose."""
    found = []
    for line in markdown.splitlines():
        prose = re.sub(r"`[^`]*`|<code>.*?</code>", " ", line)  # code spans
        prose = re.sub(r"\*\*OL\d{3}\*\* [a-z-]+|OL\d{3} [a-z-]+", " ", prose)  # rule codes and names
        prose = re.sub(r"[\w./-]+\.(?:sh|yml|rb|sqlite3|lock)\b|https?://\S+", " ", prose)
        prose = re.sub(r'\(\["[^"]*"\]\)', " ", prose)  # a mermaid node's label: a script's path, any name
        if ENGLISH_WORDS.search(prose):
            found.append(line)
    return found


CORPUS = sorted(str(p.relative_to(REPO)) for p in (REPO / "tests" / "corpus").glob("*__*") if p.is_dir())


@pytest.mark.parametrize("tree", CORPUS)
def test_the_french_audit_of_real_scripts_holds_no_english_sentence(tree):
    """The corpus of public repositories' scripts (laid out locally from tests/corpus/SOURCES.md)."""
    out = run(tree, "--format", "markdown", "--lang", "fr", "--date", "2025-12-30", "--no-cache")
    assert english_in(out.stdout.decode()) == []


def test_the_english_detector_finds_english():
    assert english_in("- ⚠️ **OL201** primary-failure-ignored : if `db:migrate` fails the script goes on") != []
    assert english_in("- ⚠️ **OL201** primary-failure-ignored (`a.sh`:3) : si `db:migrate` échoue, le script "
                      "continue sans message : `set +e` (ligne 2) désactive errexit") == []
    assert english_in('    start(["bin/_refresh-local-from-remote"])') == []


@pytest.mark.parametrize("ops", sorted(str(p.relative_to(REPO)) for p in REPO.glob("fixtures/**/ops")))
def test_the_french_audit_holds_no_english_sentence(ops):
    """Every reason, fix and finding a fixture produces is rendered from the French catalogue."""
    out = run(ops, "--format", "markdown", "--lang", "fr", "--date", "2025-12-30", "--no-cache")
    assert english_in(out.stdout.decode()) == []


def test_reset_in_development(fr, en):
    attention = fr.split("## ⚠️ Points", 1)[1].split("\n## ", 1)[0]
    assert "### 1. `db:reset` en Development\n" in attention
    assert "- **Comportement** : `db:drop` + `db:create` + `db:schema:load` + `db:seed` (destructif)\n" in attention
    assert "- **Exécuté dans** : `dev/deploy.sh`:318 (Development)\n" in attention
    assert "- ✅ uniquement en développement\n- ✅ inclut déjà le seed : pas de `db:seed` séparé" in attention
    assert "### 1. `db:reset` in Development\n" in en


def test_optimal_order_says_why_and_where(fr, en):
    optimal = fr.split("## 🎯", 1)[1].split("\n## ", 1)[0]
    assert "### Pourquoi cet ordre ?" in optimal
    assert "1. **Migrations principales** — PostgreSQL :\n   - base principale" in optimal
    assert ("   - ⚠️ mais la migration sans portée (`db:migrate`) la migre déjà en même temps que PostgreSQL (OL501 : "
            "`lib/database/migrations.sh`:225 / 229") in optimal
    # the seed's "Uniquement dans init-db.sh (pas dans deploy.sh)", and its note on db:reset
    assert ("   - uniquement dans `production/init-db.sh`, `staging/init-db.sh` (pas dans "
            "`lib/database/migrations.sh`, `dev/deploy.sh`)\n   - `dev/deploy.sh` : déjà fait par `db:reset`") in optimal
    assert "   - only in `production/init-db.sh`, `staging/init-db.sh` (not in" in en


def test_final_verdict_answers_each_claim_of_the_seed(fr):
    verdict = fr.split("## ⚠️ Validation finale", 1)[1]
    assert ("- ❌ PostgreSQL & SQLite ne sont **pas** indépendantes\n"
            "  - ❌ des commandes affectent les deux bases à la fois : `db:migrate` (OL501 ×5), `db:reset` (OL502)\n"
            "  - ❌ les jobs en attente dans SQLite ne restent **pas** intacts : `db:reset` efface SQLite "
            "(OL502 : `dev/deploy.sh`:318)") in verdict
    assert "- ✅ PostgreSQL : bloquant\n- ⚠️ SQLite : non bloquant, sauf dans `db:migrate` sans portée (OL501 ×5)" \
        in verdict
    assert "**Constats** : 6 (6 avertissements)" in verdict


# -- other trees, read as a new user ------------------------------------------------------------------

def test_custom_policy_has_one_column_per_step():
    doc = report("fr", "ops", REPO / "fixtures/config-policy")
    assert "3. **Asset build** — `assets:precompile`, `assets:clobber`" in doc
    assert "(3 scripts d'entrée, 0 bibliothèque)" in doc  # French: singular for zero
    summary = doc.split("## 📊", 1)[1].split("\n## ", 1)[0]
    table = tables(summary)[0]
    assert [c.strip() for c in table[0]] == ["Script", "Étape 1", "Étape 2", "Étape 3", "Étape 4", "Environnement"]
    rows = {row[0].strip(): [c.strip() for c in row[1:]] for row in table[2:]}
    # each task in the column of its step; ❌ where it runs out of order
    assert rows["`release.sh`"][:4] == ["`db:migrate:primary` (PostgreSQL)", "`db:migrate:queue` (SQLite)",
                                        "❌ `assets:precompile`", "-"]
    assert rows["`seed.sh`"][2:4] == ["`assets:precompile`", "❌ `db:seed` (PostgreSQL)"]
    assert "**❌ L'ordre n'est pas respecté partout** (" in summary
    assert ") : OL101 : `release.sh`:13 ; OL102 : `seed.sh`:11" in summary
    optimal = doc.split("## 🎯", 1)[1].split("\n## ", 1)[0]
    assert optimal.startswith(" Ordre optimal : pas respecté partout")
    assert "3. **Asset build** :\n   - ✅ dans tous les scripts\n   - ❌ hors de l'ordre dans `release.sh` (OL101)" \
        in optimal
    assert "4. **Seed** :\n   - nécessite que les migrations soient appliquées" in optimal


def test_single_database_tree():
    doc = report("fr", "fixtures/realworld/heroku/ops")
    assert "2. **Migrations de la queue** — aucune autre base ici : étape sans objet" in doc
    assert doc.count(" — *sans objet ici : une seule base*") == 2  # non-blocking queue, separation
    assert "**Raison**" not in doc
    assert "2. **Migrations de la queue** :\n   - sans objet ici : une seule base" in doc
    assert "- ➖ une seule base : rien à séparer" in doc
    attention = doc.split("## ⚠️ Points", 1)[1].split("\n## ", 1)[0]
    assert "### 1. Tâches destructives (reset)\n\n**`db:schema:load`**" in attention
    assert "- **Exécuté dans** : `heroku/postdeploy.sh`:10 (tout environnement)" in attention
    assert "- ❌ pas bloquant partout (OL201 : `deploy-heroku.sh`:22 / 31, `heroku/migrate-apps.sh`:11)" in attention
    # findings at error level: the verdict says which, with their places
    assert "## ❌ Validation finale" in doc
    assert "- ❌ tâche destructive hors développement (OL401 : `heroku/postdeploy.sh`:10)" in doc
    assert "| ❌ erreur | OL201 primary-failure-ignored | `deploy-heroku.sh`:22 | si `db:migrate` échoue, le script " \
           "continue sans message : `heroku run` renvoie 0" in doc
    assert doc.rstrip().endswith("**Statut** : ❌ **ORDRE CONFIRMÉ — GESTION DES ERREURS À CORRIGER — ENVIRONNEMENTS "
                                 "À CORRIGER**")


def test_destructive_task_scoped_to_the_queue():
    doc = report("fr", "fixtures/realworld/dev-reset/ops")
    block = doc.split("**`db:schema:load:queue`**", 1)[1].split("\n\n**", 1)[0]
    assert "- ✅ ne touche QUE SQLite : PostgreSQL reste intacte" in block
    assert ("- ⚠️ efface SQLite (`storage/staging_queue.sqlite3`) : les jobs en queue sont perdus (OL502 : "
            "`staging/refresh-from-production.sh`:41)") in block
    assert "pas que" not in block
    # `queue_defaults: &queue_defaults` holds anchors, not an environment: the primary is PostgreSQL
    assert "### PostgreSQL — base principale (`primary`)\n" in doc


def test_script_that_runs_other_scripts():
    doc = report("fr", "fixtures/child-scripts/ops")
    release = section(doc, "child-scripts/ops/release.sh`")
    assert [(r[1], r[3]) for r in step_rows(release)] == [
        ("`db:migrate:primary`", "`db/migrate-primary.sh`:3"),
        ("`db:abort_if_pending_migrations:primary`", "`db/migrate-primary.sh`:4"),
        ("`db:migrate:queue`", "`db/migrate-queue.sh`:3"), ("`db:seed`", "`db/seed.sh`:4")]
    # the queue failure stops db/migrate-queue.sh run alone (OL202), not release.sh, which warns
    assert "OL202" not in release and "OL202" in section(doc, "db/migrate-queue.sh`")
    assert 's2["db:migrate:queue<br/>queue<br/>db/migrate-queue.sh:3"]' in release


def test_unknown_outcomes(tmp_path):
    """A task whose failure the analysis cannot follow: said as unknown, never as an error."""
    from dataclasses import replace

    from orderlint.rules.check import run_rules
    from orderlint.flow import UNKNOWN
    from orderlint.report import Report
    from orderlint.report.markdown import render

    results, _, settings = analyzed(SEED)
    for script in results.scripts:
        script.invocations = tuple(replace(i, on_failure=UNKNOWN, reason="", fix="", fallback=frozenset())
                                   for i in script.invocations)
        script.__dict__.pop("_index", None)
    diagnostics = run_rules(results, settings)
    assert not [d for d in diagnostics if d.code in ("OL201", "OL202", "OL203")]
    for lang, word, edge in (("fr", "❔ inconnu", "-.->|échec, inconnu|"), ("en", "❔ unknown", "-.->|fails, unknown|")):
        doc = render(Report(results, tuple(diagnostics), date=DATE, lang=lang))
        rows = step_rows(section(doc, "staging/init-db.sh`"))
        assert [r[4] for r in rows] == [word] * 3
        assert edge in doc
        errors = doc.split("## ⚠️ Points", 1)[1].split("### 3.", 1)[0].split("### 2.", 1)[1]
        assert "❌" not in errors and "✅" not in errors  # neither blocking nor not: not known
        assert errors.count("- ❔ ") == 2
        assert "❔ PostgreSQL" in doc and "❔ SQLite" in doc
        for table in tables(doc):
            assert {len(row) for row in table} == {len(table[0])}
