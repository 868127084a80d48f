"""The command line: `orderlint [PATHS]…`, `orderlint tasks`, `orderlint rules`, `orderlint rule CODE`.

Start-up time is most of what a user waits for on a small repository, so this module imports
nothing at its top but `sys`: `orderlint --version` answers before anything else is loaded,
and the command line is read with argparse (about 1 ms to import, against 18 ms for click and
45 ms for typer, which brings pydantic), in a thin layer that gives every mistake one style,
`orderlint: error: …`, with the closest valid option or value suggested.
"""

from __future__ import annotations

import sys

from orderlint import version_line

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3

FORMATS = ("text", "json", "github", "sarif", "markdown")
LANGS = ("en", "fr")
LEVELS = ("info", "warning", "error")
COLORS = ("auto", "always", "never")
COMMANDS = ("rules", "rule", "tasks", "server")
STATISTICS_FORMATS = ("text", "json")

DESCRIPTION = """\
Check the Rails database tasks of ops shell scripts: their order, what happens when one fails,
the environments they run in, and the databases they touch. orderlint never runs the scripts.

PATHS default to the deploy surface of the Rails app around the current directory, else ops/
(or `paths` in the configuration); `-` reads a script from stdin.

Commands:
  orderlint tasks [PATHS]   each script's database tasks, in the order they run
  orderlint rules           the rule catalog
  orderlint rule OL201      what a rule checks, why, and how to fix it
  orderlint server          the language server for editors (stdio; pip install 'orderlint[server]')

Exit codes: 0 no finding at or above --fail-level, 1 findings, 2 usage, configuration or input
error, 3 internal error."""


class UsageError(Exception):
    """A mistake on the command line: `orderlint: error: MESSAGE`, exit 2."""


def fail(message: str) -> int:
    sys.stderr.write(f"orderlint: error: {message}\n")
    return EXIT_ERROR


def _closest(word: str, choices) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _choice(option: str, value: str, choices: tuple[str, ...], what: str) -> str:
    if value in choices:
        return value
    lowered = value.strip().lower()
    if lowered in choices:
        return lowered
    raise UsageError(f"{option}: unknown {what} '{value}' (expected {', '.join(choices[:-1])} or {choices[-1]})"
                     f"{_closest(lowered, choices)}")


# -- the parser --------------------------------------------------------------------------------

def _parser(command: str):
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message: str):  # argparse's own messages, in orderlint's style
            import re

            missing = re.match(r"argument (-[^/:\s]+)[^:]*: expected one argument", message)
            if missing:
                raise UsageError(f"{missing.group(1)} needs a value")
            flag = re.match(r"argument (-[^/:\s]+)[^:]*: ignored explicit argument '(.*)'", message)
            if flag:
                raise UsageError(f"{flag.group(1)} takes no value (given '{flag.group(2)}')")
            raise UsageError(message)

    prog = "orderlint" if command == "check" else f"orderlint {command}"
    if command == "tasks":
        description = ("List each script's Rails database tasks in the order they run, with the databases they "
                       "touch and what happens when one fails.")
    else:
        description = DESCRIPTION
    p = Parser(prog=prog, description=description, allow_abbrev=False, add_help=False,
               usage="%(prog)s [PATHS ...] [OPTIONS]",
               formatter_class=lambda prog: argparse.RawDescriptionHelpFormatter(prog, max_help_position=30))
    p.add_argument("paths", nargs="*", metavar="PATHS", help="files or folders to check (default: the Rails app's deploy surface, else ops/)")
    out = p.add_argument_group("output")
    if command == "check":
        out.add_argument("--format", "-f", "--output-format", dest="format", metavar="FORMAT",
                         help="text (default), json, github, sarif or markdown (github under GITHUB_ACTIONS=true)")
        out.add_argument("--output", "-o", metavar="FILE", help="write the output to FILE")
        out.add_argument("--json-output", metavar="FILE", help="also write the JSON report to FILE")
        out.add_argument("--sarif-output", metavar="FILE", help="also write SARIF 2.1.0 to FILE")
        out.add_argument("--markdown-output", metavar="FILE", help="also write the markdown audit to FILE")
        out.add_argument("--lang", metavar="LANG", default="en", help="language of the markdown report: en, fr")
        out.add_argument("--date", metavar="DATE", help="date printed in the markdown report "
                                                        "(default: SOURCE_DATE_EPOCH, else today)")
        out.add_argument("--show-tasks", action="store_true", help="list each script's tasks before the findings")
        out.add_argument("--statistics", action="store_true", help="count the findings of each rule instead of "
                                                                   "listing them")
        out.add_argument("--quiet", "-q", action="store_true", help="print the findings only: no summary")
    out.add_argument("--color", metavar="WHEN", help="colour the text output: auto (default: on a terminal, "
                                                     "unless NO_COLOR; FORCE_COLOR forces it), always, never")
    out.add_argument("--no-color", action="store_true", help="same as --color never")
    rules = p.add_argument_group("rules and configuration")
    if command == "check":
        rules.add_argument("--select", action="append", metavar="CODES", help="rule codes or prefixes to enable "
                                                                               "(OL2,OL501; repeatable)")
        rules.add_argument("--ignore", action="append", metavar="CODES", help="rule codes or prefixes to disable")
        rules.add_argument("--fail-level", metavar="LEVEL", help="exit 1 on findings at or above: info, "
                                                                 "warning (default), error")
    rules.add_argument("--config", metavar="FILE", help="configuration file to use instead of the nearest "
                                                        ".orderlint.toml / pyproject.toml")
    if command == "check":
        rules.add_argument("--show-settings", action="store_true", help="print the resolved settings and where "
                                                                        "each came from, then exit")
        rules.add_argument("--no-suppressions", action="store_true", help="ignore `# orderlint: disable` "
                                                                          "directives (for audits)")
        rules.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in FILE")
    if command == "check":
        fixes = p.add_argument_group("fixes")
        fixes.add_argument("--fix", action="store_true", default=None, help="apply the safe fixes to the files")
        fixes.add_argument("--no-fix", dest="fix", action="store_false", help="do not fix (overrides `fix = true`)")
        fixes.add_argument("--unsafe-fixes", action="store_true", default=None,
                           help="also offer and apply the fixes that change what a script does")
        fixes.add_argument("--no-unsafe-fixes", dest="unsafe_fixes", action="store_false",
                           help="only safe fixes (overrides `unsafe-fixes = true`)")
        fixes.add_argument("--diff", action="store_true", help="print the diff --fix would apply, change no file; "
                                                               "exit 1 when there is one")
        fixes.add_argument("--fix-only", action="store_true", help="apply the fixes, report no remaining finding")
        rules.add_argument("--write-baseline", metavar="FILE", help="record the current findings in FILE, exit 0")
    inputs = p.add_argument_group("inputs and run")
    inputs.add_argument("--stdin-filename", metavar="NAME", help="name of the script read from stdin (`-`)")
    inputs.add_argument("--force-exclude", action="store_true", help="apply `exclude` to the paths named on "
                                                                     "the command line too (for pre-commit)")
    inputs.add_argument("--jobs", "-j", metavar="N", default="1", help="analyse with N processes "
                                                                       "(0: one per core; default 1)")
    inputs.add_argument("--no-cache", action="store_true", help="do not read or write the result cache")
    misc = p.add_argument_group("other")
    misc.add_argument("--help", "-h", action="help", help="show this help and exit")
    misc.add_argument("--version", "-V", action="store_true", help="print the version and exit")
    return p


def _option_names(parser) -> list[str]:
    return [s for action in parser._actions for s in action.option_strings]


def _unknown(extra: list[str], parser, command: str) -> UsageError:
    word = extra[0]
    if not word.startswith("-"):
        return UsageError(f"unexpected argument '{word}'")
    name = word.split("=", 1)[0]
    if command != "check" and name in _option_names(_parser("check")):
        return UsageError(f"{name} is an option of `orderlint`, not of `orderlint {command}`, which prints the "
                          f"task listing as text (`orderlint --format json` lists the tasks too)")
    names = _option_names(parser)
    hint = _closest(name, [n for n in names if n.startswith("--")] if name.startswith("--") else names)
    if not hint and name.startswith("-") and not name.startswith("--") and len(name) > 2:
        hint = _closest("-" + name, names)  # `-format`: one dash too few
    return UsageError(f"unknown option '{name}'{hint}")


def _color_value(args: list[str]) -> list[str]:
    """`--color` alone means `--color always` (as before `--color WHEN`); it takes the next
    argument only when that is a WHEN (or a misspelt one that is no path), so `orderlint
    --color ops/` checks ops/."""
    import os

    out = []
    for n, arg in enumerate(args):
        if arg == "--":
            return out + args[n:]
        if arg == "--color":
            after = args[n + 1] if n + 1 < len(args) else None
            if after is None or (after not in COLORS and (after.startswith("-") or os.path.lexists(after) or
                                                          not _closest(after.lower(), COLORS))):
                arg = "--color=always"
        out.append(arg)
    return out


def parse(args: list[str], command: str = "check"):
    parser = _parser(command)
    ns, extra = parser.parse_known_intermixed_args(_color_value(args))
    if extra:
        raise _unknown(extra, parser, command)
    return ns


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = -1
    if jobs < 0:
        raise UsageError(f"--jobs must be a whole number of processes, 0 or more (0: one per core), not '{value}'")
    return jobs


def _codes(values) -> tuple[str, ...] | None:
    if values is None:
        return None
    out: list[str] = []
    for v in values:
        out.extend(c.strip().upper() for c in v.split(",") if c.strip())
    return tuple(out)


def _check_paths(paths: list[str]) -> None:
    """A path the system refuses outright (too long, not a folder on the way) is an error here;
    a missing one is reported later, with the configuration's context."""
    import errno
    import os

    for given in paths:
        if given == "-":
            continue
        try:
            os.lstat(given)
        except OSError as exc:
            if exc.errno not in (errno.ENOENT, errno.ENOTDIR):
                raise UsageError(f"{given}: {exc.strerror or exc}") from None
        except ValueError as exc:  # a NUL byte in the name
            raise UsageError(f"{given!r}: {exc}") from None


def options_from(ns, command: str = "check"):
    from pathlib import Path

    from orderlint.cli.run import Options

    check = command == "check"
    fmt = _choice("--format", ns.format, FORMATS, "format") if check and ns.format is not None else None
    lang = _choice("--lang", ns.lang, LANGS, "language") if check else "en"
    fail_level = None
    if check and ns.fail_level is not None:
        level = ns.fail_level.strip().lower()
        if level not in LEVELS:
            raise UsageError(f"--fail-level: unknown severity {ns.fail_level!r} (expected info, warning or error)"
                             f"{_closest(level, LEVELS)}")
        fail_level = level
    color = None
    if ns.color is not None:
        color = {"always": True, "never": False, "auto": None}[_choice("--color", ns.color, COLORS, "value")]
    if ns.no_color:
        color = False
    statistics = check and ns.statistics
    if statistics and (fmt or "text") not in STATISTICS_FORMATS:
        raise UsageError(f"--statistics works with --format text or json, not {fmt}")
    _check_paths(ns.paths)
    return Options(
        paths=tuple(Path(p) for p in ns.paths), output_format=fmt,
        output=Path(ns.output) if check and ns.output else None,
        json_output=Path(ns.json_output) if check and ns.json_output else None,
        sarif_output=Path(ns.sarif_output) if check and ns.sarif_output else None,
        markdown_output=Path(ns.markdown_output) if check and ns.markdown_output else None,
        lang=lang, date=ns.date if check else None,
        select=_codes(ns.select) if check else None, ignore=_codes(ns.ignore) if check else None,
        fail_level=fail_level, stdin_filename=ns.stdin_filename, config=Path(ns.config) if ns.config else None,
        show_settings=check and ns.show_settings, no_suppressions=check and ns.no_suppressions,
        baseline=Path(ns.baseline) if check and ns.baseline else None,
        write_baseline=Path(ns.write_baseline) if check and ns.write_baseline else None,
        jobs=_jobs(ns.jobs), no_cache=ns.no_cache, color=color,
        show_tasks=command == "tasks" or (check and ns.show_tasks), tasks_only=command == "tasks",
        quiet=check and ns.quiet, statistics=statistics, force_exclude=ns.force_exclude,
        fix=ns.fix if check else None, unsafe_fixes=ns.unsafe_fixes if check else None,
        diff=check and ns.diff, fix_only=check and ns.fix_only,
    )


# -- the commands ------------------------------------------------------------------------------

def check(args: list[str], command: str = "check") -> int:
    ns = parse(args, command)
    if ns.version:
        sys.stdout.write(version_line())
        return EXIT_CLEAN
    if command == "check" and args and ns.paths and args[0] == ns.paths[0]:
        import os

        if not os.path.lexists(args[0]) and _closest(args[0], COMMANDS):
            import difflib

            close = difflib.get_close_matches(args[0], COMMANDS, n=1, cutoff=0.6)[0]
            raise UsageError(f"{args[0]}: no such file or directory; did you mean the command "
                             f"`orderlint {close}`?")
    options = options_from(ns, command)
    from orderlint.cli.run import execute

    return execute(options)


def list_rules(args: list[str]) -> int:
    if args in (["-h"], ["--help"]):
        sys.stdout.write("usage: orderlint rules\n\nList every rule with its code, name, default severity and "
                         "what it reports.\n")
        return EXIT_CLEAN
    if args:
        raise UsageError(f"orderlint rules takes no argument (given '{args[0]}'); `orderlint rule CODE` explains one")
    from orderlint.rules import RULES

    for rule in RULES.values():
        sys.stdout.write(f"{rule.code}  {rule.name:<38} {rule.severity.label:<8} {rule.summary}\n")
    return EXIT_CLEAN


def explain_rule(args: list[str]) -> int:
    if args in (["-h"], ["--help"]):
        sys.stdout.write("usage: orderlint rule CODE\n\nExplain one rule (a code such as OL201, or a name such as "
                         "primary-failure-ignored): what it does, why, an example and the fix.\n")
        return EXIT_CLEAN
    if len(args) != 1:
        raise UsageError("orderlint rule takes one rule code or name, such as `orderlint rule OL201`"
                         if not args else f"orderlint rule takes one rule code or name, not {len(args)}")
    from orderlint.rules import RULES

    wanted = args[0].strip()
    rule = RULES.get(wanted.upper()) or next((r for r in RULES.values() if r.name == wanted.lower()), None)
    if rule is None:
        import difflib

        names = list(RULES) + [r.name for r in RULES.values()]
        close = difflib.get_close_matches(wanted.upper() if wanted[:2].upper() == "OL" else wanted, names, n=1)
        hint = f"; did you mean {close[0]}?" if close else "; `orderlint rules` lists them"
        raise UsageError(f"unknown rule {wanted!r}{hint}")
    docs = rule.docs().replace("\r", "^M")  # a carriage return in an example (OL005), shown as cat -v does
    sys.stdout.write(f"# {rule.code} {rule.name} ({rule.severity.label})\n\n{docs}\n")
    return EXIT_CLEAN


def run(args: list[str]) -> int:
    first = args[0] if args else ""
    if first == "rules":
        return list_rules(args[1:])
    if first == "rule":
        return explain_rule(args[1:])
    if first == "tasks":
        return check(args[1:], "tasks")
    if first == "server":
        from orderlint.server import main as serve

        return serve(args[1:])
    return check(args)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):  # answered at once: nothing else is imported
        sys.stdout.write(version_line())
        raise SystemExit(EXIT_CLEAN)
    import gc
    import os

    # The analysis allocates millions of small objects that live until the end of the run; the
    # default thresholds make the collector walk them over and over (a third of the run time on
    # large scripts). Cycles are still collected, just less often.
    gc.set_threshold(100_000, 50, 100)
    try:
        code = run(args)
    except UsageError as exc:
        code = fail(str(exc))
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("orderlint: interrupted\n")
        raise SystemExit(130) from None
    except BrokenPipeError:
        os._exit(EXIT_CLEAN)
    except Exception as exc:  # never a traceback for a user
        sys.stderr.write(f"orderlint: internal error: {type(exc).__name__}: {exc}. Please report it with the "
                         f"script that caused it (ORDERLINT_DEBUG=1 shows the traceback).\n")
        if os.environ.get("ORDERLINT_DEBUG"):
            raise
        raise SystemExit(EXIT_INTERNAL) from None
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    if os.environ.get("ORDERLINT_DEBUG"):
        raise SystemExit(code)
    # Everything is written and flushed (output files are closed as they are written): skip the
    # interpreter's teardown of the analysis' objects and modules, a few milliseconds of nothing.
    os._exit(code)
