"""Deterministic synthetic members for the demo: a year of plausible retail activity.

The same seed gives the same members and events on every machine (a seeded ``random.Random``
instance, never the module-level generator; times built from fixed dates in the programme zone).
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from .._events import Event, parse_event

__all__ = ["SyntheticMember", "synthetic_members"]

CATEGORIES = (
    ("apparel", Decimal("99"), Decimal("899")),
    ("beauty", Decimal("59"), Decimal("499")),
    ("food", Decimal("9.9"), Decimal("129")),
    ("home", Decimal("39"), Decimal("999")),
    ("electronics", Decimal("199"), Decimal("4999")),
    ("gift_card", Decimal("100"), Decimal("500")),
)
# Food and apparel are bought most often; electronics and gift cards rarely.
CATEGORY_WEIGHTS = (25, 20, 30, 14, 5, 6)
CHANNELS = ("app", "app", "mini_program", "store", "store", "web")
PAYMENTS = ("alipay", "wechat_pay", "card", "unionpay")
ACTIVITIES = ("checkin", "checkin", "review", "share")


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
    count: int,
    *,
    year: int,
    tz: tzinfo,
    seed: int = 2026,
    currency: str = "CNY",
    rewards: Sequence[str] = (),
    birthday_benefit: str | None = None,
) -> Iterator[SyntheticMember]:
    """Generate ``count`` members: light, regular, heavy and lapsing buyers.

    Members who joined before ``year`` also have up to a year of history before it, so the
    report's year opens with tiers earned and points that expire during it. ``rewards`` are
    catalogue reward ids some redemptions ask for (the others pay towards an order);
    ``birthday_benefit`` is a benefit some members use in their birthday month.
    """
    rng = random.Random(seed)
    start = datetime(year, 1, 1, tzinfo=tz)
    for n in range(count):
        yield _member(rng, n, start, tz, currency, tuple(rewards), birthday_benefit)


def _birthday_in(birthday: date, year: int) -> date:
    # 29 February is celebrated on 28 February in common years.
    if birthday.month == 2 and birthday.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return birthday.replace(year=year)


def _member(
    rng: random.Random,
    n: int,
    start: datetime,
    tz: tzinfo,
    currency: str,
    rewards: tuple[str, ...],
    birthday_benefit: str | None,
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
    end = start.replace(year=start.year + 1)
    if profile == "lapsing":
        end = start + timedelta(days=rng.randint(30, 200))
    first = max(joined, start - timedelta(days=365))
    span = max(1, (end - first).days)
    raw: list[dict[str, Any]] = []
    if joined >= start:
        raw.append(
            {"type": "activity", "id": f"{member_id}-signup", "at": joined, "kind": "signup"}
        )
    orders: list[tuple[datetime, Decimal]] = []
    expected = per_year * span / 365
    for k in range(max(0, round(expected + rng.uniform(-2, 2)))):
        when = first + timedelta(days=rng.randint(0, span - 1), minutes=rng.randint(0, 600))
        if rng.random() < 0.08:
            # Double-points day pulls purchases towards 11.11 (a real seasonal peak).
            when = datetime(when.year, 11, 11, rng.randint(0, 23), rng.randint(0, 59), tzinfo=tz)
        if not first <= when < end:
            continue
        order_id = f"{member_id}-o{k}"
        lines = []
        total = Decimal(0)
        for li in range(rng.choices((1, 2, 3), weights=(60, 30, 10))[0]):
            cat, low, high = rng.choices(CATEGORIES, weights=CATEGORY_WEIGHTS)[0]
            quantity = rng.choices((1, 2, 3), weights=(80, 15, 5))[0]
            amount = _money(rng, low, high) * quantity
            total += amount
            lines.append(
                {
                    "id": f"l{li}",
                    "sku": f"{cat[:3].upper()}-{rng.randint(1, 60):03d}",
                    "category": cat,
                    "quantity": quantity,
                    "amount": amount,
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
        orders.append((when, total))
        if rng.random() < 0.07:
            refund: dict[str, Any] = {
                "type": "refund",
                "id": f"{order_id}-r",
                "at": when + timedelta(days=rng.randint(1, 20), hours=1),
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
    engaged = {"light": 2, "regular": 6, "heavy": 40, "lapsing": 3}[profile]
    for k in range(rng.randint(0, engaged)):
        when = first + timedelta(days=rng.randint(0, span - 1), hours=9)
        raw.append(
            {
                "type": "activity",
                "id": f"{member_id}-a{k}",
                "at": when,
                "kind": rng.choice(ACTIVITIES),
            }
        )
    for k in range(rng.choices((0, 1, 2, 4), weights=(78, 14, 6, 2))[0]):
        when = first + timedelta(days=rng.randint(0, span - 1), hours=20)
        raw.append(
            {"type": "activity", "id": f"{member_id}-ref{k}", "at": when, "kind": "referral"}
        )
    if len(orders) >= 4 and rng.random() < 0.4:
        # A redemption late in the history, paying part of an order or taking a reward.
        when, amount = orders[-1] if rng.random() < 0.7 else rng.choice(orders)
        redemption: dict[str, Any] = {
            "type": "redemption",
            "id": f"{member_id}-red",
            "at": when + timedelta(minutes=1),
        }
        if rewards and rng.random() < 0.3:
            redemption["reward"] = rng.choice(rewards)
        else:
            redemption["points"] = rng.choice((100, 200, 500, 1000, 2000))
            redemption["order_amount"] = amount
        raw.append(redemption)
    if birthday_benefit is not None and birthday is not None:
        for year in range(first.year, end.year + 1):
            day = _birthday_in(birthday, year)
            when = datetime(day.year, day.month, day.day, 10, 30, tzinfo=tz)
            if first <= when < end and rng.random() < 0.5:
                raw.append(
                    {
                        "type": "benefit_use",
                        "id": f"{member_id}-bday{year}",
                        "at": when,
                        "benefit": birthday_benefit,
                    }
                )
    # Refunds and reviews follow their order by days; none may fall after the simulated year.
    year_end = start.replace(year=start.year + 1)
    raw = [e for e in raw if e["at"] < year_end]
    raw.sort(key=lambda e: (e["at"], e["id"]))
    events = tuple(parse_event(item) for item in raw)
    return SyntheticMember(member_id, joined, birthday, events)
