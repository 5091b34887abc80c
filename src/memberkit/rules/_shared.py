"""Conditions shared within one policy: equal parts are parsed and compiled once while it loads.

A large programme repeats itself: a hundred campaigns say ``channel: [app]``, and each version
repeats the rules it keeps. While a policy loads (inside ``shared_conditions()``), a part of a
condition written like one already read (the same field, the same value written the same way, at
the same place within its condition) is the node already made, and a node already compiled is the
predicate already made. Node paths are relative to their condition, so a shared node is exactly
the node the part would have been; the policy path of every finding and reason is its own.

Nothing is kept outside a load, and the table is dropped when the load ends: a policy never
reuses another's parts, and loading the same text twice does the work twice.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal

__all__ = ["shared", "shared_conditions", "written"]

_TABLE: ContextVar[dict[Hashable, object] | None] = ContextVar(
    "memberkit_shared_conditions", default=None
)


@contextmanager
def shared_conditions() -> Iterator[None]:
    """Share equal condition parts for the duration of one policy's load."""
    token = _TABLE.set({})
    try:
        yield
    finally:
        _TABLE.reset(token)


def shared() -> dict[Hashable, object] | None:
    """The table of the load in progress, or None outside a load.

    Keys that hold an ``id()`` must keep that object alive in their value, so that the id cannot
    be taken by another object while the table lives.
    """
    return _TABLE.get()


_SCALARS = frozenset({str, int, bool, date, type(None)})


def written(value: object) -> Hashable | None:
    """A key that is equal for two values only when they were written alike, or None when the
    value is of a kind not worth comparing (anything but YAML's text, numbers, dates, lists and
    mappings).

    Types are part of the key (``1`` and ``true`` are equal in Python), and a number keeps its
    digits (``1.0`` and ``1`` are equal as Decimals but are shown as written).
    """
    kind = type(value)
    if kind in _SCALARS:
        return (kind, value)
    if kind is Decimal:
        return (kind, str(value))
    if kind is list:
        items = [written(item) for item in value]  # type: ignore[attr-defined]
        return None if None in items else (list, *items)
    if kind is dict:
        pairs: list[Hashable] = []
        for key, item in value.items():  # type: ignore[attr-defined]
            pair = (written(key), written(item))
            if None in pair:
                return None
            pairs.append(pair)
        return (dict, *pairs)
    return None
