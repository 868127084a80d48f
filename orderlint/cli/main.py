"""The command line: `orderlint [PATHS]…`, `orderlint rules`, `orderlint rule CODE`.

Imports stay inside functions so that `orderlint --version` answers at once.
"""

from __future__ import annotations

import errno
import os
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from orderlint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3

FORMATS = ("text", "json", "github", "sarif", "markdown")


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    markdown = "markdown"


class Lang(str, Enum):
    en = "en"
    fr = "fr"


def _split_codes(values: Optional[List[str]]) -> tuple[str, ...]:
    out: list[str] = []
    for v in values or ():
        out.extend(c.strip().upper() for c in v.split(",") if c.strip())
    return tuple(out)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"orderlint {__version__}")
        raise typer.Exit(EXIT_CLEAN)


def fail(message: str, code: int = EXIT_ERROR) -> "typer.Exit":
    typer.echo(f"orderlint: error: {message}", err=True)
    return typer.Exit(code)


check_app = typer.Typer(add_completion=False, rich_markup_mode=None, context_settings={"help_option_names": ["-h", "--help"]})


@check_app.command(help="Check the Rails database tasks of ops shell scripts: order, failure handling, "
                        "environments, database separation.\n\nPATHS default to ops/. Also: "
                        "`orderlint rules` lists the rules, `orderlint rule OL201` explains one.")
def check(
    paths: List[str] = typer.Argument(None, help="Files or folders to check (default: ops/, or `paths` from "
                                                  "the configuration). `-` reads a script from stdin."),
    output_format: Optional[OutputFormat] = typer.Option(None, "--format", "-f", help="Output format "
                                                         "(default: text; github under GITHUB_ACTIONS=true)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the output to FILE."),
    json_output: Optional[Path] = typer.Option(None, "--json-output", help="Also write JSON to FILE."),
    sarif_output: Optional[Path] = typer.Option(None, "--sarif-output", help="Also write SARIF 2.1.0 to FILE."),
    markdown_output: Optional[Path] = typer.Option(None, "--markdown-output", help="Also write the markdown "
                                                                                   "audit report to FILE."),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of the markdown report."),
    date: Optional[str] = typer.Option(None, "--date", help="Date printed in the markdown report "
                                                            "(default: SOURCE_DATE_EPOCH, else today)."),
    select: Optional[List[str]] = typer.Option(None, "--select", help="Rule codes or prefixes to enable "
                                                                      "(comma-separated, repeatable)."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="Rule codes or prefixes to disable."),
    fail_level: Optional[str] = typer.Option(None, "--fail-level", help="Exit 1 on findings at or above: "
                                                                        "info, warning (default), error."),
    stdin_filename: Optional[str] = typer.Option(None, "--stdin-filename", help="Name to give a script read "
                                                                                "from stdin (`-`)."),
    config: Optional[Path] = typer.Option(None, "--config", help="Configuration file to use instead of the "
                                                                 "nearest .orderlint.toml / pyproject.toml."),
    show_settings: bool = typer.Option(False, "--show-settings", help="Print the resolved configuration and "
                                                                      "where each value came from, then exit."),
    no_suppressions: bool = typer.Option(False, "--no-suppressions", help="Ignore `# orderlint: disable` "
                                                                          "directives (for audits)."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="Report only findings not recorded in "
                                                                     "this baseline file."),
    write_baseline: Optional[Path] = typer.Option(None, "--write-baseline", help="Record the current findings "
                                                                                 "in FILE and exit 0."),
    jobs: int = typer.Option(1, "--jobs", "-j", help="Analyse with N processes (0: one per core)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the result cache."),
    color: Optional[bool] = typer.Option(None, "--color/--no-color", help="Colour the text output "
                                                                          "(default: when stdout is a terminal)."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    from orderlint.cli.run import Options, execute

    for given in paths or ():
        if str(given) == "-":
            continue
        try:
            os.lstat(given)
        except OSError as exc:  # a missing path is reported later, with the configuration's context
            if exc.errno not in (errno.ENOENT, errno.ENOTDIR):
                raise fail(f"{given}: {exc.strerror or exc}") from None
    options = Options(
        paths=tuple(Path(p) for p in paths or ()), output_format=output_format.value if output_format else None,
        output=output, json_output=json_output, sarif_output=sarif_output, markdown_output=markdown_output,
        lang=lang.value,
        date=date, select=_split_codes(select) if select is not None else None,
        ignore=_split_codes(ignore) if ignore is not None else None, fail_level=fail_level,
        stdin_filename=stdin_filename, config=config, show_settings=show_settings,
        no_suppressions=no_suppressions, baseline=baseline, write_baseline=write_baseline, jobs=jobs,
        no_cache=no_cache, color=color,
    )
    raise typer.Exit(execute(options))


rules_app = typer.Typer(add_completion=False, rich_markup_mode=None, context_settings={"help_option_names": ["-h", "--help"]})


@rules_app.command("rules", help="List every rule with its code, name and default severity.")
def list_rules() -> None:
    from orderlint.rules import RULES

    for rule in RULES.values():
        typer.echo(f"{rule.code}  {rule.name:<38} {rule.severity.label:<8} {rule.summary}")


@rules_app.command("rule", help="Explain one rule: what it does, why, an example and the fix.")
def explain_rule(code: str = typer.Argument(..., help="A rule code (OL201) or name (primary-failure-ignored).")) -> None:
    from orderlint.rules import RULES

    wanted = code.strip()
    rule = RULES.get(wanted.upper()) or next((r for r in RULES.values() if r.name == wanted.lower()), None)
    if rule is None:
        import difflib

        names = list(RULES) + [r.name for r in RULES.values()]
        close = difflib.get_close_matches(wanted.upper() if wanted[:2].upper() == "OL" else wanted, names, n=1)
        hint = f"; did you mean {close[0]}?" if close else "; `orderlint rules` lists them"
        raise fail(f"unknown rule {wanted!r}{hint}")
    typer.echo(f"# {rule.code} {rule.name} ({rule.severity.label})\n")
    typer.echo(rule.docs())


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:  # answered at once, without building the typer app
        sys.stdout.write(f"orderlint {__version__}\n")
        raise SystemExit(EXIT_CLEAN)
    import gc

    # The analysis allocates millions of small objects that live until the end of the run; the
    # default thresholds make the collector walk them over and over (a third of the run time on
    # large scripts). Cycles are still collected, just less often.
    gc.set_threshold(100_000, 50, 100)
    app = rules_app if args and args[0] in ("rules", "rule") else check_app
    try:
        app(args=args, prog_name="orderlint", standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        typer.echo("orderlint: interrupted", err=True)
        raise SystemExit(130) from None
    except BrokenPipeError:
        os._exit(EXIT_CLEAN)
    except Exception as exc:  # never a traceback for a user
        typer.echo(f"orderlint: internal error: {type(exc).__name__}: {exc}. Please report it with the "
                   f"script that caused it (ORDERLINT_DEBUG=1 shows the traceback).", err=True)
        if os.environ.get("ORDERLINT_DEBUG"):
            raise
        raise SystemExit(EXIT_INTERNAL) from None
