"""`--fix`, `--unsafe-fixes`, `--diff`, `--fix-only`: the rounds of fixes of one run, the files
written (byte for byte: line ends, encoding and mode kept), the diff printed instead."""

from __future__ import annotations

import difflib
from pathlib import Path

from orderlint.model import OrderlintError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def finish_fixes(outcome, analyzer, options, stdin):
    """After the rounds. With --diff or --fix-only: print what was done, return the exit code.
    Else write the fixed files and return what the report shows: (results, diagnostics,
    warnings, how many findings were fixed, the fixed stdin or None)."""
    import sys

    results = outcome.results
    warnings = list(getattr(analyzer, "warnings", ())) + rejected_lines(outcome)

    def say_warnings() -> None:
        for line in dict.fromkeys(warnings):
            print(f"orderlint: warning: {line}", file=sys.stderr)

    def say_errors() -> None:
        for problem in results.errors:
            print(f"orderlint: error: {problem}", file=sys.stderr)

    if options.diff:
        say_warnings()
        sys.stdout.write(unified_diff(outcome))
        changed = len(outcome.changed)
        if not options.quiet:
            print(f"{_plural(changed, 'file', 'files')} would be changed by "
                  f"{_plural(len(outcome.fixed), 'fix', 'fixes')}." if changed else "No fix to apply.", file=sys.stderr)
        say_errors()
        return EXIT_ERROR if results.errors else (EXIT_FINDINGS if changed else EXIT_CLEAN)
    fixed_stdin = write_fixed(outcome, stdin[0] if stdin else None)
    if stdin is not None and fixed_stdin is None:
        fixed_stdin = stdin[1]  # nothing fixed: the script as it came
    if options.fix_only:
        say_warnings()
        if fixed_stdin is not None:
            sys.stdout.buffer.write(fixed_stdin)
            sys.stdout.flush()
        elif not options.quiet:
            count = len(outcome.fixed)
            print(f"Fixed {_plural(count, 'finding', 'findings')}." if count else "No fix to apply.")
        say_errors()
        return EXIT_ERROR if results.errors else EXIT_CLEAN
    return results, outcome.diagnostics, warnings, len(outcome.fixed), fixed_stdin


def run_fixes(settings, options, paths, stdin, progress, apply_filters):
    """The fix rounds over the run's files; `apply_filters(results, diagnostics)` applies the
    suppressions and the baseline as the report does. Returns (outcome, analyzer)."""
    from orderlint.fix.rounds import fix_rounds
    from orderlint.pipeline import Analyzer
    from orderlint.rules._fix import read_disk
    from orderlint.rules.check import run_rules
    from orderlint.shell.resolve import real_path

    stdin_name, stdin_data = stdin if stdin is not None else (None, None)

    def read(path: str) -> bytes | None:
        return stdin_data if path == stdin_name else read_disk(path)

    last = {}

    def analyze(texts: dict[str, bytes]):
        analyzer = Analyzer(settings, jobs=options.jobs, progress=progress if not last else None)
        overlay = {}
        for path, data in texts.items():
            if path != stdin_name:
                try:
                    overlay[real_path(Path(path))] = data
                except (OSError, RuntimeError, ValueError):
                    continue
        analyzer.loader.overlay = overlay
        feed = (stdin_name, texts.get(stdin_name, stdin_data)) if stdin is not None else None
        results = analyzer.analyze(paths, feed)
        diagnostics = run_rules(results, settings, read=lambda p: texts[p] if p in texts else read(p))
        last["analyzer"] = analyzer
        return results, apply_filters(results, diagnostics)

    outcome = fix_rounds(analyze, read, settings.unsafe_fixes)
    return outcome, last["analyzer"]


def unified_diff(outcome) -> str:
    """What --fix would write, as `diff -u` prints it: `patch -p0` and `git apply` take it."""
    parts = []
    for path, new in sorted(outcome.changed.items()):
        old = outcome.originals[path]
        a = old.decode("utf-8", "surrogateescape").splitlines(keepends=True)
        b = new.decode("utf-8", "surrogateescape").splitlines(keepends=True)
        lines = list(difflib.unified_diff(a, b, fromfile=path, tofile=path))
        for line in lines:
            parts.append(line)
            if not line.endswith("\n"):
                parts.append("\n\\ No newline at end of file\n")
    return "".join(parts)


def write_fixed(outcome, stdin_name: str | None) -> bytes | None:
    """Write each changed file (the fixed text of stdin is returned instead, for stdout)."""
    fixed_stdin = None
    for path, data in sorted(outcome.changed.items()):
        if path == stdin_name:
            fixed_stdin = data
            continue
        try:
            Path(path).write_bytes(data)  # in place: its mode, owner and links stay as they were
        except OSError as exc:
            raise OrderlintError(f"{path}: cannot write the fixed file ({exc.strerror or exc})") from None
    return fixed_stdin


def rejected_lines(outcome) -> list[str]:
    """One warning per fix set aside. One that would make another rule report (a queue task made
    non-blocking no longer guarantees what ran before the seed) is left to be fixed by hand; one
    that keeps its own finding or breaks the script is a bug of the rule's fix."""
    out = []
    for d, why in outcome.rejected:
        line = f"fix of {d.code} at {d.path}:{d.line}:{d.column} not applied: {why}"
        if why.id != "autofix.rejected-new":
            line += f"; this is a bug in orderlint's {d.code} fix, please report it"
        out.append(line)
    return out
