"""Deterministic synthetic members for the demo: a year of plausible retail activity.

The same seed gives the same members and events on every machine (a seeded ``random.Random``
instance, never the module-level generator; times built from fixed dates in the programme zone).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from .._events import Event, parse_event

__all__ = ["SyntheticMember", "synthetic_members"]

CATEGORIES = (
    ("apparel", Decimal("199"), Decimal("899")),
    ("beauty", Decimal("59"), Decimal("499")),
    ("food", Decimal("9.9"), Decimal("129")),
    ("home", Decimal("39"), Decimal("1299")),
    ("electronics", Decimal("299"), Decimal("6999")),
    ("gift_card", Decimal("100"), Decimal("500")),
)
CHANNELS = ("app", "app", "mini_program", "store", "store", "web")
PAYMENTS = ("alipay", "wechat_pay", "card", "unionpay")
ACTIVITIES = ("check_in", "review", "share")


@dataclass(frozen=True, slots=True)
class SyntheticMember:
    """One generated member: who, since when, and their events in time order."""

    member_id: str
    joined_at: datetime
    birthday: date | None
    events: tuple[Event, ...]


def _money(rng: random.Random, low: Decimal, high: Decimal) -> Decimal:
    cents = rng.randint(int(low * 100), int(high * 100))
    # Prices end in .00 or .90 like shelf prices, so totals look real.
    return (Decimal(cents // 100) + (Decimal("0.9") if cents % 3 == 0 else Decimal(0))).quantize(
        Decimal("0.01")
    )


def synthetic_members(
    count: int, *, year: int, tz: tzinfo, seed: int = 2026, currency: str = "CNY"
) -> Iterator[SyntheticMember]:
    """Generate ``count`` members with a year of activity; heavy, regular and lapsing buyers."""
    rng = random.Random(seed)
    start = datetime(year, 1, 1, tzinfo=tz)
    for n in range(count):
        yield _member(rng, n, start, tz, currency)


def _member(
    rng: random.Random, n: int, start: datetime, tz: tzinfo, currency: str
) -> SyntheticMember:
    member_id = f"M{n:06d}"
    # About a quarter of the members sign up during the year; the rest are existing members.
    if rng.random() < 0.25:
        joined = start + timedelta(days=rng.randint(0, 330), hours=rng.randint(8, 22))
    else:
        joined = start - timedelta(days=rng.randint(1, 400)) + timedelta(hours=rng.randint(8, 22))
    birthday = (
        date(rng.randint(1960, 2005), rng.randint(1, 12), rng.randint(1, 28))
        if rng.random() < 0.8
        else None
    )
    if birthday is not None and rng.random() < 0.01:
        birthday = date(1996, 2, 29)
    # Purchase intensity: most members buy a few times a year, a few buy very often, some stop.
    profile = rng.choices(("light", "regular", "heavy", "lapsing"), weights=(45, 35, 8, 12))[0]
    per_year = {"light": 3, "regular": 9, "heavy": 30, "lapsing": 6}[profile]
    stop_day = rng.randint(60, 200) if profile == "lapsing" else 365
    first = max(joined, start)
    raw: list[dict[str, Any]] = []
    if joined >= start:
        raw.append(
            {"type": "activity", "id": f"{member_id}-signup", "at": joined, "kind": "sign_up"}
        )
    day_span = (start + timedelta(days=365) - first).days
    purchases = 0
    for k in range(rng.randint(max(0, per_year - 2), per_year + 2)):
        offset = rng.randint(0, max(0, min(day_span, stop_day) - 1))
        when = first + timedelta(days=offset, minutes=rng.randint(0, 600))
        if rng.random() < 0.08:
            # Double-points day pulls purchases towards 11.11 (a real seasonal peak).
            when = datetime(start.year, 11, 11, rng.randint(0, 23), rng.randint(0, 59), tzinfo=tz)
        if when < first:
            continue
        order_id = f"{member_id}-o{k}"
        lines = []
        for li in range(rng.choices((1, 2, 3), weights=(60, 30, 10))[0]):
            cat, low, high = rng.choice(CATEGORIES)
            quantity = rng.choices((1, 2, 3), weights=(80, 15, 5))[0]
            lines.append(
                {
                    "id": f"l{li}",
                    "sku": f"{cat[:3].upper()}-{rng.randint(1, 60):03d}",
                    "category": cat,
                    "quantity": quantity,
                    "amount": _money(rng, low, high) * quantity,
                }
            )
        raw.append(
            {
                "type": "purchase",
                "id": order_id,
                "at": when,
                "currency": currency,
                "lines": lines,
                "channel": rng.choice(CHANNELS),
                "payment_method": rng.choice(PAYMENTS),
                "store": f"S{rng.randint(1, 40):03d}",
            }
        )
        purchases += 1
        if rng.random() < 0.07:
            refund_at = when + timedelta(days=rng.randint(1, 20), hours=1)
            refund: dict[str, Any] = {
                "type": "refund",
                "id": f"{order_id}-r",
                "at": refund_at,
                "order": order_id,
            }
            if len(lines) > 1:
                refund["lines"] = [{"line": lines[0]["id"]}]
            raw.append(refund)
        if rng.random() < 0.1:
            raw.append(
                {
                    "type": "activity",
                    "id": f"{order_id}-rv",
                    "kind": "review",
                    "at": when + timedelta(days=rng.randint(1, 10)),
                }
            )
    for k in range(rng.randint(0, 3 if profile != "heavy" else 12)):
        when = first + timedelta(days=rng.randint(0, max(0, min(day_span, stop_day) - 1)), hours=9)
        raw.append(
            {
                "type": "activity",
                "id": f"{member_id}-a{k}",
                "at": when,
                "kind": rng.choice(ACTIVITIES),
            }
        )
    for k in range(rng.choices((0, 1, 2), weights=(80, 15, 5))[0]):
        when = first + timedelta(days=rng.randint(0, max(0, day_span - 1)), hours=20)
        raw.append(
            {"type": "activity", "id": f"{member_id}-ref{k}", "at": when, "kind": "referral"}
        )
    if purchases >= 4 and rng.random() < 0.35:
        when = first + timedelta(
            days=rng.randint(min(day_span - 1, 200), max(0, day_span - 1)), hours=21
        )
        raw.append(
            {
                "type": "redemption",
                "id": f"{member_id}-red",
                "at": when,
                "points": rng.choice((100, 200, 500)),
            }
        )
    raw.sort(key=lambda e: (e["at"], e["id"]))
    events = tuple(parse_event(item) for item in raw)
    return SyntheticMember(member_id, joined, birthday, events)
