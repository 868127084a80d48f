"""Runs orderlint from the action's own checkout: `python launch.py ARGS...` is `orderlint ARGS...`.

The interpreter (and, for an environment made with `pip --target`, PYTHONPATH) come from
install.py. The checkout goes first on sys.path, in place of this folder, so that the
orderlint that runs is the action's, whatever the workspace or the environment hold.
"""

import os
import sys

sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from orderlint.cli.main import main  # noqa: E402

main()
