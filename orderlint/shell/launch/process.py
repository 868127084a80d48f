"""Local process wrappers: bundle exec, env, nice, timeout, flock, sudo, su, runuser, gosu, chpst…

Each reads its options by the tool's own grammar (coreutils and util-linux getopt strings,
sudo's, runit's) and hands back the index of the command it runs.
"""

from __future__ import annotations

from orderlint.shell.launch.grammar import grammar, literal, options
from orderlint.shell.launch.model import ENV_ASSIGN, Peel, Step, base_name, env_from, first_with

BUNDLE_EXEC = grammar("--gemfile", "--keep-file-descriptors")
ENV = grammar("-u --unset -C --chdir -S --split-string")
# Wrappers that run the rest of their words after their options, by name.
TRANSPARENT = {
    "nice": grammar("-n --adjustment"),
    "ionice": grammar("-c -n -p -P -u --class --classdata --pid --pgid --uid"),
    "stdbuf": grammar("-i -o -e --input --output --error"),
    "nohup": grammar(),
    "setsid": grammar(),
    "unbuffer": grammar(),
    "caffeinate": grammar("-t -w"),
    "time": grammar("-f -o --format --output"),
    "cpulimit": grammar("-l --limit -p --pid -e --exe"),
    "command": grammar(),
    "exec": grammar("-a"),
    "nocache": grammar(),
    "chronic": grammar(),
    "ts": grammar(),
}
TIMEOUT = grammar("-s --signal -k --kill-after")
FLOCK = grammar("-w --wait --timeout -E --conflict-exit-code")
SUDO = grammar("-a -C -c -D -g -p -R -r -T -t -U -u --user --group --chdir --chroot --prompt --role --type "
               "--other-user --close-from --command-timeout --auth-type --login-class --host", attached="-h")
SU = grammar("-c --command -s --shell -g --group -G --supp-group -w --whitelist-environment --session-command")
RUNUSER = grammar("-u --user -c --command -s --shell -g --group -G --supp-group -w --whitelist-environment "
                  "--session-command")
CHPST = grammar("-u -U -b -e -/ -n -l -L -m -d -o -p -f -c -r -t")
CHRT = grammar("-T -P -D --sched-runtime --sched-period --sched-deadline")


def bundle(p: Peel, i: int) -> Step:
    if p.text(i + 1) != "exec":
        return None
    p.via.append("bundle exec")
    return options(p.words, i + 2, BUNDLE_EXEC)[0]


def ruby(p: Peel, i: int) -> Step:
    script = p.text(i + 1)
    if script is not None and script.endswith(("bin/rails", "bin/rake")):
        return p.rails(f"ruby {script}", i + 2)
    return None


def env(p: Peel, i: int) -> Step:
    j, found = options(p.words, i + 1, ENV)
    if first_with(found, ("-S", "--split-string")):
        return None  # one string split into words: read as a plain command
    while j < len(p.words) and ENV_ASSIGN.match(p.words[j].raw):
        env_from(p.text(j), p.env)
        j += 1
    p.via.append("env")
    return j


def transparent(p: Peel, i: int) -> Step:
    """nice, time, nohup, command…: run their command unchanged."""
    name = base_name(p.text(i) or "")
    if name == "exec" and not p.via:
        return None  # `exec cmd` ends the script: the flow stage handles it
    j, found = options(p.words, i + 1, TRANSPARENT[name])
    if name == "command":
        if first_with(found, ("-v", "-V")):
            return None  # `command -v rails` names a command, runs none
    else:
        p.via.append(name)
    return j


def timeout(p: Peel, i: int) -> Step:
    j, _ = options(p.words, i + 1, TIMEOUT)
    p.via.append(f"timeout {p.words[j].raw}" if j < len(p.words) else "timeout")
    return min(j + 1, len(p.words))  # after the duration


def chrt(p: Peel, i: int) -> Step:
    j, found = options(p.words, i + 1, CHRT)
    if first_with(found, ("-p", "--pid")):
        return None  # changes a running process
    p.via.append("chrt")
    return min(j + 1, len(p.words))  # after the priority


def flock(p: Peel, i: int) -> Step:
    j, _ = options(p.words, i + 1, FLOCK)
    j += 1  # the lock file
    p.via.append("flock")
    if p.text(j) in ("-c", "--command"):
        if j + 1 < len(p.words) and p.words[j + 1].script is not None:
            return p.shell(p.words[j + 1])
        return None
    return min(j, len(p.words))


def sudo(p: Peel, i: int) -> Step:
    j, found = options(p.words, i + 1, SUDO)
    user = first_with(found, ("-u", "--user"))
    shown = None
    if user is not None and user.value is not None:
        shown = user.value if isinstance(user.value, str) else user.value.raw
    login = first_with(found, ("-i", "-s", "--login", "--shell")) is not None
    while j < len(p.words) and ENV_ASSIGN.match(p.words[j].raw):
        env_from(p.text(j), p.env)
        j += 1
    p.via.append(f"sudo -u {shown}" if shown else "sudo")
    p.remote = True
    if j >= len(p.words) and login and p.stdin is not None:
        return p.shell(None)
    return j


def _login_shell(p: Peel, found, name: str) -> Step:
    """su and runuser without `-u`: a shell, reading `-c SCRIPT` or its stdin."""
    p.via.append(name)
    p.remote = True
    script = first_with(found, ("-c", "--command", "--session-command"))
    if script is not None:
        if script.value is None or isinstance(script.value, str) or script.value.script is None:
            return None
        return p.shell(script.value)
    return p.shell(None) if p.stdin is not None else None


def _all_options(p: Peel, i: int, g) -> list:
    """util-linux su reads options before and after the user (`su - app -c '…'`)."""
    found = []
    j = i
    while j < len(p.words):
        j, more = options(p.words, j, g)
        found.extend(more)
        j += 1  # the user, or `-`
    return found


def su(p: Peel, i: int) -> Step:
    return _login_shell(p, _all_options(p, i + 1, SU), "su")


def runuser(p: Peel, i: int) -> Step:
    j, found = options(p.words, i + 1, RUNUSER)
    user = first_with(found, ("-u", "--user"))
    if user is None:
        return _login_shell(p, found + _all_options(p, j, RUNUSER), "runuser")
    p.via.append(f"runuser -u {literal(user.value) or '…'}")
    p.remote = True
    return j


def as_user(p: Peel, i: int) -> Step:
    """gosu USER cmd, su-exec USER cmd, setuidgid USER cmd."""
    j = i + 1
    if j < len(p.words) and (p.text(j) or "").startswith("-"):
        return None  # `gosu --help`, `gosu nobody true` style checks read as plain commands
    p.via.append(f"{base_name(p.text(i) or '')} {p.words[j].raw}" if j < len(p.words) else base_name(p.text(i) or ""))
    p.remote = True
    return min(j + 1, len(p.words))


def chpst(p: Peel, i: int) -> Step:
    j, _ = options(p.words, i + 1, CHPST)
    p.via.append("chpst")
    p.remote = True
    return j


LAUNCHERS = {
    "bundle": bundle, "ruby": ruby, "env": env, "timeout": timeout, "chrt": chrt, "flock": flock, "sudo": sudo,
    "doas": sudo, "su": su, "runuser": runuser, "gosu": as_user, "su-exec": as_user, "setuidgid": as_user,
    "s6-setuidgid": as_user, "chpst": chpst, **{name: transparent for name in TRANSPARENT},
}
