#!/usr/bin/env python3
"""Keeps orderlint's annotations on the lines a pull request added or changed.

    python3 filter_changed.py ANNOTATIONS --base COMMIT --fail-level LEVEL --status N

As reviewdog's `filter_mode: added`: ANNOTATIONS is orderlint's `--format github` output; an
annotation is printed if its span (`line` to `endLine`) holds a line that `git diff -U0`
shows added or changed between COMMIT (its merge base with HEAD when the history has one) and
the work tree; any other line of ANNOTATIONS is printed as it is. The exit status is then what
orderlint's would be for the findings kept: 1 if one of them is at or above LEVEL, else 0;
N, orderlint's own status, is kept when it is neither 0 nor 1 (usage, configuration or input
error). A base commit missing from a shallow clone is fetched (`git fetch --depth=1 origin
COMMIT`). When the changed lines cannot be known (no COMMIT: not a pull request; not a git work
tree; the commit cannot be fetched) every annotation is kept, with a warning.

Standard library only; paths in annotations are relative to the current directory, as orderlint
writes them.
"""

import argparse
import os
import re
import subprocess
import sys

ANNOTATION = re.compile(r"^::(error|warning|notice) ([^:]*)::")
HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
SEVERITY = {"notice": 0, "warning": 1, "error": 2}
LEVELS = {"info": 0, "warning": 1, "error": 2}
GIT_CONFIG = ["-c", "core.quotePath=false", "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false",
              "-c", "diff.relative=false"]


class Unknown(Exception):
    """The changed lines cannot be known."""


def log(message):
    sys.stderr.write("orderlint: %s\n" % message)


def unescape(value):
    """actions/toolkit's escaping of property values, undone."""
    return (value.replace("%2C", ",").replace("%3A", ":").replace("%0A", "\n").replace("%0D", "\r")
            .replace("%25", "%"))


def parse(line):
    """(severity, path, first line, last line) of an annotation, None for any other line."""
    m = ANNOTATION.match(line)
    if not m:
        return None
    props = {}
    for item in m.group(2).split(","):
        key, sep, value = item.partition("=")
        if sep:
            props[key] = unescape(value)
    if "file" not in props or "line" not in props:
        return None
    first = int(props["line"])
    last = int(props.get("endLine", first))
    return m.group(1), props["file"], first, max(first, last)


def git(*args, cwd=None):
    proc = subprocess.run(["git"] + GIT_CONFIG + list(args), cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    return proc.returncode, proc.stdout.decode("utf-8", "surrogateescape"), proc.stderr.decode("utf-8", "replace")


def unquote_path(text):
    """A path as git writes it in a diff header, C-quoted when it holds special characters."""
    if not text.startswith('"'):
        return text
    body = text[1:-1]
    out = bytearray()
    i = 0
    simple = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in "01234567":
                out.append(int(body[i + 1:i + 4], 8))
                i += 4
                continue
            out.append(simple.get(nxt, ord(nxt)))
            i += 2
            continue
        out.extend(ch.encode("utf-8", "surrogateescape"))
        i += 1
    return out.decode("utf-8", "surrogateescape")


def parse_diff(text, top):
    """{real path: set of line numbers added or changed} of `git diff -U0` output."""
    changed = {}
    current = None
    for line in text.split("\n"):
        if line.startswith("+++ "):
            target = line[4:].rstrip("\t")
            if target == "/dev/null":
                current = None
                continue
            target = unquote_path(target)
            current = os.path.realpath(os.path.join(top, target[2:] if target.startswith("b/") else target))
            changed.setdefault(current, set())
            continue
        m = HUNK.match(line)
        if m and current is not None:
            start, count = int(m.group(1)), int(m.group(2) if m.group(2) is not None else 1)
            changed[current].update(range(start, start + count))
    return changed


def changed_lines(base):
    if not base:
        raise Unknown("no base commit (not a pull request)")
    code, top, err = git("rev-parse", "--show-toplevel")
    if code != 0:
        raise Unknown("not a git work tree (%s)" % err.strip())
    top = top.strip()
    if git("rev-parse", "--verify", "--quiet", base + "^{commit}", cwd=top)[0] != 0:
        shallow = git("rev-parse", "--is-shallow-repository", cwd=top)[1].strip() == "true"
        fetch = ["fetch", "--no-tags", "--quiet"] + (["--depth=1"] if shallow else []) + ["origin", base]
        code, _, err = git(*fetch, cwd=top)
        if code != 0 or git("rev-parse", "--verify", "--quiet", base + "^{commit}", cwd=top)[0] != 0:
            raise Unknown("cannot fetch the base commit %s (%s)" % (base, err.strip() or "not found"))
    code, merge_base, _ = git("merge-base", base, "HEAD", cwd=top)
    since = merge_base.strip() if code == 0 and merge_base.strip() else base
    code, diff, err = git("diff", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", since, "--", cwd=top)
    if code != 0:
        raise Unknown("git diff failed (%s)" % err.strip())
    return since, parse_diff(diff, top)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("annotations")
    parser.add_argument("--base", default="")
    parser.add_argument("--fail-level", default="warning")  # a wrong one: orderlint's status 2 says so
    parser.add_argument("--status", type=int, default=0)
    args = parser.parse_args(argv)
    with open(args.annotations, encoding="utf-8", errors="surrogateescape") as handle:
        lines = handle.read().splitlines()
    try:
        since, changed = changed_lines(args.base)
    except Unknown as exc:
        message = "only-changed-lines: %s; every finding is reported" % exc
        print("::warning title=orderlint::" + message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))
        since, changed = None, None
    kept = total = 0
    fails = False
    out = sys.stdout
    for line in lines:
        found = parse(line)
        if found is None:
            out.write(line + "\n")
            continue
        severity, path, first, last = found
        total += 1
        if changed is not None:
            lines_changed = changed.get(os.path.realpath(path), ())
            if not any(n in lines_changed for n in range(first, last + 1)):
                continue
        kept += 1
        fails = fails or SEVERITY[severity] >= LEVELS.get(args.fail_level, 0)
        out.write(line + "\n")
    out.flush()
    if since is not None:
        log("%d of %d finding(s) on lines changed since %s" % (kept, total, since[:12]))
    if args.status not in (0, 1):
        return args.status
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
