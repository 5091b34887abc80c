"""The answers of the points part: a checkout quote, a balance, and what is about to expire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from .._decision import Explained
from .._reasons import LocalizedText, Reason

__all__ = ["Balance", "ExpiringPoints", "PointsQuote", "QuoteLine"]

Points = int | Decimal


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """What one rule adds to an order: its kind (earn or bonus), currency, points and factor."""

    rule: str
    name: LocalizedText
    path: str
    kind: str
    currency: str
    points: Points
    factor: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PointsQuote(Explained):
    """What an order would earn, rule by rule in policy order; nothing is changed."""

    order_id: str
    lines: tuple[QuoteLine, ...]
    totals: tuple[tuple[str, Points], ...]
    """(currency id, points) for every currency the order earns."""
    reasons: tuple[Reason, ...]
    default_locale: str = "en"

    def total(self, currency: str | None = None) -> Points:
        """Points earned in ``currency`` (the first currency earned when None)."""
        for cid, value in self.totals:
            if currency is None or cid == currency:
                return value
        return 0


@dataclass(frozen=True, slots=True)
class Balance(Explained):
    """A member's points of one currency at a moment: spendable, pending, expiry schedule."""

    as_of: datetime
    currency: str
    available: Points
    pending: Points
    schedule: tuple[tuple[date, Points], ...]
    """(last valid day, points), soonest first."""
    reasons: tuple[Reason, ...]
    default_locale: str = "en"


@dataclass(frozen=True, slots=True)
class ExpiringPoints(Explained):
    """Points that will expire within the window asked about, by day (for reminders)."""

    as_of: datetime
    until: datetime
    currency: str
    points: Points
    items: tuple[tuple[date, Points], ...]
    reasons: tuple[Reason, ...]
    default_locale: str = "en"
