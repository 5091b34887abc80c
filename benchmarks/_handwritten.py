"""The decisions memberkit is timed on, written by hand in plain Python: the yardstick.

Each function makes the same decision as memberkit on the retail example (the points a purchase
earns, the tier in force with its window figures, the six-clause condition of bench_rules) from
plain values prepared beforehand, with ``Decimal`` money: what a careful engineer would write
for this one programme, with no policy file, no explanations and no generality.
``tests/benchmarks`` checks that each gives memberkit's answer on sample inputs.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from decimal import ROUND_FLOOR, Decimal
from zoneinfo import ZoneInfo

import memberkit

SHANGHAI = ZoneInfo("Asia/Shanghai")
ZERO = Decimal(0)
ONE = Decimal(1)
TWO = Decimal(2)
# The retail example's tier-bonus multipliers and its ladder (tiers.ladder[1..3].qualify).
TIER_FACTOR = {"silver": Decimal("1.2"), "gold": Decimal("1.5"), "platinum": TWO}
RANK = {"basic": 0, "silver": 1, "gold": 2, "platinum": 3}
DAILY_CAP = 50_000
UPGRADE_GIFT = 500


@dataclass(frozen=True, slots=True)
class PlainMember:
    """What the points decision needs to know about a member, as plain values."""

    tier: str
    spend: Decimal
    """Qualifying spend in the tier window so far (gift cards excluded, refunds netted)."""
    orders: int
    birthday_month: int | None
    last_order: tuple[int, int] | None
    """Local (year, month) of the member's last order."""
    earned_today: int = 0
    """Points already earned on the local day of the quoted order (the daily member cap)."""


def qualifying_tier(spend: Decimal, orders: int) -> str:
    """The highest rung of the retail ladder the window's figures reach."""
    if spend >= 20000:
        return "platinum"
    if spend >= 8000 or orders >= 20:
        return "gold"
    if spend >= 2000 or orders >= 6:
        return "silver"
    return "basic"


def quote_points(
    member: PlainMember, lines: Sequence[tuple[str, Decimal]], at: datetime, channel: str
) -> dict[str, int]:
    """Points and growth points a purchase earns under the retail example's earn rules."""
    local = at.astimezone(SHANGHAI)
    eligible = ZERO
    for category, amount in lines:
        if category != "gift_card":
            eligible += amount
    factor = TIER_FACTOR.get(member.tier, ONE)
    if channel == "app" and (local.year, local.month, local.day) == (2026, 11, 11):
        factor *= TWO
    if member.birthday_month == local.month and member.last_order != (local.year, local.month):
        factor *= TWO
    points = int((eligible * factor).to_integral_value(ROUND_FLOOR))
    # An order that lifts the window's figures over a higher rung upgrades at once: one gift.
    if RANK[qualifying_tier(member.spend + eligible, member.orders + 1)] > RANK[member.tier]:
        points += UPGRADE_GIFT
    points = min(points, max(DAILY_CAP - member.earned_today, 0))
    growth = int(eligible.to_integral_value(ROUND_FLOOR))
    return {"points": points, "growth": growth}


@dataclass(frozen=True, slots=True)
class PlainTierBook:
    """A member's tier history and orders as sorted lists: what ``tier_of`` reads."""

    change_at: tuple[datetime, ...]
    change_tier: tuple[str, ...]
    order_at: tuple[datetime, ...]
    order_spend: tuple[Decimal, ...]
    """Each order's qualifying amount net of its refunds (gift cards excluded)."""
    order_count: tuple[int, ...]
    """1 for an order that counts, 0 for one refunded in full."""


def tier_of(book: PlainTierBook, as_of: datetime) -> tuple[str, Decimal, int]:
    """The tier in force at ``as_of`` and the calendar-year window's spend and order count."""
    index = bisect_right(book.change_at, as_of) - 1
    tier = book.change_tier[max(index, 0)]
    local = as_of.astimezone(SHANGHAI)
    start = datetime(local.year, 1, 1, tzinfo=SHANGHAI)
    low = bisect_left(book.order_at, start)
    high = bisect_right(book.order_at, as_of)
    spend = sum(book.order_spend[low:high], ZERO)
    return tier, spend, sum(book.order_count[low:high])


_CHANNELS = frozenset({"app", "mini_program"})
_EXCLUDED = frozenset({"gift_card", "tobacco"})
_WEEKEND = frozenset({5, 6})  # Saturday and Sunday (date.weekday())
_OPENS, _CLOSES = time(10), time(22)


def condition(local: datetime, values: Mapping[str, object]) -> bool:
    """bench_rules' condition: app or mini-programme, ¥100 or more, no gift card or tobacco,
    a weekend, between 10:00 and 22:00, at least two nights (``local`` already in the
    programme's zone, as ``Facts.at`` is)."""
    amount = values.get("amount")
    categories = values.get("category")
    nights = values.get("attr.nights")
    return (
        values.get("channel") in _CHANNELS
        and isinstance(amount, Decimal)
        and amount >= 100
        and isinstance(categories, frozenset)
        and categories.isdisjoint(_EXCLUDED)
        and local.weekday() in _WEEKEND
        and _OPENS <= local.time().replace(tzinfo=None) <= _CLOSES
        and isinstance(nights, int)
        and nights >= 2
    )


def prepare_member(
    policy: memberkit.Policy,
    state: memberkit.MemberState,
    events: Sequence[memberkit.Event],
    at: datetime,
) -> PlainMember:
    """The plain facts for a quote at ``at`` of the member ``events`` made ``state`` (done once,
    outside the timing): the tier and figures from memberkit's public ``tier_of``, the rest
    from the events."""
    decision = memberkit.tier_of(policy, state, at)
    orders = [e.at for e in events if isinstance(e, memberkit.Purchase) and e.at <= at]
    last = max(orders).astimezone(SHANGHAI) if orders else None
    local_day = at.astimezone(SHANGHAI).date()
    if any(o.astimezone(SHANGHAI).date() == local_day for o in orders):
        raise ValueError("prepare_member expects no earlier order on the quoted day")
    return PlainMember(
        tier=decision.tier,
        spend=decision.figures["spend"],
        orders=int(decision.figures["orders"]),
        birthday_month=state.birthday.month if state.birthday else None,
        last_order=(last.year, last.month) if last else None,
    )


def prepare_book(
    policy: memberkit.Policy, member: memberkit.MemberState, events: Sequence[memberkit.Event]
) -> tuple[memberkit.MemberState, PlainTierBook]:
    """Replay ``events`` step by step, keeping the tier history and each order's qualifying net
    amount as a hand-written system would store them; the final state and the book."""
    state = member
    change_at: list[datetime] = []
    change_tier: list[str] = []
    lines: dict[str, dict[str, tuple[str, Decimal]]] = {}
    order_at: dict[str, datetime] = {}

    def note(moment: datetime) -> None:
        tier = memberkit.tier_of(policy, state, moment).tier
        if not change_tier or change_tier[-1] != tier:
            change_at.append(moment)
            change_tier.append(tier)

    note(member.joined_at)
    for event in sorted(events, key=lambda e: e.at):
        year = event.at.astimezone(SHANGHAI).year
        last = (state.clock or member.joined_at).astimezone(SHANGHAI).year
        for new_year in range(last + 1, year + 1):
            # The yearly review moves tiers on 1 January without an event.
            review = datetime(new_year, 1, 1, tzinfo=SHANGHAI)
            state, _ = memberkit.advance(policy, state, review)
            note(review)
        state, _ = memberkit.apply(policy, state, event)
        note(event.at)
        if isinstance(event, memberkit.Purchase):
            order_at[event.id] = event.at
            lines[event.id] = {ln.id: (ln.category, ln.amount) for ln in event.lines}
        elif isinstance(event, memberkit.Refund):
            refunded = [r.line for r in event.lines] if event.lines else list(lines[event.order])
            for line_id in refunded:
                category, _amount = lines[event.order][line_id]
                lines[event.order][line_id] = (category, ZERO)
    ids = sorted(order_at, key=lambda i: order_at[i])
    spend = tuple(sum((a for c, a in lines[i].values() if c != "gift_card"), ZERO) for i in ids)
    counts = tuple(0 if all(a == 0 for _, a in lines[i].values()) else 1 for i in ids)
    book = PlainTierBook(
        tuple(change_at), tuple(change_tier), tuple(order_at[i] for i in ids), spend, counts
    )
    return state, book
