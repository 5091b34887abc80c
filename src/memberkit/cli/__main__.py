"""``python -m memberkit.cli``: the same command as the ``memberkit`` script."""

import sys

from ._main import run_process

sys.exit(run_process())
