"""Purchase histories summarised: the figures stages read, RFM inputs and BG/NBD (x, t_x, T).

Everything is counted on the programme's calendar: an order placed at 23:30 in Shanghai belongs to
that Shanghai day whatever the server's zone. Only orders placed up to the moment asked about
count, and an order refunded in full is not a purchase. With ``same_day: merge`` the orders of one
local day are one purchase occasion (their net amounts added), so a member who splits a basket
into two payments is not counted as buying twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise
from typing import Literal

from dateutil.relativedelta import relativedelta

from .._errors import ModelError
from .._state import MemberState
from ._model import WindowSpec

__all__ = [
    "BgNbdSummary",
    "Occasion",
    "PurchaseFigures",
    "bgnbd_summary",
    "figures",
    "occasions",
    "window_start",
]

Unit = Literal["days", "weeks"]
_UNIT_DAYS = {"days": 1, "weeks": 7}


@dataclass(frozen=True, slots=True)
class Occasion:
    """One purchase occasion: a local day (or one order) and what was spent, net of refunds."""

    day: date
    amount: Decimal


def occasions(
    state: MemberState, as_of: datetime, tz: tzinfo, same_day: Literal["merge", "keep"]
) -> tuple[Occasion, ...]:
    """The member's purchase occasions up to ``as_of``, oldest first.

    Occasions the state folded (``MemberState.folded``, older than every window the policy
    reads) come back as stand-ins with the same count, first and last day, gaps between days
    and amounts of the first and of the rest together: what whole-history figures read.
    """
    found: list[Occasion] = list(_folded_occasions(state, same_day))
    for order in sorted(state.orders, key=lambda o: o.at):
        if order.at > as_of or order.fully_refunded:
            continue
        day = order.at.astimezone(tz).date()
        amount = order.net_amount
        if same_day == "merge" and found and found[-1].day == day:
            found[-1] = Occasion(day, found[-1].amount + amount)
        else:
            found.append(Occasion(day, amount))
    return tuple(found)


def _folded_occasions(state: MemberState, same_day: Literal["merge", "keep"]) -> list[Occasion]:
    folded = state.folded.purchases if state.folded is not None else None
    if folded is None:
        return []
    first = folded.first_day_amount if same_day == "merge" else folded.first_order_amount
    days = [folded.first_day]
    for gap, count in folded.gaps:
        for _ in range(count):
            days.append(days[-1] + timedelta(days=gap))
    if same_day == "keep":
        # Orders on a day already counted: occasions 0 days apart.
        days[1:1] = [folded.first_day] * (folded.orders - folded.days)
    out = [Occasion(days[0], first)] + [Occasion(day, Decimal(0)) for day in days[1:]]
    if len(out) > 1:
        out[-1] = Occasion(out[-1].day, folded.amount - first)
    return out


@lru_cache(maxsize=256)
def window_start(today: date, window: WindowSpec) -> date:
    """The first local day inside the window that ends on ``today`` (both ends included)."""
    if window.days is not None:
        return today - relativedelta(days=window.days - 1)
    # 12 months back from 15 Mar 2026 starts on 16 Mar 2025: the window is whole months long.
    return today - relativedelta(months=window.months or 0) + relativedelta(days=1)


@dataclass(frozen=True, slots=True)
class PurchaseFigures:
    """A member's purchase history at a moment, as the lifecycle fields name it."""

    recency_days: int | None
    activity_recency_days: int | None
    frequency: int
    monetary: Decimal
    purchases: int
    median_gap_days: Decimal | None
    recency_gap_ratio: Decimal | None
    max_gap_days: int | None
    was_churned: bool
    first_purchase: date | None
    last_purchase: date | None

    def values(self) -> dict[str, object]:
        """The figures by field name, for conditions (missing figures left out)."""
        out: dict[str, object] = {
            "frequency": self.frequency,
            "monetary": self.monetary,
            "purchases": self.purchases,
            "was_churned": self.was_churned,
        }
        for name in (
            "recency_days",
            "activity_recency_days",
            "median_gap_days",
            "recency_gap_ratio",
            "max_gap_days",
        ):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


def _median(values: list[int]) -> Decimal:
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[mid])
    return (Decimal(ordered[mid - 1]) + Decimal(ordered[mid])) / 2


def figures(
    state: MemberState,
    as_of: datetime,
    tz: tzinfo,
    *,
    window: WindowSpec,
    churn_gap_days: int,
    same_day: Literal["merge", "keep"] = "merge",
) -> PurchaseFigures:
    """The lifecycle figures of one member at ``as_of``."""
    today = as_of.astimezone(tz).date()
    found = occasions(state, as_of, tz, same_day)
    start = window_start(today, window)
    in_window = [o for o in found if o.day >= start]
    gaps = [(b.day - a.day).days for a, b in pairwise(found)]
    recency = (today - found[-1].day).days if found else None
    folded_activity = [
        at
        for kind, at in (state.folded.last_activity if state.folded is not None else ())
        if kind not in ("purchase", "redemption") and at <= as_of
    ]
    last_activity = max(
        (
            at.astimezone(tz).date()
            for at in (*folded_activity, *(a.at for a in state.activities if a.at <= as_of))
        ),
        default=None,
    )
    last_seen = max(
        (d for d in (found[-1].day if found else None, last_activity) if d is not None),
        default=None,
    )
    median = _median(gaps) if gaps else None
    ratio = Decimal(recency) / median if recency is not None and median else None
    return PurchaseFigures(
        recency_days=recency,
        activity_recency_days=(today - last_seen).days if last_seen is not None else None,
        frequency=len(in_window),
        monetary=sum((o.amount for o in in_window), Decimal(0)),
        purchases=len(found),
        median_gap_days=median,
        recency_gap_ratio=ratio,
        max_gap_days=max(gaps) if gaps else None,
        was_churned=any(gap >= churn_gap_days for gap in gaps),
        first_purchase=found[0].day if found else None,
        last_purchase=found[-1].day if found else None,
    )


@dataclass(frozen=True, slots=True)
class BgNbdSummary:
    """A member's BG/NBD summary in the stated unit.

    ``x`` counts REPEAT purchase occasions (all occasions but the first); ``t_x`` is the time of
    the last occasion measured from the first (not the time since the last purchase); ``T`` is
    the time from the first occasion to the moment asked about.
    """

    x: int
    t_x: float
    T: float


def bgnbd_summary(
    state: MemberState,
    as_of: datetime,
    tz: tzinfo,
    *,
    unit: Unit,
    same_day: Literal["merge", "keep"] = "merge",
) -> BgNbdSummary | None:
    """(x, t_x, T) of one member at ``as_of`` in ``unit`` (days or weeks, stated: the unit the
    model's parameters were fitted in); None for a member who has never bought."""
    if unit not in _UNIT_DAYS:
        raise ModelError(f"unknown time unit {unit!r} (days or weeks)")
    found = occasions(state, as_of, tz, same_day)
    if not found:
        return None
    today = as_of.astimezone(tz).date()
    per = _UNIT_DAYS[unit]
    first = found[0].day
    return BgNbdSummary(
        x=len(found) - 1,
        t_x=(found[-1].day - first).days / per,
        T=(today - first).days / per,
    )
