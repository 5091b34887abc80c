"""``python -m memberkit``: the same command as the ``memberkit`` script."""

import sys

from .cli._main import run_process

if __name__ == "__main__":
    sys.exit(run_process())
