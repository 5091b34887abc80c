"""A bounded memo of values derived from immutable objects, keyed by the object's identity.

The engine derives indexes from a state's tuples (the due moments of its lots, the event ids it
has seen) instead of storing them in the state. Each entry holds the object it was derived from,
so an id is never mistaken for another object's while the entry lives; the oldest entries go
first. Threads may share a memo: a lost entry only costs working the value out again.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["IdentityMemo", "KeyedPositions"]

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


R = TypeVar("R")

_TWICE = -1
"""A key registered twice in a family (a repeated id, or two branches of one history each adding
it): its records are searched for, never trusted to one position."""


class KeyedPositions(Generic[R]):
    """Where each key's record sits in a tuple of records, for tuples derived from each other.

    A member's records (event ids seen, orders) grow by appending and shrink by dropping the
    oldest. The tuples made from one another that way share one family: a dict from key to the
    absolute position of the one record registered with it, and each tuple its offset into the
    family. Extending a tuple registers only the new records, so no step copies or rebuilds an
    index of the whole history. A key the family never registered is in none of its tuples; a
    registered key is checked against the record at its position (another branch of the history
    may hold a different record there), and a key registered twice, or one whose check fails,
    is searched for in C. A tuple whose family is not known gets one built from its records.
    """

    __slots__ = ("_key", "_memo")

    def __init__(self, key: Callable[[R], str], kept: int = 256) -> None:
        self._key = key
        self._memo: IdentityMemo[tuple[R, ...], tuple[dict[str, int], int]] = IdentityMemo(kept)

    def _family(self, records: tuple[R, ...]) -> tuple[dict[str, int], int]:
        found = self._memo.get(records)
        if found is not None:
            return found
        where: dict[str, int] = {}
        for i, key in enumerate(map(self._key, records)):
            where[key] = _TWICE if key in where else i
        if not records:
            # The empty tuple is one object shared by every empty history: never a memo key.
            return where, 0
        return self._memo.put(records, (where, 0))

    def find(self, records: tuple[R, ...], key: str) -> int | None:
        """The position in ``records`` of the last record with ``key`` (None: none has it)."""
        return self._position(records, key, last=True)

    def first(self, records: tuple[R, ...], key: str) -> int | None:
        """The position in ``records`` of the first record with ``key`` (None: none has it)."""
        return self._position(records, key, last=False)

    def _position(self, records: tuple[R, ...], key: str, *, last: bool) -> int | None:
        where, start = self._family(records)
        at = where.get(key)
        if at is None:
            return None
        i = at - start
        # Registered once: the one record with the key, if this tuple holds it at all.
        if at != _TWICE and 0 <= i < len(records) and self._key(records[i]) == key:
            return i
        return self._searched(records, key, last=last)

    def _searched(self, records: tuple[R, ...], key: str, *, last: bool) -> int | None:
        """The first or last position of ``key`` found by a search of every record (in C)."""
        keys = list(map(self._key, records))
        if key not in keys:
            return None
        if not last:
            return keys.index(key)
        keys.reverse()
        return len(keys) - 1 - keys.index(key)

    def appended(self, records: tuple[R, ...], out: tuple[R, ...]) -> tuple[R, ...]:
        """``out``, which is ``records`` with records appended, registered in their family."""
        found = self._memo.get(records)
        if found is None or not out:
            return out
        where, start = found
        at = start + len(records)
        for key in map(self._key, out[len(records) :]):
            where[key] = _TWICE if key in where else at
            at += 1
        self._memo.put(out, found)
        return out

    def dropped(self, records: tuple[R, ...], out: tuple[R, ...], k: int) -> tuple[R, ...]:
        """``out``, which is ``records[k:]``, registered in the family of ``records``.

        A family that has come to hold more than twice the keys its tuples keep is left behind:
        the next question about ``out`` builds it a family of its own.
        """
        found = self._memo.get(records)
        if found is None or not out:
            return out
        where, start = found
        if len(where) <= 2 * len(out) + 64:
            self._memo.put(out, (where, start + k))
        return out

    def kept(self, records: tuple[R, ...], out: tuple[R, ...]) -> tuple[R, ...]:
        """``out``, which holds the keys of ``records`` at the same positions (records replaced
        by others with their keys), registered in their family."""
        found = self._memo.get(records)
        if found is not None and out:
            self._memo.put(out, found)
        return out
