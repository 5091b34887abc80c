"""Searches over a member's records kept in C: a list of their keys searched with ``list.index``.

The records a state keeps grow with the policy's horizons, and a Python loop over them on every
event made the per-event cost grow with them; ``list.index`` does the same search in C.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

__all__ = ["positions"]

V = TypeVar("V")


def positions(values: list[V], wanted: V) -> Iterator[int]:
    """The positions of ``wanted`` in ``values``, in order."""
    i = -1
    while True:
        try:
            i = values.index(wanted, i + 1)
        except ValueError:
            return
        yield i
