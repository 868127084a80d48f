"""dockerfile: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`.

Read by hand: the format is line-based and the maintained Python packages keep instruction
lines but not where each character of a continued line comes from. Instructions are joined
across escaped line ends (the escape character of an `# escape=` directive, `\\` by default),
dropping the comment lines between them, each character kept at its own line and column;
a `RUN <<EOF` heredoc is the script its lines hold.

- `RUN` in shell form runs in the build with `SHELL` (`/bin/sh -c` by default, no `set -e`;
  `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` sets its options); a failing `RUN` fails the
  build, and the instructions after it never run.
- `ENTRYPOINT` and `CMD` of the last stage run when a container starts: an exec-form
  `ENTRYPOINT` gets the `CMD` words as its arguments (a script of the repository, such as
  Rails's `bin/docker-entrypoint`, is followed into), a shell-form one runs alone.
  Paths below the last `WORKDIR` are the build context's (`COPY . .`).
- `ENV` gives the variables of the instructions after it (`ENV RAILS_ENV="production"`).
"""

from __future__ import annotations

import json
import re

from orderlint.deploy.host import Placed, Source, Step, literal_env

DIRECTIVE = re.compile(r"^#\s*escape\s*=\s*(\S)\s*$", re.I)
HEREDOC = re.compile(r"<<-?\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\1")
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _exec_form(src: Source, args: Placed) -> list[Placed] | None:
    text = args.value.strip()
    if not text.startswith("["):
        return None
    try:
        words = json.loads(text)
    except ValueError:
        return None
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        return None
    out = []
    for m, word in zip(JSON_STRING.finditer(args.value), words):
        inner = args[m.start() + 1:m.end() - 1]
        out.append(inner if inner.value == word else Placed(word, inner.index or args.index[m.start():m.start() + 1]))
    return out if len(out) == len(words) else None


def _instructions(src: Source):
    """(instruction, its arguments placed, first row, last row) in file order."""
    escape = "\\"
    rows = len(src.starts)
    row = 0
    directives = True
    while row < rows:
        line = src.line(row)
        stripped = line.strip()
        if directives:
            m = DIRECTIVE.match(stripped)
            if m:
                escape = m.group(1)
                row += 1
                continue
            if not stripped.startswith("#"):
                directives = False
        if not stripped or stripped.startswith("#"):
            row += 1
            continue
        first = row
        value: list[str] = []
        index: list[int] = []
        while row < rows:
            line = src.line(row)
            start = src.starts[row]
            body = line.rstrip()
            if row > first and (not body.strip() or body.lstrip().startswith("#")):
                row += 1
                continue
            if body.endswith(escape) and not body.endswith(escape * 2):
                cut = len(body) - 1
                value.extend(line[:cut])
                index.extend(range(start, start + cut))
                row += 1
                continue
            value.extend(line)
            index.extend(range(start, start + len(line)))
            row += 1
            break
        text = "".join(value)
        m = re.match(r"\s*([A-Za-z]+)\s*", text)
        if not m:
            continue
        args = Placed(text[m.end():], tuple(index[m.end():]))
        last = row - 1
        docs = list(HEREDOC.finditer(args.value))
        if m.group(1).upper() == "RUN" and docs:
            # The heredocs' lines follow the instruction: the shell reads them as its own.
            extra_value, extra_index = ["\n"], [index[-1] if index else src.starts[first]]
            for doc in docs:
                while row < rows:
                    line = src.line(row)
                    start = src.starts[row]
                    extra_value.extend(line + "\n")
                    extra_index.extend(range(start, start + len(line) + 1))
                    row += 1
                    if line.strip() == doc.group(2):
                        break
            last = row - 1
            if args.value.lstrip().startswith("<<") and len(docs) == 1:
                # `RUN <<EOF`: the heredoc is the script
                body_value = "".join(extra_value[1:])
                body_value = body_value[:body_value.rstrip("\n").rfind("\n") + 1]
                args = Placed(body_value, tuple(extra_index[1:1 + len(body_value)]))
            else:
                args = Placed(args.value + "".join(extra_value), args.index + tuple(extra_index))
        yield m.group(1).upper(), args, first, last


def read(src: Source) -> list[Step]:
    steps: list[Step] = []
    env: list[tuple[str, object]] = []
    shell = ("/bin/sh -c", False, False)
    workdir = ""
    entry = cmd = None
    stages: dict[str, tuple] = {}
    current = ""  # the name of the stage being read (`FROM … AS name`)
    for name, args, first, last in _instructions(src):
        start = src.pos(src.starts[first] + len(src.line(first)) - len(src.line(first).lstrip()))
        if name == "FROM":
            words = args.value.split()
            image = next((w for w in words if not w.startswith("--")), "").lower()
            # a stage built on an earlier one keeps its environment, shell, workdir, entrypoint
            env, shell, workdir, entry, cmd = stages.get(image, ([], ("/bin/sh -c", False, False), "", None, None))
            env = list(env)
            current = words[-1].lower() if len(words) >= 3 and words[-2].lower() == "as" else ""
        elif name == "ENV":
            words = src.split(args)
            if len(words) == 2 and "=" not in words[0].value:
                env.append((words[0].value, words[1].value))
            else:
                env.extend(tuple(w.value.split("=", 1)) for w in words if "=" in w.value)
        elif name == "WORKDIR":
            workdir = args.value.strip().rstrip("/")
        elif name == "SHELL":
            words = _exec_form(src, args) or []
            flags = [w.value for w in words[1:]]
            errexit = any(f.startswith("-") and not f.startswith("--") and "e" in f[1:] for f in flags)
            pipefail = "pipefail" in flags
            shell = (" ".join(w.value for w in words) or "/bin/sh -c", errexit, pipefail)
        elif name == "RUN":
            words = _exec_form(src, args)
            errexit, pipefail, how = shell[1], shell[2], shell[0]
            if words is not None:
                body, errexit, how = src.command(words)
                errexit, pipefail, how = bool(errexit), False, how or "exec"
            else:
                body = src.shell(args)
            steps.append(Step(body=body, start=start, end_row=last, label="RUN", group="build",
                              errexit=errexit, pipefail=pipefail, shell=how, env=literal_env(env)))
            src.spans[first] = last
        elif name in ("ENTRYPOINT", "CMD"):
            found = (args, _exec_form(src, args), start, first, last, literal_env(env), shell)
            if name == "ENTRYPOINT":
                entry = found
            else:
                cmd = found
        if current:
            stages[current] = (list(env), shell, workdir, entry, cmd)
    if entry is None and cmd is None:
        return steps
    main = entry or cmd
    args, words, start, first, last, variables, how = main
    label = "ENTRYPOINT" if entry is not None else "CMD"
    if words is None:  # shell form: `/bin/sh -c`, the CMD words are not passed on
        body = src.shell(args)
    else:
        words = [_in_context(w, workdir) for w in words]
        if entry is not None and cmd is not None:
            words += cmd[1] if cmd[1] is not None else [Placed("/bin/sh", cmd[0].index[:1]),
                                                        Placed("-c", cmd[0].index[:1]), cmd[0].strip()]
            last = max(last, cmd[4])
        body, errexit, started = src.command(words)
        how = (started or "exec", bool(errexit), False)
    steps.append(Step(body=body, start=start, end_row=last, label=label, group="container",
                      errexit=how[1], pipefail=how[2], shell=how[0], env=variables))
    src.spans[first] = last
    if cmd is not None and entry is not None:
        src.spans[cmd[3]] = cmd[4]
    return steps


def _in_context(word: Placed, workdir: str) -> Placed:
    """`/rails/bin/docker-entrypoint` under `WORKDIR /rails` is the build context's `bin/…`."""
    if workdir and word.value.startswith(workdir + "/"):
        return Placed("./" + word.value[len(workdir) + 1:], word.index)
    return word
