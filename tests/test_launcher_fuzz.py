"""Every launcher, by its grammar: truncated after every word, each option with and without its
value, `--opt=value` and `-ovalue` forms, a variable in place of any word. Nothing may raise, and
each command line either finds its task or finds nothing (never a task it does not run).

The default run enumerates the cases of every launcher (more than 10,000 command lines) and
runs a derandomised hypothesis search over chains of launchers; `-m slow` runs a longer,
randomised search.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderlint.model import Pos
from orderlint.shell.extract import parse_nested
from orderlint.shell.launch import classify, project_launchers
from orderlint.shell.syntax import AndOr, Command, Seq

PROJECT = project_launchers(("zammad run", "bin/with-env"))
TASK = "db:migrate"


@dataclass(frozen=True)
class O:
    """An option of a launcher: its short and long names, and a sample value (None: a flag)."""

    short: str | None
    long: str | None
    value: str | None = None
    attached: bool = True  # `-ovalue` is read as the option and its value (bash's `-o` is not)


@dataclass(frozen=True)
class Spec:
    name: str
    head: tuple[str, ...]
    options: tuple[O, ...] = ()
    middle: tuple[str, ...] = ()  # words after the options: the host, container, user, `--`
    after: tuple[O, ...] = ()  # options read after the middle (ssh after its destination)
    tail: tuple[str, ...] = ()  # words between those options and the command
    command: str = "words"  # "words": bin/rails db:migrate; "script": one string; "either"


def F(short, long=None):
    return O(short, long)


SPECS = (
    Spec("docker exec", ("docker",), (O("-H", "--host", "unix:///run/d.sock"), O(None, "--context", "prod")),
         ("exec",), (O("-e", "--env", "RAILS_ENV=production"), O("-u", "--user", "app"), O("-w", "--workdir", "/app"),
                     O(None, "--env-file", ".env"), F("-i", "--interactive"), F("-t", "--tty"), F("-d", "--detach"),
                     F(None, "--privileged"), O(None, "--detach-keys", "ctrl-x")), ("web",)),
    Spec("docker container exec", ("docker", "container", "exec"), (O("-e", "--env", "A=1"), F("-i"), F("-t")),
         ("app-web-1",)),
    Spec("docker run", ("docker", "run"), (O("-e", "--env", "RAILS_ENV=production"), O("-v", "--volume", "/a:/b"),
                                           F(None, "--rm"), F("-i"), F("-t"), O(None, "--network", "host"),
                                           O(None, "--name", "migrate"), O("-w", "--workdir", "/app"),
                                           O(None, "--entrypoint", "/bin/sh"), O("-p", "--publish", "80:80"),
                                           O(None, "--platform", "linux/amd64")), ("app:latest",)),
    Spec("podman run", ("podman", "run"), (F(None, "--rm"), O("-e", "--env", "X=1")), ("app",)),
    Spec("docker compose exec", ("docker", "compose"),
         (O("-f", "--file", "compose.yml"), O("-p", "--project-name", "app"), O(None, "--env-file", ".env.prod"),
          O(None, "--profile", "ops")), ("exec",),
         (F("-T", "--no-TTY"), O("-e", "--env", "RAILS_ENV=production"), O("-u", "--user", "app"),
          O("-w", "--workdir", "/app"), O(None, "--index", "1"), F("-d", "--detach")), ("web",)),
    Spec("docker-compose run", ("docker-compose",), (O("-f", "--file", "compose.yml"),), ("run",),
         (F(None, "--rm"), O("-e", "--env", "A=1"), F(None, "--no-deps"), O(None, "--entrypoint", "sh"),
          F("-T", "--no-TTY"), O("-u", "--user", "app"), O("-v", "--volume", "/a:/b"), O(None, "--name", "m")),
         ("web",)),
    Spec("kubectl exec", ("kubectl",), (O("-n", "--namespace", "prod"), O(None, "--context", "eu")), ("exec",),
         (F("-i", "--stdin"), F("-t", "--tty"), O("-c", "--container", "web"), O(None, "--pod-running-timeout", "1m")),
         ("deploy/web", "--")),
    Spec("kubectl run", ("kubectl", "run", "migrate"), (O(None, "--image", "app:1"), F(None, "--rm"), F("-i"),
                                                        O(None, "--restart", "Never"),
                                                        O(None, "--env", "RAILS_ENV=production")), ("--",)),
    Spec("oc exec", ("oc", "exec"), (O("-n", "--namespace", "p"),), ("web-1", "--")),
    Spec("kamal app exec", ("kamal", "app", "exec"),
         (O("-r", "--roles", "web"), O("-d", "--destination", "staging"), F("-p", "--primary"),
          O(None, "--version", "abc123"), F(None, "--reuse"), F("-i", "--interactive"), O("-h", "--hosts", "1.2.3.4"),
          O("-c", "--config-file", "config/deploy.yml"), F("-q", "--quiet"), F("-v", "--verbose")),
         command="either"),
    Spec("heroku run", ("heroku", "run"), (O("-a", "--app", "myapp"), O("-r", "--remote", "prod"),
                                           O("-s", "--size", "standard-2x"), F("-x", "--exit-code"),
                                           F(None, "--no-tty"), O("-e", "--env", "A=1")), command="either"),
    Spec("heroku run:detached", ("heroku", "run:detached"), (O("-a", "--app", "myapp"),)),
    Spec("fly ssh console", ("fly", "ssh", "console"), (O("-a", "--app", "myapp"), O("-r", "--region", "cdg"),
                                                        F(None, "--pty"), F("-s", "--select")), ("-C",),
         command="script"),
    Spec("flyctl console", ("flyctl", "console"), (O("-a", "--app", "myapp"),), ("--command",), command="script"),
    Spec("ssh", ("ssh",), tuple(O(f"-{c}", None, v) for c, v in (
        ("p", "2222"), ("i", "key.pem"), ("l", "deploy"), ("o", "StrictHostKeyChecking=no"), ("F", "ssh.cfg"),
        ("J", "bastion"), ("L", "8080:localhost:80"), ("R", "9090:localhost:90"), ("D", "1080"), ("b", "10.0.0.1"),
        ("c", "aes128-ctr"), ("E", "ssh.log"), ("e", "none"), ("m", "hmac-sha2-256"), ("O", "check"),
        ("Q", "cipher"), ("S", "/tmp/sock"), ("W", "db:5432"), ("w", "0:0"), ("B", "eth0"), ("I", "pkcs11.so"),
    )) + (F("-t"), F("-A"), F("-q"), F("-T"), F("-4"), F("-C")), ("deploy@app.example.com",),
         (O("-p", None, "2222"), F("-t"), O("-o", None, "BatchMode=yes")), command="either"),
    Spec("sudo", ("sudo",), (O("-u", "--user", "deploy"), O("-g", "--group", "www"), F("-E", "--preserve-env"),
                             F("-H", "--set-home"), F("-n", "--non-interactive"), O("-C", "--close-from", "3"),
                             O("-D", "--chdir", "/srv/app"), O("-p", "--prompt", "pw:"), O("-r", "--role", "r"),
                             O("-T", "--command-timeout", "60"))),
    Spec("su", ("su",), (F("-l", "--login"), O("-s", "--shell", "/bin/bash"), O("-g", "--group", "app")),
         ("deploy", "-c"), command="script"),
    Spec("runuser", ("runuser", "-u", "deploy"), (O("-g", "--group", "app"),), ("--",)),
    Spec("env", ("env",), (F("-i", "--ignore-environment"), O("-u", "--unset", "DATABASE_URL"),
                           O("-C", "--chdir", "/srv/app")), ("RAILS_ENV=production",)),
    Spec("nice", ("nice",), (O("-n", "--adjustment", "10"),)),
    Spec("ionice", ("ionice",), (O("-c", "--class", "2"), O("-n", "--classdata", "7"), F("-t", "--ignore"))),
    Spec("timeout", ("timeout",), (O("-s", "--signal", "KILL"), O("-k", "--kill-after", "30s"),
                                   F(None, "--preserve-status"), F(None, "--foreground"), F("-v", "--verbose")),
         ("300",)),
    Spec("chrt", ("chrt",), (F("-f", "--fifo"), F("-v", "--verbose")), ("10",)),
    Spec("stdbuf", ("stdbuf",), (O("-o", "--output", "L"), O("-e", "--error", "L"), O("-i", "--input", "0"))),
    Spec("nohup", ("nohup",)),
    Spec("time", ("time",), (F("-p"), O("-f", "--format", "%e"))),
    Spec("command", ("command",), (F("-p"),)),
    Spec("flock", ("flock",), (F("-n", "--nonblock"), F("-x", "--exclusive"), O("-w", "--timeout", "10"),
                               O("-E", "--conflict-exit-code", "3")), ("/tmp/migrate.lock",)),
    Spec("flock -c", ("flock",), (F("-n", "--nonblock"), O("-w", "--timeout", "10")), ("/tmp/m.lock", "-c"),
         command="script"),
    Spec("bash -c", ("bash",), (F("-e"), F("-x"), F("-l", "--login"), O("-o", None, "pipefail", attached=False), F("-u"),
                                F(None, "--norc"), O(None, "--rcfile", "rc")), ("-c",), command="script"),
    Spec("sh -c", ("sh",), (F("-e"), O("-o", None, "errexit", attached=False)), ("-c",), command="script"),
    Spec("bundle exec", ("bundle", "exec"), (F(None, "--keep-file-descriptors"), O(None, "--gemfile", "Gemfile"))),
    Spec("mise exec", ("mise", "exec"), (O("-C", "--cd", "/app"), O("-j", "--jobs", "2"), F(None, "--raw")),
         ("ruby@3.3", "--")),
    Spec("mise x", ("mise", "x"), (O("-j", "--jobs", "2"),), ("--",)),
    Spec("asdf exec", ("asdf", "exec")),
    Spec("rbenv exec", ("rbenv", "exec")),
    Spec("chruby-exec", ("chruby-exec", "3.3.0"), (), ("--",)),
    Spec("rvm do", ("rvm", "3.3.0@app", "do")),
    Spec("foreman run", ("foreman", "run"), (O("-e", "--env", ".env"), O("-f", "--procfile", "Procfile"),
                                             O("-d", "--root", "."))),
    Spec("dotenv", ("dotenv",), (O("-f", None, ".env.production"),), ("--",)),
    Spec("op run", ("op", "run"), (O(None, "--env-file", ".env"), F(None, "--no-masking"),
                                   O(None, "--account", "team")), ("--",)),
    Spec("doppler run", ("doppler", "run"), (O("-p", "--project", "app"), O("-c", "--config", "prd"),
                                             F(None, "--preserve-env")), ("--",)),
    Spec("aws-vault exec", ("aws-vault", "exec"), (), ("prod",),
         (O("-d", "--duration", "1h"), F("-n", "--no-session"), O(None, "--region", "eu-west-1")), ("--",)),
    Spec("infisical run", ("infisical", "run"), (O(None, "--env", "prod"), O(None, "--path", "/")), ("--",)),
    Spec("chamber exec", ("chamber", "exec", "app"), (), ("--",)),
    Spec("direnv exec", ("direnv", "exec", "/srv/app")),
    Spec("gosu", ("gosu", "app")),
    Spec("su-exec", ("su-exec", "app")),
    Spec("chpst", ("chpst",), (O("-u", None, "app"), O("-e", None, "/etc/app/env"), F("-v"), F("-P"))),
    Spec("zammad run", ("zammad", "run")),
    Spec("bin/with-env", ("bin/with-env",)),
)

RUNNERS = ("bin/rails", "bundle exec rake", "./bin/rails")
SCRIPTS = (f"'bin/rails {TASK}'", f'"cd /srv/app && bin/rails {TASK}"', f"'sh -c \"bin/rails {TASK}\"'",
           f"\"bash -lc 'bin/rails {TASK}'\"")
VARIABLES = ("$V", '"$V"', "${V}", '"${ARGS[@]}"', "$SSH_OPTS")


def render(o: O, form: str) -> list[str]:
    """One option in one form: short / attached / long / equals, or without its value."""
    name = (o.short if form in ("short", "attached") else o.long) or o.short or o.long
    assert name is not None
    if o.value is None or form == "bare":
        return [name]
    if name.startswith("--"):
        return [f"{name}={o.value}"] if form == "equals" else [name, o.value]
    return [f"{name}{o.value}"] if form == "attached" else [name, o.value]


def command_words(spec: Spec, k: int = 0) -> list[str]:
    if spec.command == "script" or (spec.command == "either" and k % 2):
        return [SCRIPTS[k % len(SCRIPTS)]]
    return RUNNERS[k % len(RUNNERS)].split() + [TASK]


def full(spec: Spec, chosen: list[list[str]], after: list[list[str]] | None = None, k: int = 0) -> list[str]:
    words = list(spec.head)
    for w in chosen:
        words += w
    words += spec.middle
    for w in after or []:
        words += w
    return words + list(spec.tail) + command_words(spec, k)


def tasks_found(text: str, depth: int = 0) -> list[str]:
    """The tasks classify finds in a command line, through the shells it launches."""
    found: list[str] = []
    for node in _commands(parse_nested("ops/deploy.sh", text, Pos(0, 0))):
        launch = classify(node.words, node.stdin, PROJECT)
        if launch.rails is not None:
            found += [t.literal or "" for t in launch.rails.tasks]
        elif launch.shell is not None and depth < 4:
            found += tasks_found(launch.shell.text, depth + 1)
    return found


def _commands(node):
    if isinstance(node, Command):
        yield node
    elif isinstance(node, Seq):
        for item in node.items:
            yield from _commands(item)
    elif isinstance(node, AndOr):
        yield from _commands(node.left)
        yield from _commands(node.right)


def check(words: list[str], must_find: bool) -> None:
    text = " ".join(words)
    found = tasks_found(text)  # never raises
    if must_find:
        assert found == [TASK], text
    else:
        assert found in ([], [TASK]), (text, found)


def enumerate_cases(specs=SPECS):
    """(words, must_find) for every launcher: each option in each form, then the whole line cut
    after every word (alone and followed by the command), and a variable in place of each word."""
    for spec in specs:
        lines: list[tuple[list[str], bool]] = []
        forms = ("short", "attached", "long", "equals", "bare")
        for o in spec.options + spec.after:
            for n, form in enumerate(forms):
                bare = (form == "bare" and o.value is not None) or (form == "attached" and not o.attached)
                chosen = [render(o, form)]
                if o in spec.options:
                    lines.append((full(spec, chosen, k=n), not bare))
                else:
                    lines.append((full(spec, [], chosen, k=n), not bare))
        for n, form in enumerate(forms[:4]):
            every = [render(o, form) for o in spec.options]
            complete = form != "attached" or all(o.attached for o in spec.options + spec.after)
            lines.append((full(spec, every, [render(o, form) for o in spec.after], k=n), complete))
        lines.append((full(spec, []), True))
        for words, must in lines:
            yield words, must
            command = command_words(spec)
            for cut in range(len(words)):
                yield words[:cut], False
                yield words[:cut] + command, False
            for at in range(len(words)):
                for variable in VARIABLES:
                    yield words[:at] + [variable] + words[at + 1:], False


CASES = list(enumerate_cases())


def test_enumeration_covers_every_launcher_with_ten_thousand_lines():
    assert len(CASES) >= 10_000
    from orderlint.shell.launch import LAUNCHERS

    covered = {s.head[0] for s in SPECS}
    missing = set(LAUNCHERS) - covered - {"eval", "ruby", "dash", "zsh", "ksh", "doas", "nodenv", "rtx", "setsid",
                                          "unbuffer", "caffeinate", "cpulimit", "exec", "nocache", "chronic", "ts",
                                          "s6-setuidgid", "setuidgid", "nerdctl", "podman-compose"}
    assert not missing, missing


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_every_launcher_case(spec):
    for words, must in enumerate_cases((spec,)):
        check(words, must)


# -- chains of launchers, searched ------------------------------------------------------------

@st.composite
def chain(draw):
    """Up to three launchers in a row, each with some of its options, then the command; maybe cut,
    maybe a variable in place of a word."""
    words: list[str] = []
    complete = True
    specs = draw(st.lists(st.sampled_from([s for s in SPECS if s.command != "script"]), min_size=1, max_size=3))
    last = draw(st.sampled_from(SPECS))
    for n, spec in enumerate(specs + [last]):
        chosen = []
        for o in draw(st.lists(st.sampled_from(spec.options), max_size=4)) if spec.options else []:
            form = draw(st.sampled_from(("short", "attached", "long", "equals", "bare")))
            complete = complete and not (form == "bare" and o.value is not None)
            chosen.append(render(o, form))
        words += list(spec.head)
        for w in chosen:
            words += w
        words += list(spec.middle) + list(spec.tail)
        if n == len(specs):
            words += command_words(spec, draw(st.integers(0, 5)))
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(words)))
        words, complete = words[:cut], False
    if words and draw(st.booleans()):
        at = draw(st.integers(0, len(words) - 1))
        words[at] = draw(st.sampled_from(VARIABLES))
        complete = False
    return words, complete


def _chain_check(case):
    words, complete = case
    text = " ".join(words)
    found = tasks_found(text)
    assert found in ([], [TASK]), (text, found)


HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large]


@settings(max_examples=400, derandomize=True, deadline=None, suppress_health_check=HEALTH)
@given(chain())
def test_chains_of_launchers(case):
    _chain_check(case)


@pytest.mark.slow
@settings(max_examples=int(os.environ.get("ORDERLINT_FUZZ_EXAMPLES", "10000")), deadline=None,
          suppress_health_check=HEALTH)
@given(chain())
def test_chains_of_launchers_randomised(case):
    _chain_check(case)


# -- through the whole pipeline ----------------------------------------------------------------

TRUNCATED = b"#!/bin/bash\nbin/rails db:migrate\ndocker exec -e\n"


@pytest.mark.parametrize("last", ["docker exec -e", "docker compose exec -e", "docker compose exec web -e",
                                  "kubectl exec -c", "ssh -p", "ssh host -p", "sudo -u", "kamal app exec -r",
                                  "heroku run -a", "timeout", "flock", "mise exec --", "aws-vault exec"])
def test_a_truncated_launcher_at_the_end_of_a_script(tmp_path, last):
    from conftest import project_tree, run_cli

    root = project_tree(tmp_path, {"ops/deploy.sh": TRUNCATED.replace(b"docker exec -e", last.encode())})
    proc = run_cli("ops", "--format", "json", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    import json

    report = json.loads(proc.stdout)
    assert [(i["line"], i["task"]) for i in report["invocations"]] == [(2, "db:migrate")]


def test_every_truncated_launcher_line_in_one_script():
    """Each launcher's whole line cut after every word, one per line after a task, analysed."""
    from orderlint.pipeline import Analyzer
    from orderlint.settings import Settings

    lines = ["#!/bin/bash", "set -e", "bin/rails db:migrate"]
    for spec in SPECS:
        words = full(spec, [render(o, "long") for o in spec.options], [render(o, "short") for o in spec.after])
        lines += [" ".join(words[:cut]) for cut in range(1, len(words) - 1)]
    results = Analyzer(Settings()).analyze([], ("ops/deploy.sh", "\n".join(lines).encode() + b"\n"))
    assert not results.errors, results.errors
