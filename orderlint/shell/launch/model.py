"""What a command line launches: the types `classify` builds, Rails runs, and the peeling state.

`sudo -u deploy docker compose exec -T web bundle exec rails db:migrate` launches Rails with
the task `db:migrate` through four wrappers; `ssh host 'bash -lc "…"'` launches a shell on a
string. Each launcher peels its own words off (orderlint.shell.launch.process, .remote).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Union

from orderlint.messages import Message
from orderlint.shell.launch.grammar import Opt, literal
from orderlint.shell.syntax import Heredoc, Part, Word

SHELLS = frozenset({"bash", "sh", "dash", "zsh", "ksh"})
RAILS_RUNNERS = frozenset({"rails", "rake"})
# `rails` subcommands that are not rake tasks: nothing after them is a task.
RAILS_COMMANDS = frozenset({
    "server", "s", "console", "c", "runner", "r", "generate", "g", "destroy", "d", "new",
    "dbconsole", "plugin", "app:template", "credentials:edit", "credentials:show",
    "encrypted:edit", "encrypted:show", "secret", "help", "version",
})
TASK_NAME = re.compile(r"^[A-Za-z_][\w.-]*(?::[\w.-]+)*(?:\[[^\]]*\])?$")
ENV_ASSIGN = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)


@dataclass(slots=True, unsafe_hash=True)
class RailsRun:
    runner: Word
    tasks: tuple[Word, ...]
    arguments: tuple[Word, ...]  # VAR=value and options, recorded
    dynamic: tuple[Word, ...]  # words that may be task names but are not literal


@dataclass(slots=True, unsafe_hash=True)
class ShellRun:
    """A shell that reads a script from a string or from stdin."""

    text: str
    start_word: Word | None  # the word holding the script, None for a heredoc
    heredoc: Heredoc | None
    same_shell: bool  # eval: runs in the current shell, with its functions and options
    errexit: bool = False  # bash -e


@dataclass(slots=True, unsafe_hash=True)
class Launch:
    via: tuple[str, ...]
    env: dict[str, str | None] = field(default_factory=dict)
    masks_status: Message | None = None  # why the launcher's exit status is not the command's
    rails: RailsRun | None = None
    shell: ShellRun | None = None
    words: tuple[Word, ...] = ()  # the command run, when it is neither rails nor a shell
    remote: bool = False  # runs on another machine or container: no shell functions there


def lit_of(word: Word | None) -> str | None:
    return None if word is None else word.literal


def base_name(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def is_rails_runner(word: Word) -> bool:
    name = word.literal
    if name is not None:
        return name in ("bin/rails", "./bin/rails", "bin/rake", "./bin/rake", "rails", "rake") or \
            name.endswith(("/bin/rails", "/bin/rake"))
    last = word.parts[-1] if word.parts else None
    return last is not None and last.kind == "lit" and last.text.endswith(("/bin/rails", "/bin/rake"))


def env_from(text: str | None, env: dict[str, str | None]) -> None:
    if text is None:
        return
    m = ENV_ASSIGN.match(text)
    if m:
        env[m.group(1)] = m.group(2)


def rails_run(words, i: int) -> RailsRun:
    runner = words[i - 1]
    tasks: list[Word] = []
    arguments: list[Word] = []
    dynamic: list[Word] = []
    j = i
    first = True
    while j < len(words):
        w = words[j]
        text = w.literal
        j += 1
        if text is None:
            if ENV_ASSIGN.match(w.raw):
                arguments.append(w)
            elif first or tasks:
                dynamic.append(w)
            continue
        if text.startswith("-"):
            arguments.append(w)
            if text in ("-e", "--environment", "-f", "--rakefile", "-I", "--libdir", "-r", "--require",
                        "-R", "--rakelibdir", "-C", "--directory") and j < len(words):
                arguments.append(words[j])
                j += 1
            continue
        if ENV_ASSIGN.match(text):
            arguments.append(w)
            continue
        if first and text in RAILS_COMMANDS:
            break
        first = False
        if TASK_NAME.match(text.strip()):  # strip: an escaped quote in a re-parsed string leaves a space
            tasks.append(w)
    return RailsRun(runner, tuple(tasks), tuple(arguments), tuple(dynamic))


ENV_VARIABLES = ("RAILS_ENV", "RACK_ENV")
ENV_LIKE_VARIABLES = ENV_VARIABLES + ("APP_ENV", "ENVIRONMENT", "DEPLOY_ENV", "TARGET_ENV", "ENV", "STAGE")


def is_env_name(variable: str) -> bool:
    """RAILS_ENV, DEPLOY_ENV, target_env, env, ENVIRONMENT, STAGE…: a variable naming the environment."""
    lowered = variable.lower()
    return variable in ENV_LIKE_VARIABLES or lowered in ("env", "environment", "stage", "rails_env") or \
        lowered.endswith("_env")


def rails_environment(run: RailsRun) -> str | None:
    args = [a.literal for a in run.arguments]
    for k, text in enumerate(args):
        if text is None:
            continue
        for var in ("RAILS_ENV=", "RACK_ENV="):
            if text.startswith(var):
                return text[len(var):]
        if text in ("-e", "--environment") and k + 1 < len(args):
            return args[k + 1]
        if text.startswith("--environment="):
            return text.split("=", 1)[1]
    return None


class Peel:
    """What peeling wrappers has found so far: the wrapper chain, the environment, the words."""

    def __init__(self, words: tuple[Word, ...], stdin: Heredoc | None) -> None:
        self.words = words
        self.stdin = stdin
        self.via: list[str] = []
        self.env: dict[str, str | None] = {}
        self.masks: Message | None = None
        self.remote = False
        # (compose files given with -f, service) → the RAILS_ENV the compose files give it, if certain
        self.services: Callable[..., str | None] | None = None

    def text(self, i: int) -> str | None:
        return lit_of(self.words[i]) if 0 <= i < len(self.words) else None

    def launch(self, **found) -> Launch:
        return Launch(tuple(self.via), self.env, self.masks, remote=self.remote, **found)

    def rails(self, runner: str, first_task: int) -> Launch:
        self.via.append(runner)
        return self.launch(rails=rails_run(self.words, first_task))

    def shell(self, script: Word | None, same_shell: bool = False, errexit: bool = False) -> Launch:
        """A shell reading `script`, or the heredoc on stdin when script is None."""
        if script is not None:
            return self.launch(shell=ShellRun(script.script or "", script, None, same_shell, errexit))
        assert self.stdin is not None
        return self.launch(shell=ShellRun(self.stdin.text, None, self.stdin, same_shell, errexit))

    def remote_command(self, i: int) -> Launch | int | None:
        """After `ssh HOST`, `kamal app exec`, `heroku run`: one string is a script, several words a command."""
        self.remote = True
        rest = self.words[i:]
        if not rest:
            return self.shell(None) if self.stdin is not None else None
        if len(rest) == 1 and rest[0].script is not None and " " in (rest[0].literal or rest[0].script):
            return self.shell(rest[0])
        joined = joined_script(rest)
        if joined is not None:
            return self.shell(joined)
        return i


REMOTE_SYNTAX = re.compile(r"""[\s;&|<>()$`'"\\]""")


def joined_script(words: tuple[Word, ...]) -> Word | None:
    """ssh, kamal and heroku join their command's words with spaces for the remote shell: when one
    of them holds shell syntax (`sudo -iu app bash -lc "'cd /app && bin/rails db:migrate'"`), the
    remote shell parses the joined text. Each word's text is kept at its column (all on one line)."""
    if not any(REMOTE_SYNTAX.search(w.literal or "") for w in words):
        return None
    if any(w.literal is None or w.script is None or w.script_start is None for w in words):
        return None
    row = words[0].start.row
    if any(w.start.row != row or w.end.row != row or w.script_start.row != row for w in words):  # type: ignore[union-attr]
        return None
    start = words[0].script_start
    assert start is not None
    text = ""
    for w in words:
        assert w.script_start is not None and w.script is not None
        text += " " * max(1 if text else 0, w.script_start.col - start.col - len(text)) + w.script
    return Word((Part("lit", text, True),), words[0].path, words[0].start, words[-1].end, text, text, start)


# A step returns the final Launch, the index of the next word to peel, or None: a plain
# command starts at the current word.
Step = Union[Launch, int, None]



def env_options(found: list[Opt], env: dict[str, str | None], names: tuple[str, ...] = ("-e", "--env")) -> None:
    """`-e KEY=VALUE`, `--env=KEY=VALUE`: the environment a launcher gives its command."""
    for o in found:
        if o.name in names:
            env_from(literal(o.value), env)


def first_with(found: list[Opt], names: tuple[str, ...]) -> Opt | None:
    return next((o for o in found if o.name in names), None)
