"""Version and secret managers that run a command: mise, asdf, rbenv, chruby-exec, rvm, foreman,
dotenv, op, doppler, aws-vault, infisical, chamber, direnv.

Their grammars, from each tool's documentation: `mise exec [FLAGS] [TOOL@VERSION]… -- COMMAND`
(or `-c STRING`), `chruby-exec RUBY [RUBYOPTS] -- COMMAND`, `rvm VERSION do COMMAND`,
`op run [--env-file F] -- COMMAND`, `doppler run [FLAGS] -- COMMAND` (or `--command STRING`),
`aws-vault exec PROFILE [FLAGS] [--] COMMAND`.
"""

from __future__ import annotations

from orderlint.shell.launch.grammar import Grammar, grammar, options
from orderlint.shell.launch.model import Peel, Step, first_with

MISE_GLOBAL = grammar("-C --cd -E --env -j --jobs")
MISE_EXEC = grammar("-c --command -j --jobs -C --cd --allow-env --allow-net --allow-read --allow-write "
                    "--deny-env --deny-net --deny-read --deny-write")
FOREMAN_RUN = grammar("-e --env -f --procfile -d --root")
DOTENV = grammar("-f -e")
OP_RUN = grammar("--env-file --account --config --encoding --session")
DOPPLER_RUN = grammar("-p --project -c --config --command --fallback --token --mount --mount-format "
                      "--mount-template --mount-max-reads --name-transformer --fallback-passphrase --passphrase "
                      "--configuration --api-host --dashboard-host --scope --only-secrets --dns-resolver-address "
                      "--dns-resolver-proto --dns-resolver-timeout --watch-interval")
AWS_VAULT_EXEC = grammar("-d --duration -t --mfa-token --region --prompt --backend --keychain --pass-dir "
                         "--pass-cmd --pass-prefix --file-dir --secret-service-collection --config-file")
INFISICAL_RUN = grammar("--env -e --path --projectId --token --tags --domain --command")
CHAMBER_EXEC = grammar("--pristine --strict-value -b --backend")


def _after_dash(p: Peel, start: int) -> int | None:
    """The index after the first `--` from `start`, or None."""
    return next((k + 1 for k in range(start, len(p.words)) if p.text(k) == "--"), None)


def _positional_run(p: Peel, i: int, g: Grammar, label: str, script_options: tuple[str, ...] = ()) -> Step:
    """`TOOL run [OPTIONS] [--] COMMAND`: options (interleaved as Cobra reads them), then the command;
    an option in script_options holds a command string run by a shell."""
    j, found = options(p.words, i, g)
    script = first_with(found, script_options) if script_options else None
    if script is not None and (script.value is None or isinstance(script.value, str) or script.value.script is None):
        return None
    p.via.append(label)
    p.remote = True  # a new process: the script's functions are not there
    return p.shell(script.value) if script is not None and not isinstance(script.value, str) else j


def mise(p: Peel, i: int) -> Step:
    j, _ = options(p.words, i + 1, MISE_GLOBAL)
    name = p.text(i) or "mise"
    if p.text(j) not in ("exec", "x"):
        return None
    dash = _after_dash(p, j + 1)
    end = dash - 1 if dash is not None else len(p.words)
    region = p.words[:end]  # flags and TOOL@VERSION words, in any order, before `--`
    k, found = j + 1, []
    while k < end:
        k, more = options(region, k, MISE_EXEC)
        found.extend(more)
        k += 1  # a tool
    p.via.append(f"{name} exec")
    p.remote = True
    script = first_with(found, ("-c", "--command"))
    if script is not None:
        value = script.value
        if value is None or isinstance(value, str) or value.script is None:
            return None
        return p.shell(value)
    return dash  # the command comes only after `--`


def exec_sub(p: Peel, i: int) -> Step:
    """asdf exec CMD, rbenv exec CMD, nodenv exec CMD."""
    if p.text(i + 1) != "exec":
        return None
    p.via.append(f"{p.text(i)} exec")
    return i + 2


def chruby_exec(p: Peel, i: int) -> Step:
    after = _after_dash(p, i + 1)
    if after is None:
        return None  # chruby-exec needs `--` before the command
    p.via.append("chruby-exec")
    p.remote = True
    return after


def rvm(p: Peel, i: int) -> Step:
    """rvm 3.3.0 do CMD, rvm 3.3@app do CMD, rvm in DIR do CMD."""
    do = next((k for k in range(i + 1, min(len(p.words), i + 5)) if p.text(k) == "do"), None)
    if do is None:
        return None
    p.via.append("rvm do")
    p.remote = True
    return do + 1


def foreman(p: Peel, i: int) -> Step:
    if p.text(i + 1) != "run":
        return None
    return _positional_run(p, i + 2, FOREMAN_RUN, "foreman run")


def dotenv(p: Peel, i: int) -> Step:
    return _positional_run(p, i + 1, DOTENV, "dotenv")


def op(p: Peel, i: int) -> Step:
    if p.text(i + 1) != "run":
        return None
    return _positional_run(p, i + 2, OP_RUN, "op run")


def doppler(p: Peel, i: int) -> Step:
    if p.text(i + 1) != "run":
        return None
    return _positional_run(p, i + 2, DOPPLER_RUN, "doppler run", ("--command",))


def infisical(p: Peel, i: int) -> Step:
    if p.text(i + 1) != "run":
        return None
    return _positional_run(p, i + 2, INFISICAL_RUN, "infisical run", ("--command",))


def aws_vault(p: Peel, i: int) -> Step:
    """aws-vault exec PROFILE [FLAGS] [--] COMMAND: flags before and after the profile (kingpin)."""
    if p.text(i + 1) != "exec":
        return None
    j, _ = options(p.words, i + 2, AWS_VAULT_EXEC)
    if j >= len(p.words) or p.text(j - 1) == "--":
        return None  # no profile
    profile = p.words[j]
    k, _ = options(p.words, j + 1, AWS_VAULT_EXEC)
    p.via.append(f"aws-vault exec {profile.raw}")
    p.remote = True
    return k


def chamber(p: Peel, i: int) -> Step:
    """chamber exec SERVICE… -- COMMAND."""
    if p.text(i + 1) != "exec":
        return None
    after = _after_dash(p, i + 2)
    if after is None:
        return None
    p.via.append("chamber exec")
    p.remote = True
    return after


def direnv(p: Peel, i: int) -> Step:
    """direnv exec DIR COMMAND."""
    if p.text(i + 1) != "exec":
        return None
    p.via.append("direnv exec")
    p.remote = True
    return min(i + 3, len(p.words))


LAUNCHERS = {
    "mise": mise, "rtx": mise, "asdf": exec_sub, "rbenv": exec_sub, "nodenv": exec_sub,
    "chruby-exec": chruby_exec, "rvm": rvm, "foreman": foreman, "dotenv": dotenv, "op": op, "doppler": doppler,
    "infisical": infisical, "aws-vault": aws_vault, "chamber": chamber, "direnv": direnv,
}
