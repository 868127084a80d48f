"""Shells that read a script: `bash -c '…'`, `sh -euxo pipefail -c "…"`, `bash -s <<EOF`, `eval "…"`."""

from __future__ import annotations

from orderlint.shell.launch.model import Peel, ShellRun, Step, base_name, lit_of
from orderlint.shell.syntax import Heredoc, Word

LONG_WITH_VALUE = frozenset({"--rcfile", "--init-file"})


def read_shell(words: tuple[Word, ...], i: int, stdin: Heredoc | None, same_shell: bool = False) -> ShellRun | None:
    """words[i] is the first word after bash/sh. With `-c`, the script is the first word after
    the options (bash reads every option first: `bash -c -e '…'` works)."""
    command = errexit = reads_stdin = False
    n = len(words)
    while i < n:
        text = lit_of(words[i])
        if text is None or not text.startswith(("-", "+")) or text in ("-", "+"):
            break
        if text == "--":
            i += 1
            break
        i += 1
        if text.startswith("--"):
            i += 1 if text in LONG_WITH_VALUE else 0
            continue
        for char in text[1:]:
            if char in "oO":  # `-o errexit`, `-euo pipefail`: the option's name is the next word
                if char == "o" and text[0] == "-" and lit_of(words[i] if i < n else None) == "errexit":
                    errexit = True
                i += 1
            elif text[0] == "-":
                errexit = errexit or char == "e"
                reads_stdin = reads_stdin or char == "s"
                command = command or char == "c"
    if command:
        if i >= n or words[i].script is None:
            return None
        w = words[i]
        return ShellRun(w.script or "", w, None, same_shell, errexit)
    if (i >= n or reads_stdin) and stdin is not None:
        return ShellRun(stdin.text, None, stdin, same_shell, errexit)
    return None


def sh(p: Peel, i: int) -> Step:
    run = read_shell(p.words, i + 1, p.stdin)
    if run is None:
        return None
    name = base_name(p.text(i) or "")
    p.via.append(f"{name} -c" if run.start_word else name)
    p.remote = True
    return p.launch(shell=run)


def eval_(p: Peel, i: int) -> Step:
    p.via.append("eval")
    rest = p.words[i + 1:]
    if len(rest) == 1 and rest[0].script is not None:
        return p.shell(rest[0], same_shell=True)
    return i + 1
