"""The answers of the points part: a checkout quote, a balance, and what is about to expire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from .._decision import Explained, reasons_read_later
from .._reasons import LocalizedText, Reason

__all__ = [
    "Balance",
    "ExpiredPoints",
    "ExpiringPoints",
    "HeldLot",
    "HeldLots",
    "PointsQuote",
    "QuoteLine",
    "RedemptionCheck",
]

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


@reasons_read_later
@dataclass(frozen=True, slots=True)
class PointsQuote(Explained):
    """What an order would earn, rule by rule in policy order; nothing is changed."""

    order_id: str
    lines: tuple[QuoteLine, ...]
    totals: tuple[tuple[str, Points], ...]
    """(currency id, points) for every currency the event earns."""
    reasons: tuple[Reason, ...]
    default_locale: str = "en"
    accepted: bool = True
    """False when ``apply`` would refuse the event (the reasons say why); nothing is earned."""

    @property
    def event_id(self) -> str:
        """The id of the event quoted (``order_id`` for a purchase)."""
        return self.order_id

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
    """(last valid day, points), soonest first."""
    reasons: tuple[Reason, ...]
    default_locale: str = "en"
    through: date | None = None
    """The last day asked about: points valid through it and no longer are counted."""


@dataclass(frozen=True, slots=True)
class ExpiredPoints(Explained):
    """Points that expired (or were forfeited) from one day through another, by last valid day."""

    since: date
    through: date
    currency: str
    points: Points
    items: tuple[tuple[date, Points], ...]
    """(last valid day, points), oldest first."""
    reasons: tuple[Reason, ...]
    default_locale: str = "en"


@dataclass(frozen=True, slots=True)
class HeldLot:
    """Points credited together and still held: when they became (or become) spendable, and
    when they expire, extensions and a protected tier included."""

    id: str
    source: str
    """The event that credited them."""
    currency: str
    points: Points
    earned_at: datetime
    available_at: datetime | None
    """None: waiting for an event (delivery confirmed, ...)."""
    expires_at: datetime | None
    """The first moment they are no longer valid; None when no date is set (or known yet)."""
    valid_through: date | None
    """The last day they are valid, in the programme's timezone (None with ``expires_at``)."""
    extensions: tuple[str, ...] = ()
    """Campaigns and paid extensions that pushed the date."""
    protected: bool = False
    """Their own date has passed or falls while a protected tier is held, which keeps them."""


@dataclass(frozen=True, slots=True)
class HeldLots(Explained):
    """Every lot of one currency a member holds at a moment, soonest expiry first."""

    as_of: datetime
    currency: str
    lots: tuple[HeldLot, ...]
    reasons: tuple[Reason, ...]
    default_locale: str = "en"


@dataclass(frozen=True, slots=True)
class RedemptionCheck(Explained):
    """Whether a redemption would be accepted now, and why not; nothing is changed."""

    redemption_id: str
    accepted: bool
    points: Points
    """The points it would take (0 when refused)."""
    value: Decimal | None
    """The money it would pay, when it pays towards an order."""
    reasons: tuple[Reason, ...]
    default_locale: str = "en"
    parts: tuple[tuple[int, Decimal, int], ...] = ()
    """With a denomination table: (row points, row value, how many), largest row first."""
    left_points: int = 0
    """Of the points asked (``discount_for_points``), those the redemption would not use."""
    left_value: Decimal | None = None
    """Of the discount asked (``points_for_discount``), the money the points would not pay."""
