"""The progress bar of long runs: on stderr, only on a terminal, only past PROGRESS_MIN scripts.

rich is imported when the bar is first drawn, never for the short runs that are most runs. The
bar follows the colour choice of the run: `--color never` or NO_COLOR draw it without colours.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Callable, Iterator

PROGRESS_MIN = 100  # fewer scripts than this: no progress bar


@contextlib.contextmanager
def progress_bar(color: bool | None = None, force: bool | None = None) -> Iterator[Callable[[int, int], None]]:
    """A callback `progress(done, total)` that draws a bar on stderr for long runs on a terminal."""
    show = force if force is not None else (sys.stderr.isatty() and not os.environ.get("CI"))
    plain = color is False or (color is None and bool(os.environ.get("NO_COLOR")))
    state: dict = {}

    def update(done: int, total: int) -> None:
        if not show or total < PROGRESS_MIN:
            return
        if "bar" not in state:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            bar = Progress(TextColumn("orderlint"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                           console=Console(stderr=True, no_color=plain), transient=True)
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task("scripts", total=total)
        state["bar"].update(state["task"], completed=done, total=total)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].stop()
