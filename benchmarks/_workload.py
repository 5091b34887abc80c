"""The inputs every benchmark shares: the bundled retail programme and the events it is fed.

Everything here is deterministic (fixed dates in the programme's zone, arithmetic instead of
random draws, the demo's seeded population), so two runs time the same work.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import memberkit

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 1, 1, 9, tzinfo=SHANGHAI)
RETAIL_PATH = Path(memberkit.__file__).parent / "examples" / "retail.yaml"
BIRTHDAY = date(1990, 3, 14)

# (category, net amount of the line): the second gift card line earns nothing, the others do.
_BASKETS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("apparel", "399.90"), ("food", "59.00")),
    (("beauty", "129.00"),),
    (("home", "899.00"), ("gift_card", "200.00"), ("food", "19.90")),
    (("electronics", "1299.00"),),
    (("food", "88.80"), ("apparel", "159.00")),
)


@cache
def retail() -> memberkit.Policy:
    """The bundled retail example (tiers, two currencies, caps, expiry, benefits)."""
    return memberkit.load_policy(RETAIL_PATH)


def purchase(order_id: str, at: datetime, basket: int, channel: str = "app") -> memberkit.Purchase:
    """An order of one of five fixed baskets (one to three lines, gift cards included)."""
    lines = [
        {"id": f"l{k}", "category": category, "amount": Decimal(amount)}
        for k, (category, amount) in enumerate(_BASKETS[basket % len(_BASKETS)])
    ]
    event = memberkit.parse_event(
        {
            "type": "purchase",
            "id": order_id,
            "at": at,
            "currency": "CNY",
            "channel": channel,
            "lines": lines,
        }
    )
    assert isinstance(event, memberkit.Purchase)
    return event


def _event(raw: dict[str, Any]) -> memberkit.Event:
    return memberkit.parse_event(raw)


def long_member_events(count: int) -> list[memberkit.Event]:
    """``count`` mixed events of one member, nine hours apart (10,000 events span ten years).

    Every ten events: five purchases, two check-ins, a review, a refund (the whole of one recent
    order, or its first line) and, once points have had time to clear the 7-day pending period,
    a redemption of 100 points towards an order.
    """
    events: list[memberkit.Event] = []
    for i in range(count):
        at = START + timedelta(hours=9 * i)
        slot = i % 10
        if slot in (0, 2, 3, 6, 8):
            events.append(purchase(f"o{i}", at, i, "app" if i % 3 else "store"))
        elif slot in (1, 5):
            events.append(_event({"type": "activity", "id": f"c{i}", "at": at, "kind": "checkin"}))
        elif slot == 4:
            events.append(_event({"type": "activity", "id": f"v{i}", "at": at, "kind": "review"}))
        elif slot == 7:
            # The purchase five events back (slot 2); every other time only its first line.
            refund: dict[str, Any] = {
                "type": "refund",
                "id": f"r{i}",
                "at": at,
                "order": f"o{i - 5}",
            }
            if i % 20 == 7:
                refund["lines"] = [{"line": "l0"}]
            events.append(_event(refund))
        elif i >= 40:
            events.append(
                _event(
                    {
                        "type": "redemption",
                        "id": f"d{i}",
                        "at": at,
                        "points": 100,
                        "order_amount": Decimal("300"),
                    }
                )
            )
        else:
            events.append(_event({"type": "activity", "id": f"c{i}", "at": at, "kind": "checkin"}))
    return events


def weekly_purchases(years: int) -> list[memberkit.Event]:
    """A purchase every week for ``years`` years, cycling through the five baskets."""
    return [purchase(f"w{i}", START + timedelta(weeks=i), i) for i in range(52 * years)]


def member() -> memberkit.MemberState:
    """A member who joined at the start of the benchmarks' calendar, with a birthday."""
    return memberkit.new_member("m1", START - timedelta(days=1), birthday=BIRTHDAY)


def population(members: int) -> Iterator[tuple[memberkit.MemberState, tuple[memberkit.Event, ...]]]:
    """The demo's seeded population: each member's fresh state and year of mixed events.

    Purchases with one to three lines, refunds (whole and per line), redemptions (points and
    rewards), check-ins, reviews, referrals and birthday benefit uses, as ``memberkit demo``
    replays them.
    """
    from memberkit.cli._demo import BIRTHDAY_BENEFIT, DEMO_YEAR, SEED
    from memberkit.demo import synthetic_members

    for synthetic in synthetic_members(
        members,
        year=DEMO_YEAR,
        tz=SHANGHAI,
        seed=SEED,
        rewards=("tote-bag",),
        birthday_benefit=BIRTHDAY_BENEFIT,
    ):
        state = memberkit.new_member(
            synthetic.member_id, synthetic.joined_at, birthday=synthetic.birthday
        )
        yield state, synthetic.events


_HEAD = """\
memberkit: 1
program: {id: many-rules, currency: CNY, timezone: Asia/Shanghai, locale: zh_Hans}
tiers:
  window: calendar_year
  ladder:
    - {id: basic}
    - {id: silver, qualify: {spend: 2000}}
    - {id: gold, qualify: {any: [{spend: 8000}, {orders: 20}]}}
points:
  earn:
    - {id: base, per: 1 CNY, points: 1, except: {category: [gift_card]}}
"""


def rules_policy(rules: int = 500) -> str:
    """A policy with ``rules`` earn rules: category, channel and date multipliers, fixed
    bonuses with a minimum order, and capped activity rewards, each with its own condition."""
    out = [_HEAD]
    channels = ("app", "store", "web", "mini_program")
    for i in range(rules - 1):
        kind = i % 4
        if kind == 0:
            out.append(
                f"    - {{id: cat-{i}, when: {{category: [c{i}, d{i}]}}, multiply: 1.{i % 9 + 1}}}\n"
            )
        elif kind == 1:
            month = i % 12 + 1
            out.append(
                f"    - {{id: day-{i}, when: {{date: '2026-{month:02d}-{i % 28 + 1:02d}', "
                f"channel: {channels[i % 4]}}}, multiply: 2}}\n"
            )
        elif kind == 2:
            out.append(f"    - {{id: big-{i}, points: {i}, min_order: {100 + i}}}\n")
        else:
            out.append(
                f"    - {{id: act-{i}, on: act{i}, points: 5, cap: {{count: 1, per: day}}}}\n"
            )
    return "".join(out)
