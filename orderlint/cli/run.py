"""One run of `orderlint check`: settings → analysis → rules → outputs → exit code."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from orderlint.model import OrderlintError, Severity

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@dataclass(frozen=True)
class Options:
    paths: tuple[Path, ...] = ()
    output_format: str | None = None
    output: Path | None = None
    json_output: Path | None = None
    sarif_output: Path | None = None
    markdown_output: Path | None = None
    lang: str = "en"
    date: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    fail_level: str | None = None
    stdin_filename: str | None = None
    config: Path | None = None
    show_settings: bool = False
    no_suppressions: bool = False
    baseline: Path | None = None
    write_baseline: Path | None = None
    jobs: int = 1
    no_cache: bool = False
    color: bool | None = None  # None: auto (a terminal, unless NO_COLOR; FORCE_COLOR forces it)
    show_tasks: bool = False  # the task listing before the findings
    tasks_only: bool = False  # `orderlint tasks`: the listing alone
    quiet: bool = False  # findings only, no summary
    statistics: bool = False  # counts per rule instead of the findings
    force_exclude: bool = False  # `exclude` applies to paths named on the command line too
    fix: bool | None = None  # --fix / --no-fix (None: the configuration's `fix`)
    unsafe_fixes: bool | None = None  # --unsafe-fixes / --no-unsafe-fixes
    diff: bool = False  # print what --fix would change, change nothing
    fix_only: bool = False  # fix, and report nothing that remains


class Emitted:
    """What a run prints and writes (the result cache stores and replays the same fields; its
    module is not imported by runs that do not use it: hashlib alone costs milliseconds)."""

    __slots__ = ("stdout", "stderr", "files", "code")

    def __init__(self) -> None:
        self.stdout = ""
        self.stderr: list[str] = []
        self.files: dict[str, str] = {}
        self.code = EXIT_CLEAN


def report_date(given: str | None) -> str:
    import datetime as dt

    if given:
        return given
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date().isoformat()
    return dt.date.today().isoformat()


def use_color(option: bool | None, to_file: bool) -> bool:
    """`--color always|never` wins; else NO_COLOR turns colours off and FORCE_COLOR on (a file
    written with --output never gets them); else colours on a terminal."""
    if option is not None:
        return option
    if to_file or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def render(fmt: str, report) -> str:
    import importlib

    if fmt == "json" and report.options.get("statistics"):
        from orderlint.report import json_text
        from orderlint.report.text import statistics_rows

        return json_text([{"code": c, "name": n, "count": k} for c, n, k in statistics_rows(report.diagnostics)])
    module = importlib.import_module(f"orderlint.report.{fmt}")
    return module.render(report)


NO_SCRIPT = "no shell script found under {paths} (*.sh, *.bash, or a file with a bash/sh shebang)"


NO_DEPLOY_FILE = ("no shell script or deploy file found in the Rails app at {app} (bin/, script/, ops/, deploy/, "
                  "docker/, .kamal/hooks/, Dockerfile, Procfile, CI workflows…)")


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OrderlintError(f"{path}: cannot write ({exc.strerror})") from None


def execute(options: Options) -> int:
    try:
        return _execute(options)
    except OrderlintError as exc:
        print(f"orderlint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _execute(options: Options) -> int:
    from orderlint.cli.config import load_settings

    settings = load_settings(options)
    if options.show_settings:
        from orderlint.cli.config import describe_settings

        print(describe_settings(settings), end="")
        return EXIT_CLEAN

    paths = list(options.paths) or [Path(p) for p in settings.paths]
    app = None  # a Rails app whose deploy surface a bare `orderlint` checks
    if not options.paths and not options.stdin_filename and settings.origins.get("paths", "default") == "default":
        from orderlint.deploy.surface import rails_app, surface

        app = rails_app(Path.cwd())
        if app is not None:
            paths = surface(app, settings.exclude)
    stdin = None
    if any(str(p) == "-" for p in paths):
        paths = [p for p in paths if str(p) != "-"]
        data = sys.stdin.buffer.read()
        stdin = (options.stdin_filename or "stdin.sh", data)
    elif options.stdin_filename and not paths:
        stdin = (options.stdin_filename, sys.stdin.buffer.read())
    if app is not None:
        pass  # the files found are there; none found is said below
    elif not options.paths and not stdin:
        missing = [p for p in paths if not p.exists()]
        if missing and len(missing) == len(paths):
            origin = settings.origins.get("paths", "default")
            if origin == "default":
                raise OrderlintError(f"{missing[0]}: no such file or directory (orderlint checks ops/ by default; "
                                     f"give the folder of your ops scripts, or set `paths` in the configuration)")
            raise OrderlintError(f"{missing[0]}: no such file or directory (from `paths` in {origin})")
    else:  # every path named on the command line must exist
        missing = next((p for p in paths if not p.exists() and not p.is_symlink()), None)
        if missing is not None:
            raise OrderlintError(f"{missing}: no such file or directory")
    if options.paths and not stdin:
        # a folder that is (or holds) a Rails app's root: its deploy surface too, as a bare run
        from orderlint.deploy.surface import folder_surface

        named = {os.path.realpath(p) for p in paths}
        for given in [p for p in paths if p.is_dir()]:
            for path in folder_surface(given, settings.exclude):
                if os.path.realpath(path) not in named:
                    named.add(os.path.realpath(path))
                    paths.append(path)
    if options.force_exclude and settings.exclude and options.paths:
        from orderlint.shell.discover import excluded

        paths = [p for p in paths if not excluded(p, settings.exclude)]

    fmt = options.output_format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    color = fmt == "text" and use_color(options.color, options.output is not None)
    date = report_date(options.date)
    run_cache = None
    fixing = (settings.fix or options.diff or options.fix_only) and options.write_baseline is None \
        and not options.tasks_only
    if not options.no_cache and stdin is None and options.write_baseline is None and paths and not fixing:
        from orderlint.cli.cache import RunCache

        run_cache = RunCache.open(options, settings, paths, fmt, bool(color), date)
        emitted = run_cache.lookup() if run_cache is not None else None
        if emitted is not None:
            return _emit(emitted, options)

    from orderlint.cli.progress import progress_bar
    from orderlint.pipeline import Analyzer
    from orderlint.report import Report
    from orderlint.rules.check import exit_code, run_rules

    fixed_count, fixed_stdin = 0, None
    if fixing:
        from orderlint.cli.fix import finish_fixes, run_fixes

        with progress_bar(options.color) as progress:
            outcome, analyzer = run_fixes(settings, options, paths, stdin, progress,
                                          lambda r, d: _apply_suppressions_and_baseline(r, d, settings, options))
        done = finish_fixes(outcome, analyzer, options, stdin)
        if isinstance(done, int):  # --diff, --fix-only: printed, nothing to report
            return done
        results, diagnostics, warnings, fixed_count, fixed_stdin = done
    else:
        with progress_bar(options.color) as progress:
            analyzer = Analyzer(settings, jobs=options.jobs, progress=progress)
            results = analyzer.analyze(paths, stdin)
        warnings = list(getattr(analyzer, "warnings", ()))
        diagnostics = run_rules(results, settings)
        diagnostics = _apply_suppressions_and_baseline(results, diagnostics, settings, options)
    if options.write_baseline is not None:
        from orderlint.cli.baseline import write_baseline

        write_baseline(options.write_baseline, diagnostics, results)
        print(f"orderlint: recorded {len(diagnostics)} finding(s) in {options.write_baseline}", file=sys.stderr)
        return EXIT_CLEAN

    emitted = Emitted()
    report = Report(results, tuple(diagnostics), date=date, lang=options.lang,
                    options={"color": bool(color), "show_tasks": options.show_tasks,
                             "tasks_only": options.tasks_only, "quiet": options.quiet,
                             "statistics": options.statistics, "errors": len(results.errors),
                             "unsafe_fixes": settings.unsafe_fixes, "fixing": bool(fixing), "fixed": fixed_count})
    text = render(fmt, report)
    report_on_stderr = ""
    if fixed_stdin is not None:  # ruff's: the fixed script on stdout, the report on stderr
        sys.stdout.buffer.write(fixed_stdin)
        sys.stdout.flush()
        report_on_stderr, text = text.rstrip("\n"), ""
    if options.output is not None:
        emitted.files[str(options.output)] = text
    else:
        emitted.stdout = text
    plain = replace(report, options={"color": False})
    for fmt_name, target in (("json", options.json_output), ("sarif", options.sarif_output),
                             ("markdown", options.markdown_output)):
        if target is not None:
            emitted.files[str(target)] = render(fmt_name, plain)
    if not results.files and not results.errors and not options.quiet and app is not None:
        from orderlint.shell.resolve import display_path

        warnings.append(NO_DEPLOY_FILE.format(app=display_path(app)))
    elif not results.files and not results.errors and not options.quiet:
        shown = ", ".join(str(p) for p in paths[:3]) + (", …" if len(paths) > 3 else "")
        warnings.append(NO_SCRIPT.format(paths=shown or "the given paths"))
    emitted.stderr = [f"orderlint: warning: {w}" for w in dict.fromkeys(warnings)]
    emitted.stderr += [report_on_stderr] if report_on_stderr else []
    emitted.stderr += [f"orderlint: error: {problem}" for problem in results.errors]
    if results.errors:
        emitted.code = EXIT_ERROR
    else:
        emitted.code = EXIT_CLEAN if options.tasks_only else exit_code(diagnostics, settings.fail_level)
    if run_cache is not None and not results.errors:
        run_cache.store(analyzer, results, emitted)
    return _emit(emitted, options)


def _emit(emitted, options: Options) -> int:
    """Print and write a run's outputs (fresh or replayed from the cache); its exit code.
    Warnings (what was left out) come before the report, errors after it."""
    warnings = [line for line in emitted.stderr if line.startswith("orderlint: warning: ")]
    for line in warnings:
        print(line, file=sys.stderr)
    sys.stderr.flush()
    if emitted.stdout:
        sys.stdout.write(emitted.stdout)
        sys.stdout.flush()
    for target, text in emitted.files.items():
        _write(Path(target), text)
    for line in emitted.stderr:
        if not line.startswith("orderlint: warning: "):
            print(line, file=sys.stderr)
    return emitted.code


def _apply_suppressions_and_baseline(results, diagnostics, settings, options):
    try:
        from orderlint.cli.suppress import apply_suppressions
    except ImportError:  # pragma: no cover - while the module is not there
        apply_suppressions = None
    if apply_suppressions is not None and settings.suppressions:
        diagnostics = apply_suppressions(results, diagnostics, settings)
    if options.baseline is not None and options.write_baseline is None:  # writing records every finding
        from orderlint.cli.baseline import filter_baseline

        diagnostics = filter_baseline(options.baseline, diagnostics, results)
    return diagnostics


__all__ = ["Options", "execute", "Severity"]
