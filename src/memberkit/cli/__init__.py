"""The ``memberkit`` command: a thin shell over the public functions.

Exit codes: 0 ok, 1 findings (an invalid policy, a failing scenario), 2 usage (bad arguments,
unreadable input). Output is sorted and stable; ``--format json`` gives machine-readable output.
"""

from __future__ import annotations

from ._main import main

__all__ = ["main"]
