"""Containers: docker / podman (exec, run, container exec|run), docker compose / docker-compose
(exec, run), kubectl / oc (exec, run).

docker's and compose's `exec` and `run` stop reading options at the container, service or image
(the Go CLI turns interspersed flags off there): what follows is the command. `docker run` and
`compose run` have so many options with values that their grammar names the flags instead.
kubectl reads its flags anywhere before `--`; the command follows `--`.
"""

from __future__ import annotations

from orderlint.shell.launch.grammar import Grammar, grammar, literal, options
from orderlint.shell.launch.model import Peel, Step, env_from, env_options

DOCKER_GLOBAL = grammar("-H --host -c --context --config -l --log-level --tlscacert --tlscert --tlskey")
DOCKER_EXEC = grammar("-e --env --env-file -u --user -w --workdir --detach-keys")
DOCKER_RUN = grammar("-a -c -e -h -l -m -p -u -v -w",
                     flags="--detach --interactive --tty --rm --privileged --init --publish-all --read-only "
                           "--sig-proxy --oom-kill-disable --no-healthcheck --disable-content-trust --quiet "
                           "--use-api-socket --help")
COMPOSE_GLOBAL = grammar("-f --file -p --project-name --env-file --profile --project-directory --ansi --parallel "
                         "--progress")
COMPOSE_EXEC = grammar("-e --env --index -u --user -w --workdir")
COMPOSE_RUN = grammar("-e -l -p -u -v -w",
                      flags="--detach --interactive --no-TTY --no-deps --quiet-pull --remove-orphans --rm "
                            "--service-ports --use-aliases --quiet --build --dry-run --quiet-build --tty --help")
KUBECTL = grammar("-n --namespace --context --kubeconfig --cluster --user -s --server --token --as --as-group "
                  "--as-uid --request-timeout -v --v --certificate-authority --client-certificate --client-key "
                  "--cache-dir --tls-server-name --username --password --profile --profile-output --log-file "
                  "--vmodule -c --container -f --filename --pod-running-timeout --image --env --port --labels -l "
                  "--overrides --restart --serviceaccount --image-pull-policy --annotations --timeout "
                  "--override-type --cascade --field-manager --grace-period -o --output --template")


def container_command(p: Peel, i: int, label: str, g: Grammar) -> Step:
    """`… exec|run [OPTIONS] TARGET cmd…`: options, then the service/container/image, then the command."""
    j, found = options(p.words, i, g)
    env_options(found, p.env)
    if j >= len(p.words):
        return None
    p.via.append(f"{label} {p.words[j].raw}")
    p.remote = True
    return j + 1


def compose_from(p: Peel, i: int) -> Step:
    """words[i] is the first word after `docker compose` / `docker-compose`."""
    i, top = options(p.words, i, COMPOSE_GLOBAL)
    sub = p.text(i)
    if sub not in ("exec", "run"):
        return None
    g = COMPOSE_EXEC if sub == "exec" else COMPOSE_RUN
    _, found = options(p.words, i + 1, g)
    step = container_command(p, i + 1, f"docker compose {sub}", g)
    if isinstance(step, int) and p.services is not None:
        service_env(p, top, found, p.text(step - 1))
    return step


def service_env(p: Peel, top: list, found: list, service: str | None) -> None:
    """The container runs with its service's environment (from the compose files), not the
    launcher's: a literal RAILS_ENV there is the task's, unless `-e RAILS_ENV=…` replaces it."""
    services = p.services
    if services is None or service is None or any(o.name == "" for o in top + found):
        return  # `$COMPOSE_OPTS` may name other files or set the variable
    for o in found:
        if o.name in ("-e", "--env"):
            text = literal(o.value)
            if text is None or text.split("=", 1)[0] in ("RAILS_ENV", "RACK_ENV"):
                return  # set on the command line (env_options took a literal value), or unknown
    given = tuple(literal(o.value) for o in top if o.name in ("-f", "--file"))
    if any(g is None for g in given) or any(o.name == "--project-directory" for o in top):
        return
    value = services(given, service)
    if value:
        p.env.pop("RACK_ENV", None)
        p.env["RAILS_ENV"] = value


def compose(p: Peel, i: int) -> Step:
    return compose_from(p, i + 1)


def docker(p: Peel, i: int) -> Step:
    i, _ = options(p.words, i + 1, DOCKER_GLOBAL)
    sub = p.text(i)
    if sub == "compose":
        return compose_from(p, i + 1)
    if sub == "container":
        i += 1
        sub = p.text(i)
    if sub not in ("exec", "run"):
        return None
    return container_command(p, i + 1, f"docker {sub}", DOCKER_EXEC if sub == "exec" else DOCKER_RUN)


def kubectl(p: Peel, i: int) -> Step:
    j, _ = options(p.words, i + 1, KUBECTL)
    sub = p.text(j)
    if sub not in ("exec", "run"):
        return None
    n = len(p.words)
    dash = next((m for m in range(j + 1, n) if p.text(m) == "--"), n)
    region = p.words[:dash]
    positional: list[int] = []
    k, found = j + 1, []
    while k < dash:  # flags anywhere before `--` (cobra), around the pod
        k, more = options(region, k, KUBECTL)
        found.extend(more)
        if k < dash:
            positional.append(k)
            k += 1
    for o in found:
        if o.name == "--env":
            env_from(literal(o.value), p.env)
    start = dash + 1 if dash < n else None
    if start is None and sub == "exec" and len(positional) > 1:
        # `kubectl exec POD CMD…` (the old form, without `--`): the words after the pod, when no
        # flag was read among them
        first = positional[1]
        if positional[1:] == list(range(first, n)):
            start = first
    if start is None:
        return None
    target = p.words[positional[0]].raw if positional else ""
    p.via.append(f"kubectl {sub} {target}".rstrip())
    p.remote = True
    return start


LAUNCHERS = {
    "docker": docker, "podman": docker, "nerdctl": docker, "docker-compose": compose, "podman-compose": compose,
    "kubectl": kubectl, "oc": kubectl,
}
