"""Part of extract: what a command line really launches.

`sudo -u deploy docker compose exec -T web bundle exec rails db:migrate` launches Rails with
the task `db:migrate` through four wrappers; `ssh host 'bash -lc "…"'` launches a shell on a
string. `classify` peels the wrappers off a list of (already expanded) words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from orderlint.syntax import Heredoc, Word

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
    masks_status: str | None = None  # why the launcher's exit status is not the command's
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


def _skip_options(words, i, with_value: frozenset[str], stop_at_first_positional=True) -> int:
    """Skip `-x`, `--long`, `--long=v`, and options in with_value that take the next word."""
    while i < len(words):
        text = _lit(words[i])
        if text is None or not text.startswith("-") or text == "-":
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
                         "--env", "-e", "--skip-hooks"})
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


def _compose(words, i: int, via: list[str], env: dict) -> int | None:
    """words[i] is the first word after `docker compose` / `docker-compose`."""
    i = _skip_options(words, i, COMPOSE_GLOBAL_VALUE)
    sub = _lit(words[i]) if i < len(words) else None
    if sub not in ("exec", "run"):
        return None
    values = COMPOSE_EXEC_VALUE if sub == "exec" else COMPOSE_RUN_VALUE
    j = _skip_options(words, i + 1, values)
    _compose_env(words, i + 1, j, env)
    if j >= len(words):
        return None
    via.append(f"docker compose {sub} {words[j].raw}")
    return j + 1


def _docker(words, i: int, via: list[str], env: dict) -> int | None:
    """words[i] is the first word after `docker`."""
    i = _skip_options(words, i, frozenset({"-H", "--host", "--context", "-c", "--config", "-l", "--log-level"}))
    sub = _lit(words[i]) if i < len(words) else None
    if sub == "compose":
        return _compose(words, i + 1, via, env)
    if sub == "container" and i + 1 < len(words):
        i += 1
        sub = _lit(words[i])
    if sub in ("exec", "run"):
        values = DOCKER_EXEC_VALUE if sub == "exec" else DOCKER_RUN_VALUE
        j = _skip_options(words, i + 1, values)
        _compose_env(words, i + 1, j, env)
        if j >= len(words):
            return None
        via.append(f"docker {sub} {words[j].raw}")
        return j + 1
    return None


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


def _remote_words(words, i: int, stdin: Heredoc | None) -> tuple[ShellRun | None, int | None]:
    """After ssh HOST / kamal app exec / heroku run: one string is a script, several words a command."""
    rest = words[i:]
    if not rest:
        if stdin is not None:
            return ShellRun(stdin.text, None, stdin, False), None
        return None, None
    if len(rest) == 1 and rest[0].script is not None and " " in (rest[0].literal or rest[0].script):
        return ShellRun(rest[0].script, rest[0], None, False), None
    return None, i


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


def classify(words: tuple[Word, ...], stdin: Heredoc | None) -> Launch:
    via: list[str] = []
    env: dict[str, str | None] = {}
    masks: str | None = None
    remote = False
    i = 0
    while i < len(words):
        w = words[i]
        name = w.literal
        if via and ENV_ASSIGN.match(w.raw):
            _env_from(name, env)  # `ssh host RAILS_ENV=production bin/rails …`
            i += 1
            continue
        if name is None:
            if is_rails_runner(w):
                return Launch(tuple(via + [w.raw]), env, masks, rails=_rails(words, i + 1), remote=remote)
            break
        base = _base(name)
        nxt = _lit(words[i + 1]) if i + 1 < len(words) else None
        if is_rails_runner(w):
            return Launch(tuple(via + [name]), env, masks, rails=_rails(words, i + 1), remote=remote)
        if base == "ruby" and nxt is not None and (nxt.endswith(("bin/rails", "bin/rake"))):
            return Launch(tuple(via + [f"ruby {nxt}"]), env, masks, rails=_rails(words, i + 2), remote=remote)
        if base == "bundle" and nxt == "exec":
            via.append("bundle exec")
            i += 2
            continue
        if base == "env":
            i = _skip_options(words, i + 1, frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}))
            while i < len(words) and ENV_ASSIGN.match(words[i].raw):
                _env_from(_lit(words[i]), env)
                i += 1
            via.append("env")
            continue
        if base == "exec" and via:
            via.append("exec")  # exec under a wrapper: the script ends with the wrapper anyway
            i += 1
            continue
        if base in ("nice", "ionice", "chrt", "stdbuf", "nohup", "command", "setsid", "unbuffer",
                    "caffeinate", "time", "chpst", "cpulimit"):
            values = {"nice": {"-n", "--adjustment"}, "ionice": {"-c", "-n", "-t", "--class", "--classdata"},
                      "stdbuf": {"-i", "-o", "-e"}}.get(base, set())
            i = _skip_options(words, i + 1, frozenset(values))
            if base != "command":
                via.append(base)
            continue
        if base == "timeout":
            i = _skip_options(words, i + 1, frozenset({"-s", "--signal", "-k", "--kill-after"}))
            i += 1  # the duration
            via.append(f"timeout {words[i - 1].raw}" if i <= len(words) else "timeout")
            continue
        if base == "flock":
            j = _skip_options(words, i + 1, frozenset({"-w", "--timeout", "-E", "--conflict-exit-code"}))
            j += 1  # the lock file
            text = _lit(words[j]) if j < len(words) else None
            if text in ("-c", "--command") and j + 1 < len(words):
                shell = words[j + 1]
                if shell.script is not None:
                    return Launch(tuple(via + ["flock"]), env, masks,
                                  shell=ShellRun(shell.script, shell, None, False), remote=remote)
            via.append("flock")
            i = j
            continue
        if base == "sudo":
            j = i + 1
            login = False
            user = None
            while j < len(words):
                text = _lit(words[j])
                if text is None or not text.startswith("-"):
                    break
                if text == "--":
                    j += 1
                    break
                if text in ("-u", "--user") and j + 1 < len(words):
                    user = words[j + 1].raw
                if text.startswith("--user="):
                    user = text.split("=", 1)[1]
                if text in ("-i", "-s", "--login", "--shell") or (not text.startswith("--") and
                                                                  ("i" in text[1:] or "s" in text[1:])
                                                                  and text not in SUDO_VALUE):
                    login = True
                takes_value = text in SUDO_VALUE or (not text.startswith("--") and len(text) > 2 and
                                                     f"-{text[-1]}" in SUDO_VALUE)
                if takes_value and text[-1] == "u" and j + 1 < len(words):
                    user = words[j + 1].raw
                j += 2 if takes_value else 1
            while j < len(words) and ENV_ASSIGN.match(words[j].raw):
                _env_from(_lit(words[j]), env)
                j += 1
            via.append(f"sudo -u {user}" if user else "sudo")
            remote = True
            if j >= len(words) and login and stdin is not None:
                return Launch(tuple(via), env, masks, shell=ShellRun(stdin.text, None, stdin, False), remote=True)
            i = j
            continue
        if base == "su":
            j = i + 1
            script: Word | None = None
            while j < len(words):
                text = _lit(words[j])
                if text in ("-c", "--command") and j + 1 < len(words):
                    script = words[j + 1]
                    j += 2
                elif text is not None and text.startswith("--command="):
                    j += 1
                elif text in ("-s", "--shell", "-g", "--group", "-w") and j + 1 < len(words):
                    j += 2
                elif text is not None and text.startswith("-"):
                    j += 1
                else:
                    j += 1  # the user
            via.append("su")
            if script is not None and script.script is not None:
                return Launch(tuple(via), env, masks, shell=ShellRun(script.script, script, None, False), remote=True)
            if stdin is not None:
                return Launch(tuple(via), env, masks, shell=ShellRun(stdin.text, None, stdin, False), remote=True)
            break
        if base in SHELLS:
            shell = _shell(words, i + 1, stdin)
            if shell is not None:
                return Launch(tuple(via + [f"{base} -c" if shell.start_word else base]), env, masks, shell=shell,
                              remote=True)
            break
        if base == "eval":
            rest = words[i + 1:]
            if len(rest) == 1 and rest[0].script is not None:
                return Launch(tuple(via + ["eval"]), env, masks,
                              shell=ShellRun(rest[0].script, rest[0], None, True), remote=remote)
            i += 1
            via.append("eval")
            continue
        if base == "ssh":
            j = i + 1
            while j < len(words):
                text = _lit(words[j])
                if text is None or not text.startswith("-"):
                    break
                j += 2 if (text in SSH_VALUE) else 1
            if j >= len(words):
                break
            via.append(f"ssh {words[j].raw}")
            remote = True
            shell, nxt_i = _remote_words(words, j + 1, stdin)
            if shell is not None:
                return Launch(tuple(via), env, masks, shell=shell, remote=True)
            if nxt_i is None:
                break
            i = nxt_i
            continue
        if base in ("docker", "podman"):
            j = _docker(words, i + 1, via, env)
            if j is None:
                break
            remote = True
            i = j
            continue
        if base in ("docker-compose", "podman-compose"):
            j = _compose(words, i + 1, via, env)
            if j is None:
                break
            remote = True
            i = j
            continue
        if base in ("kubectl", "oc"):
            j = _skip_options(words, i + 1, KUBECTL_VALUE)
            if _lit(words[j] if j < len(words) else None) != "exec":
                break
            dash = next((k for k in range(j + 1, len(words)) if _lit(words[k]) == "--"), None)
            if dash is None:
                k = _skip_options(words, j + 1, KUBECTL_VALUE)
                target, dash = (words[k] if k < len(words) else None), k
            else:
                k = _skip_options(words, j + 1, KUBECTL_VALUE)
                target = words[k] if k < dash else None
            via.append(f"kubectl exec {target.raw if target else ''}".rstrip())
            remote = True
            i = dash + 1
            continue
        if base == "kamal":
            j = i + 1
            if _lit(words[j] if j < len(words) else None) == "app":
                j += 1
            if _lit(words[j] if j < len(words) else None) != "exec":
                break
            k = j + 1
            while k < len(words):
                text = _lit(words[k])
                if text is None or not text.startswith("-"):
                    break
                if text in ("-d", "--destination") and k + 1 < len(words):
                    env.setdefault("KAMAL_DESTINATION", _lit(words[k + 1]))
                elif text.startswith("--destination="):
                    env.setdefault("KAMAL_DESTINATION", text.split("=", 1)[1])
                k += 2 if text in KAMAL_VALUE else 1
            via.append("kamal app exec")
            remote = True
            shell, nxt_i = _remote_words(words, k, stdin)
            if shell is not None:
                return Launch(tuple(via), env, masks, shell=shell, remote=True)
            if nxt_i is None:
                break
            i = nxt_i
            continue
        if base == "heroku" and nxt in ("run", "run:inside", "run:detached"):
            k = i + 2
            exit_code = False
            while k < len(words):
                text = _lit(words[k])
                if text is None or not text.startswith("-"):
                    break
                if text in ("--exit-code", "-x"):
                    exit_code = True
                k += 2 if text in HEROKU_VALUE else 1
            # The heroku CLI takes its own flags after the command too; only `--` ends them.
            rest: list[Word] = []
            m = k
            while m < len(words):
                text = _lit(words[m])
                if text == "--":
                    rest.extend(words[m + 1:])
                    break
                if text in ("--exit-code", "-x"):
                    exit_code = True
                    m += 1
                elif text in HEROKU_VALUE:
                    m += 2
                elif text is not None and text.startswith(tuple(f"{o}=" for o in HEROKU_VALUE if o.startswith("--"))):
                    m += 1
                else:
                    rest.append(words[m])
                    m += 1
            words = tuple(words[:k]) + tuple(rest)
            via.append("heroku run")
            remote = True
            if not exit_code:
                masks = masks or "`heroku run` exits 0 whatever the command's status (add `--exit-code`)"
            shell, nxt_i = _remote_words(words, k, stdin)
            if shell is not None:
                return Launch(tuple(via), env, masks, shell=shell, remote=True)
            if nxt_i is None:
                break
            i = nxt_i
            continue
        break
    return Launch(tuple(via), env, masks, words=tuple(words[i:]), remote=remote)
