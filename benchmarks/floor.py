"""The least time any Python linter built on tree-sitter-bash spends on a set of scripts.

    python benchmarks/floor.py --files-from LIST     # one path a line
    python benchmarks/floor.py DIR_OR_FILE...        # *.sh under each folder

It starts Python, imports the parser, reads each file, parses it and visits every node of its
tree once from Python (reading the node's type), and nothing else: no extraction, no flow, no
rules, no report. `benchmarks/bench.py` runs it as a child process on the same files as
orderlint and ShellCheck, so that the speed targets can be read against what is left for the
analysis itself once this floor is paid.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def visit(tree) -> int:
    """Every node once, depth first, through a cursor (the cheapest walk the bindings offer)."""
    cursor = tree.walk()
    nodes = 0
    going_down = True
    while True:
        if going_down:
            nodes += 1
            cursor.node.type
            if cursor.goto_first_child():
                continue
        if cursor.goto_next_sibling():
            going_down = True
            continue
        if not cursor.goto_parent():
            return nodes
        going_down = False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--files-from", type=Path, help="a file listing one script path a line")
    args = parser.parse_args(argv)
    files: list[Path] = []
    if args.files_from:
        files += [Path(line) for line in args.files_from.read_text().splitlines() if line]
    for path in args.paths:
        files += sorted(path.rglob("*.sh")) if path.is_dir() else [path]

    import tree_sitter
    import tree_sitter_bash

    bash = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))
    nodes = 0
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        nodes += visit(bash.parse(data))
    print(f"{len(files)} files, {nodes} nodes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
