"""fix: applying the rules' fixes, ruff-style (`--fix`, `--unsafe-fixes`, `--diff`).

- `edits`: applying non-overlapping edits to bytes, choosing a round of fixes that do not
  conflict, mapping positions through edits;
- `verify`: what a round of fixes did, from a new analysis of the fixed text (each fixed
  finding gone, no new finding, every changed file still parses);
- `rounds`: rounds of fixes until none applies, each verified before it is kept;
- `diff`: the unified diff of what `--fix` would write.

Files are never written here: the command line writes what `rounds` returns.
"""
