"""Part of extract: what a command line really launches.

`sudo -u deploy docker compose exec -T web bundle exec rails db:migrate` launches Rails with
the task `db:migrate` through four wrappers; `ssh host 'bash -lc "…"'` launches a shell on a
string. `classify` peels the wrappers off a list of (already expanded) words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Union

from orderlint.messages import Message
from orderlint.shell.syntax import Heredoc, Word

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


@dataclass(frozen=True, slots=True)
class RailsRun:
    runner: Word
    tasks: tuple[Word, ...]
    arguments: tuple[Word, ...]  # VAR=value and options, recorded
    dynamic: tuple[Word, ...]  # words that may be task names but are not literal


@dataclass(frozen=True, slots=True)
class ShellRun:
    """A shell that reads a script from a string or from stdin."""

    text: str
    start_word: Word | None  # the word holding the script, None for a heredoc
    heredoc: Heredoc | None
    same_shell: bool  # eval: runs in the current shell, with its functions and options
    errexit: bool = False  # bash -e


@dataclass(frozen=True, slots=True)
class Launch:
    via: tuple[str, ...]
    env: dict[str, str | None] = field(default_factory=dict)
    masks_status: Message | None = None  # why the launcher's exit status is not the command's
    rails: RailsRun | None = None
    shell: ShellRun | None = None
    words: tuple[Word, ...] = ()  # the command run, when it is neither rails nor a shell
    remote: bool = False  # runs on another machine or container: no shell functions there


def _lit(word: Word | None) -> str | None:
    return None if word is None else word.literal


def _base(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def is_rails_runner(word: Word) -> bool:
    name = word.literal
    if name is not None:
        return name in ("bin/rails", "./bin/rails", "bin/rake", "./bin/rake", "rails", "rake") or \
            name.endswith(("/bin/rails", "/bin/rake"))
    last = word.parts[-1] if word.parts else None
    return last is not None and last.kind == "lit" and last.text.endswith(("/bin/rails", "/bin/rake"))


ARRAY_EXPANSION = re.compile(r'^"?\$\{?[A-Za-z_][A-Za-z0-9_]*\[[@*]\]\}?"?$|^"?\$[@*]"?$')


def is_option_word(word: Word) -> bool:
    """`-T`, `--version="$V"`, or `"${opts[@]}"` (options built in an array)."""
    return word.raw.startswith("-") or bool(ARRAY_EXPANSION.match(word.raw))


def _skip_options(words, i, with_value: frozenset[str]) -> int:
    """Skip `-x`, `--long`, `--long=v`, and options in with_value that take the next word."""
    while i < len(words):
        text = _lit(words[i])
        if text is None:
            if not is_option_word(words[i]):
                return i
            i += 1
            continue
        if not text.startswith("-") or text == "-":
            return i
        if text == "--":
            return i + 1
        i += 1
        if text in with_value and "=" not in text:
            i += 1
    return i


def _env_from(text: str | None, env: dict[str, str | None]) -> None:
    if text is None:
        return
    m = ENV_ASSIGN.match(text)
    if m:
        env[m.group(1)] = m.group(2)


SUDO_VALUE = frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "--user", "--group",
                        "--chdir", "--host", "--prompt", "--role", "--type", "--other-user", "--close-from",
                        "--command-timeout"})
SSH_VALUE = frozenset({"-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o",
                       "-p", "-Q", "-R", "-S", "-W", "-w", "-B"})
COMPOSE_GLOBAL_VALUE = frozenset({"-f", "--file", "-p", "--project-name", "--env-file", "--profile",
                                  "--project-directory", "--ansi", "--parallel", "--progress"})
COMPOSE_EXEC_VALUE = frozenset({"-e", "--env", "-u", "--user", "-w", "--workdir", "--index"})
COMPOSE_RUN_VALUE = frozenset({"-e", "--env", "-u", "--user", "-w", "--workdir", "--entrypoint", "-v",
                               "--volume", "--name", "-p", "--publish", "-l", "--label", "--env-from-file",
                               "--cap-add", "--cap-drop", "--pull"})
DOCKER_EXEC_VALUE = frozenset({"-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file",
                               "--detach-keys"})
DOCKER_RUN_VALUE = frozenset({"-e", "--env", "-v", "--volume", "-p", "--publish", "--name", "--network",
                              "--net", "--env-file", "-w", "--workdir", "-u", "--user", "--entrypoint",
                              "--mount", "-l", "--label", "--platform", "-m", "--memory", "--cpus",
                              "--add-host", "-h", "--hostname", "--restart", "--pull", "--cidfile",
                              "--log-driver", "--log-opt", "--ulimit", "--cap-add", "--cap-drop",
                              "--device", "--dns", "--shm-size", "--tmpfs", "--volumes-from", "-a",
                              "--attach", "--expose", "--link", "--health-cmd", "--group-add",
                              "--security-opt", "--runtime", "--gpus", "--ipc", "--pid", "--stop-signal"})
KUBECTL_VALUE = frozenset({"-n", "--namespace", "-c", "--container", "--context", "--kubeconfig",
                           "--cluster", "--user", "-f", "--filename", "--pod-running-timeout", "-s", "--server",
                           "--token", "--as"})
KAMAL_VALUE = frozenset({"-r", "--roles", "-d", "--destination", "-h", "--hosts", "-c", "--config-file",
                         "--env", "-e", "--version"})
HEROKU_VALUE = frozenset({"-a", "--app", "-r", "--remote", "-s", "--size", "-e", "--env", "--type",
                          "-t", "--team"})


def _compose_env(words, start: int, end: int, env: dict[str, str | None]) -> None:
    for j in range(start, end):
        text = _lit(words[j])
        if text in ("-e", "--env") and j + 1 < end:
            _env_from(_lit(words[j + 1]), env)
        elif text is not None and text.startswith("--env="):
            _env_from(text[len("--env="):], env)
        elif text is not None and text.startswith("-e") and len(text) > 2 and "=" in text:
            _env_from(text[2:], env)


def _shell(words, i: int, stdin: Heredoc | None, same_shell: bool = False) -> ShellRun | None:
    """words[i] is the first word after bash/sh."""
    script_index = None
    errexit = False
    reads_stdin = False
    while i < len(words):
        text = _lit(words[i])
        if text is None or not text.startswith(("-", "+")) or text in ("-", "--"):
            if text == "--":
                i += 1
            break
        if text in ("-o", "+o", "-O", "+O"):
            if _lit(words[i + 1] if i + 1 < len(words) else None) == "errexit" and text == "-o":
                errexit = True
            i += 2
            continue
        if text.startswith("--"):
            i += 1
            continue
        flags = text[1:]
        if text.startswith("-"):
            errexit = errexit or "e" in flags
            reads_stdin = reads_stdin or "s" in flags
            if "c" in flags:
                script_index = i + 1
        i += 1
    if script_index is not None:
        if script_index >= len(words) or words[script_index].script is None:
            return None
        w = words[script_index]
        return ShellRun(w.script or "", w, None, same_shell, errexit)
    if (i >= len(words) or reads_stdin) and stdin is not None:
        return ShellRun(stdin.text, None, stdin, same_shell, errexit)
    return None


def _rails(words, i: int) -> RailsRun:
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


class _Peel:
    """What peeling wrappers has found so far: the wrapper chain, the environment, the words."""

    def __init__(self, words: tuple[Word, ...], stdin: Heredoc | None) -> None:
        self.words = words
        self.stdin = stdin
        self.via: list[str] = []
        self.env: dict[str, str | None] = {}
        self.masks: Message | None = None
        self.remote = False

    def text(self, i: int) -> str | None:
        return _lit(self.words[i]) if 0 <= i < len(self.words) else None

    def launch(self, **found) -> Launch:
        return Launch(tuple(self.via), self.env, self.masks, remote=self.remote, **found)

    def rails(self, runner: str, first_task: int) -> Launch:
        self.via.append(runner)
        return self.launch(rails=_rails(self.words, first_task))

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
        return i


# A step returns the final Launch, the index of the next word to peel, or None: a plain
# command starts at the current word.
Step = Union[Launch, int, None]


def _bundle(p: _Peel, i: int) -> Step:
    if p.text(i + 1) != "exec":
        return None
    p.via.append("bundle exec")
    return i + 2


def _ruby(p: _Peel, i: int) -> Step:
    script = p.text(i + 1)
    if script is not None and script.endswith(("bin/rails", "bin/rake")):
        return p.rails(f"ruby {script}", i + 2)
    return None


def _env(p: _Peel, i: int) -> Step:
    i = _skip_options(p.words, i + 1, frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}))
    while i < len(p.words) and ENV_ASSIGN.match(p.words[i].raw):
        _env_from(p.text(i), p.env)
        i += 1
    p.via.append("env")
    return i


TRANSPARENT_OPTIONS = {"nice": {"-n", "--adjustment"}, "ionice": {"-c", "-n", "-t", "--class", "--classdata"},
                       "stdbuf": {"-i", "-o", "-e"}}


def _transparent(p: _Peel, i: int) -> Step:
    """nice, time, nohup, command…: run their command unchanged."""
    base = _base(p.text(i) or "")
    if base == "exec" and not p.via:
        return None  # `exec cmd` ends the script: the flow stage handles it
    if base != "command":
        p.via.append(base)
    return _skip_options(p.words, i + 1, frozenset(TRANSPARENT_OPTIONS.get(base, ())))


def _timeout(p: _Peel, i: int) -> Step:
    i = _skip_options(p.words, i + 1, frozenset({"-s", "--signal", "-k", "--kill-after"}))
    p.via.append(f"timeout {p.words[i].raw}" if i < len(p.words) else "timeout")
    return i + 1  # after the duration


def _flock(p: _Peel, i: int) -> Step:
    j = _skip_options(p.words, i + 1, frozenset({"-w", "--timeout", "-E", "--conflict-exit-code"})) + 1
    p.via.append("flock")
    if p.text(j) in ("-c", "--command") and j + 1 < len(p.words) and p.words[j + 1].script is not None:
        return p.shell(p.words[j + 1])
    return j


def _sudo(p: _Peel, i: int) -> Step:
    j, login, user = i + 1, False, None
    while j < len(p.words):
        text = p.text(j)
        if text is None or not text.startswith("-"):
            break
        if text == "--":
            j += 1
            break
        takes_value = text in SUDO_VALUE or (not text.startswith("--") and len(text) > 2 and
                                             f"-{text[-1]}" in SUDO_VALUE)
        if text.startswith("--user="):
            user = text.split("=", 1)[1]
        elif takes_value and text[-1] == "u" or text == "--user":
            user = p.words[j + 1].raw if j + 1 < len(p.words) else None
        if text in ("-i", "-s", "--login", "--shell") or (not text.startswith("--") and not takes_value and
                                                          ("i" in text[1:] or "s" in text[1:])):
            login = True
        j += 2 if takes_value else 1
    while j < len(p.words) and ENV_ASSIGN.match(p.words[j].raw):
        _env_from(p.text(j), p.env)
        j += 1
    p.via.append(f"sudo -u {user}" if user else "sudo")
    p.remote = True
    if j >= len(p.words) and login and p.stdin is not None:
        return p.shell(None)
    return j


def _su(p: _Peel, i: int) -> Step:
    j, script = i + 1, None
    while j < len(p.words):
        text = p.text(j)
        if text in ("-c", "--command") and j + 1 < len(p.words):
            script = p.words[j + 1]
            j += 2
        elif text in ("-s", "--shell", "-g", "--group", "-w") and j + 1 < len(p.words):
            j += 2
        else:
            j += 1  # a flag, or the user
    p.via.append("su")
    p.remote = True
    if script is not None and script.script is not None:
        return p.shell(script)
    return p.shell(None) if p.stdin is not None else None


def _sh(p: _Peel, i: int) -> Step:
    run = _shell(p.words, i + 1, p.stdin)
    if run is None:
        return None
    p.via.append(f"{_base(p.text(i) or '')} -c" if run.start_word else _base(p.text(i) or ""))
    p.remote = True
    return p.launch(shell=run)


def _eval(p: _Peel, i: int) -> Step:
    p.via.append("eval")
    rest = p.words[i + 1:]
    if len(rest) == 1 and rest[0].script is not None:
        return p.shell(rest[0], same_shell=True)
    return i + 1


def _ssh(p: _Peel, i: int) -> Step:
    j = i + 1
    while j < len(p.words) and (p.text(j) or "").startswith("-"):
        j += 2 if p.text(j) in SSH_VALUE else 1
    if j >= len(p.words) or p.text(j) is None and not p.words[j].raw:
        return None
    p.via.append(f"ssh {p.words[j].raw}")
    return p.remote_command(j + 1)


def _container_command(p: _Peel, i: int, label: str, values: frozenset[str]) -> Step:
    """`… exec|run [OPTIONS] TARGET cmd…`: options, then the service/container/image, then the command."""
    j = _skip_options(p.words, i, values)
    _compose_env(p.words, i, j, p.env)
    if j >= len(p.words):
        return None
    p.via.append(f"{label} {p.words[j].raw}")
    p.remote = True
    return j + 1


def _compose_from(p: _Peel, i: int) -> Step:
    """words[i] is the first word after `docker compose` / `docker-compose`."""
    i = _skip_options(p.words, i, COMPOSE_GLOBAL_VALUE)
    sub = p.text(i)
    if sub not in ("exec", "run"):
        return None
    values = COMPOSE_EXEC_VALUE if sub == "exec" else COMPOSE_RUN_VALUE
    return _container_command(p, i + 1, f"docker compose {sub}", values)


def _compose(p: _Peel, i: int) -> Step:
    return _compose_from(p, i + 1)


def _docker(p: _Peel, i: int) -> Step:
    i = _skip_options(p.words, i + 1, frozenset({"-H", "--host", "--context", "-c", "--config", "-l", "--log-level"}))
    sub = p.text(i)
    if sub == "compose":
        return _compose_from(p, i + 1)
    if sub == "container":
        i += 1
        sub = p.text(i)
    if sub not in ("exec", "run"):
        return None
    return _container_command(p, i + 1, f"docker {sub}", DOCKER_EXEC_VALUE if sub == "exec" else DOCKER_RUN_VALUE)


def _kubectl(p: _Peel, i: int) -> Step:
    j = _skip_options(p.words, i + 1, KUBECTL_VALUE)
    if p.text(j) == "run":  # kubectl run NAME --image=… [--env=K=V] -- cmd…
        dash = next((m for m in range(j + 1, len(p.words)) if p.text(m) == "--"), None)
        if dash is None:
            return None
        for m in range(j + 1, dash):
            text = p.text(m) or ""
            if text.startswith("--env="):
                _env_from(text[len("--env="):], p.env)
        p.via.append(f"kubectl run {p.words[j + 1].raw if j + 1 < dash else ''}".rstrip())
        p.remote = True
        return dash + 1
    if p.text(j) != "exec":
        return None
    k = _skip_options(p.words, j + 1, KUBECTL_VALUE)
    dash = next((m for m in range(j + 1, len(p.words)) if p.text(m) == "--"), k)
    target = p.words[k].raw if k < len(p.words) and k <= dash else ""
    p.via.append(f"kubectl exec {target}".rstrip())
    p.remote = True
    return dash + 1


def _kamal(p: _Peel, i: int) -> Step:
    j = i + 2 if p.text(i + 1) == "app" else i + 1
    if p.text(j) != "exec":
        return None
    k = j + 1
    while k < len(p.words) and is_option_word(p.words[k]):
        text = p.text(k) or ""
        if text in ("-d", "--destination"):
            p.env.setdefault("KAMAL_DESTINATION", p.text(k + 1))
        elif text.startswith("--destination="):
            p.env.setdefault("KAMAL_DESTINATION", text.split("=", 1)[1])
        k += 2 if text in KAMAL_VALUE else 1
    p.via.append("kamal app exec")
    return p.remote_command(k)


def _heroku(p: _Peel, i: int) -> Step:
    if p.text(i + 1) not in ("run", "run:inside", "run:detached"):
        return None
    # The heroku CLI takes its own flags before and after the command; only `--` ends them.
    rest: list[Word] = []
    exit_code = False
    k = i + 2
    while k < len(p.words):
        text = p.text(k)
        if text == "--":
            rest.extend(p.words[k + 1:])
            break
        if text in ("--exit-code", "-x"):
            exit_code = True
            k += 1
        elif text in HEROKU_VALUE:
            k += 2
        elif text is not None and text.startswith("--") and "=" in text and text.split("=")[0] in HEROKU_VALUE:
            k += 1
        elif not rest and is_option_word(p.words[k]):
            k += 1  # a heroku flag such as --no-tty, before the command
        else:
            rest.append(p.words[k])
            k += 1
    p.words = p.words[:i + 2] + tuple(rest)
    detached = p.text(i + 1) == "run:detached"
    p.via.append("heroku run:detached" if detached else "heroku run")
    if detached:
        p.masks = p.masks or Message("flow.heroku-detached")
    elif not exit_code:
        p.masks = p.masks or Message("flow.heroku-run")
    return p.remote_command(i + 2)


LAUNCHERS = {
    "bundle": _bundle, "ruby": _ruby, "env": _env, "timeout": _timeout, "flock": _flock, "sudo": _sudo,
    "su": _su, "eval": _eval, "ssh": _ssh, "docker": _docker, "podman": _docker, "docker-compose": _compose,
    "podman-compose": _compose, "kubectl": _kubectl, "oc": _kubectl, "kamal": _kamal, "heroku": _heroku,
    **{name: _transparent for name in ("nice", "ionice", "chrt", "stdbuf", "nohup", "command", "setsid",
                                       "unbuffer", "caffeinate", "time", "chpst", "cpulimit", "exec")},
    **{name: _sh for name in SHELLS},
}


def classify(words: tuple[Word, ...], stdin: Heredoc | None) -> Launch:
    """Peel the wrappers off a command line: what runs in the end, and through what."""
    p = _Peel(words, stdin)
    i = 0
    while i < len(p.words):
        word = p.words[i]
        if p.via and ENV_ASSIGN.match(word.raw):
            _env_from(word.literal, p.env)  # `ssh host RAILS_ENV=production bin/rails …`
            i += 1
            continue
        if is_rails_runner(word):
            return p.rails(word.literal or word.raw, i + 1)
        handler = LAUNCHERS.get(_base(word.literal)) if word.literal is not None else None
        step = handler(p, i) if handler is not None else None
        if step is None:
            break
        if isinstance(step, Launch):
            return step
        i = step
    return p.launch(words=tuple(p.words[i:]))
