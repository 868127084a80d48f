"""Part of extract: what a command line really launches.

`sudo -u deploy docker compose exec -T web bundle exec rails db:migrate` launches Rails with
the task `db:migrate` through four wrappers; `ssh host 'bash -lc "…"'` launches a shell on a
string. `classify` peels the wrappers off a list of (already expanded) words, each launcher by
its own option grammar (orderlint.shell.launch.grammar): local wrappers in `process`, version
and secret managers in `managers`, containers in `containers`, other machines in `remote`,
shells in `shells`. A project's own launchers (`launchers = ["zammad run"]` in the
configuration) are words that prefix the command they run.
"""

from __future__ import annotations

from orderlint.shell.launch import containers, managers, process, remote
from orderlint.shell.launch.grammar import is_option_word
from orderlint.shell.launch.model import (
    ENV_ASSIGN,
    ENV_LIKE_VARIABLES,
    ENV_VARIABLES,
    RAILS_COMMANDS,
    RAILS_RUNNERS,
    SHELLS,
    TASK_NAME,
    Launch,
    Peel,
    RailsRun,
    ShellRun,
    base_name,
    env_from,
    is_env_name,
    is_rails_runner,
    rails_environment,
)
from orderlint.shell.launch.shells import eval_, sh
from orderlint.shell.syntax import Heredoc, Word

__all__ = [
    "ENV_ASSIGN", "ENV_LIKE_VARIABLES", "ENV_VARIABLES", "LAUNCHERS", "RAILS_COMMANDS", "RAILS_RUNNERS", "SHELLS",
    "TASK_NAME", "Launch", "RailsRun", "ShellRun", "classify", "is_env_name", "is_option_word", "is_rails_runner",
    "project_launchers", "rails_environment",
]

LAUNCHERS = {
    **process.LAUNCHERS, **managers.LAUNCHERS, **containers.LAUNCHERS, **remote.LAUNCHERS, "eval": eval_,
    **{name: sh for name in SHELLS},
}


def project_launchers(entries: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """`("zammad run", "bin/with-env")` → the words of each, longest first."""
    return tuple(sorted((tuple(e.split()) for e in entries if e.split()), key=len, reverse=True))


def _same_command(text: str | None, name: str) -> bool:
    if text is None:
        return False
    return text == name or text.removeprefix("./") == name.removeprefix("./")


def _project_launcher(p: Peel, i: int, launchers: tuple[tuple[str, ...], ...]) -> int | None:
    for prefix in launchers:
        if all(_same_command(p.text(i + k), word) for k, word in enumerate(prefix)):
            p.via.append(" ".join(prefix))
            p.remote = True  # a process of its own: the script's functions are not there
            return i + len(prefix)
    return None


def classify(words: tuple[Word, ...], stdin: Heredoc | None, launchers: tuple[tuple[str, ...], ...] = (),
             services=None) -> Launch:
    """Peel the wrappers off a command line: what runs in the end, and through what.

    `services(files, service)`: the RAILS_ENV that the project's compose files (or the `-f`
    files) give a service, when certain (orderlint.deploy.services)."""
    p = Peel(words, stdin)
    p.services = services
    i = 0
    while i < len(p.words):
        word = p.words[i]
        if p.via and ENV_ASSIGN.match(word.raw):
            env_from(word.literal, p.env)  # `ssh host RAILS_ENV=production bin/rails …`
            i += 1
            continue
        if is_rails_runner(word):
            return p.rails(word.literal or word.raw, i + 1)
        if launchers:
            after = _project_launcher(p, i, launchers)
            if after is not None:
                i = after
                continue
        handler = LAUNCHERS.get(base_name(word.literal)) if word.literal is not None else None
        step = handler(p, i) if handler is not None else None
        if step is None:
            break
        if isinstance(step, Launch):
            return step
        i = step
    return p.launch(words=tuple(p.words[i:]))
