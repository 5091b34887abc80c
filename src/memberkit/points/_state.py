"""The points part of a member state: lots, the journal of every movement, and counters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

__all__ = ["JournalEntry", "PointsState"]


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One movement of points: signed (credits positive, debits negative), with its cause."""

    at: datetime
    event_id: str
    currency: str
    kind: str
    """earn, bonus, reverse, redeem, redeem_cancel, expire, transfer_out, transfer_in, adjust, ..."""
    points: int | Decimal
    rule: str = ""
    """The earning rule id, reward id or adjustment reason that caused the movement."""


@dataclass(frozen=True, slots=True)
class PointsState:
    """What the points part remembers; balances are always derived from the lots."""

    journal: tuple[JournalEntry, ...] = ()
