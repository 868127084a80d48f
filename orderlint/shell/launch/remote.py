"""Other machines: ssh, kamal app exec, heroku run, fly ssh console.

OpenSSH reads options before the destination and again after it (`ssh host -p 2222 cmd`);
its command is the rest, one string being a script for the remote shell. Kamal (Thor) and
heroku (oclif) read their flags anywhere before `--`; what is left is the command.
"""

from __future__ import annotations

from orderlint.messages import Message
from orderlint.shell.launch.grammar import grammar, literal, options, permuted
from orderlint.shell.launch.model import Peel, Step, first_with

SSH = grammar("-b -B -c -D -E -e -F -I -i -J -L -l -m -O -o -p -Q -R -S -W -w")
KAMAL = grammar("-r --roles -d --destination -h --hosts -c --config-file --version -e --env")
HEROKU = grammar("-a --app -r --remote -s --size -e --env --type -t --team")
FLY = grammar("-a --app -c --config -C --command -A --address -r --region --machine -u --user -O --org "
              "--process-group -t --access-token")


def ssh(p: Peel, i: int) -> Step:
    j, _ = options(p.words, i + 1, SSH)
    if j >= len(p.words) or (p.words[j].literal is None and not p.words[j].raw):
        return None
    host = p.words[j]
    if p.text(j - 1) == "--" and j - 1 > i:
        k = j + 1  # after `--`, no more options
    else:
        k, _ = options(p.words, j + 1, SSH)  # OpenSSH reads options after the destination too
    p.via.append(f"ssh {host.raw}")
    return p.remote_command(k)


def _command_words(p: Peel, i: int, positional: list[int]) -> int:
    """Keep the command's words only (the options read anywhere are dropped); their index."""
    p.words = p.words[:i] + tuple(p.words[k] for k in positional)
    return i


def kamal(p: Peel, i: int) -> Step:
    j, before = options(p.words, i + 1, KAMAL)  # class options may come before `app`
    if p.text(j) == "app":
        j, between = options(p.words, j + 1, KAMAL)  # and between `app` and `exec` (Thor)
        before = before + between
    if p.text(j) != "exec":
        return None
    found, positional = permuted(p.words, j + 1, KAMAL)
    # A variable of unknown text among the words, before the command: options (`$DEST_FLAG`).
    while len(positional) > 1 and p.words[positional[0]].literal is None and \
            len(p.words[positional[0]].parts) == 1 and p.words[positional[0]].parts[0].kind == "var" and \
            not p.words[positional[0]].parts[0].quoted:
        positional.pop(0)
    for o in before + found:
        value = literal(o.value)
        if o.name in ("-d", "--destination") and value:
            p.env.setdefault("KAMAL_DESTINATION", value)
        elif o.name in ("-e", "--env") and value and ":" in value:
            key, _, v = value.partition(":")
            p.env.setdefault(key, v)
    p.via.append("kamal app exec")
    return p.remote_command(_command_words(p, j + 1, positional))


def heroku(p: Peel, i: int) -> Step:
    sub = p.text(i + 1)
    if sub not in ("run", "run:inside", "run:detached"):
        return None
    found, positional = permuted(p.words, i + 2, HEROKU)
    exit_code = first_with(found, ("-x", "--exit-code")) is not None
    detached = sub == "run:detached"
    p.via.append("heroku run:detached" if detached else "heroku run")
    if detached:
        p.masks = p.masks or Message("flow.heroku-detached")
    elif not exit_code:
        p.masks = p.masks or Message("flow.heroku-run")
    return p.remote_command(_command_words(p, i + 2, positional))


def fly(p: Peel, i: int) -> Step:
    """fly ssh console -C CMD, fly console --command CMD (flyctl alike)."""
    j, _ = options(p.words, i + 1, FLY)
    if p.text(j) == "ssh" and p.text(j + 1) == "console":
        start, label = j + 2, "fly ssh console"
    elif p.text(j) == "console":
        start, label = j + 1, "fly console"
    else:
        return None
    found, _ = permuted(p.words, start, FLY)
    command = first_with(found, ("-C", "--command"))
    if command is None or command.value is None or isinstance(command.value, str):
        return None
    p.via.append(label)
    p.remote = True
    word = command.value
    if word.script is not None and " " in (word.literal or word.script):
        return p.shell(word)
    p.words = p.words[:start] + (word,)
    return start


LAUNCHERS = {"ssh": ssh, "kamal": kamal, "heroku": heroku, "fly": fly, "flyctl": fly}
