"""A bounded memo of values derived from immutable objects, keyed by the object's identity.

The engine derives indexes from a state's tuples (the due moments of its lots, the event ids it
has seen) instead of storing them in the state. Each entry holds the object it was derived from,
so an id is never mistaken for another object's while the entry lives; the oldest entries go
first. Threads may share a memo: a lost entry only costs working the value out again.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from typing import Generic, TypeVar

__all__ = ["IdentityMemo"]

K = TypeVar("K")
V = TypeVar("V")


class IdentityMemo(Generic[K, V]):
    """Values derived from objects, found by the object itself (not by equality)."""

    __slots__ = ("_entries", "_kept")

    def __init__(self, kept: int = 256) -> None:
        self._entries: OrderedDict[int, tuple[K, V]] = OrderedDict()
        self._kept = kept

    def get(self, key: K) -> V | None:
        """The value derived from ``key``, if it is still kept."""
        found = self._entries.get(id(key))
        if found is not None and found[0] is key:
            return found[1]
        return None

    def put(self, key: K, value: V) -> V:
        """Keep ``value`` as derived from ``key``; returns it."""
        entries = self._entries
        if len(entries) >= self._kept:
            with contextlib.suppress(KeyError):
                entries.popitem(last=False)
        entries[id(key)] = (key, value)
        return value
