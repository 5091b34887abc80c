"""Quotes against bookings on the retail programme, over random histories of its members."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

import memberkit
from memberkit import MemberState
from memberkit.points import _earn

SHANGHAI = ZoneInfo("Asia/Shanghai")
RETAIL = memberkit.load_policy(Path(memberkit.__file__).parent / "examples" / "retail.yaml")
# Eight days before 11.11, in the birthday month of half the members: the quoted order may fall
# on 11.11 (double points in the app) and may be a birthday-month first order.
START = datetime(2026, 11, 3, 9, tzinfo=SHANGHAI)
CATEGORIES = ("apparel", "food", "gift_card", "electronics")

# Amounts from small to large enough that one order lifts a member to platinum (an upgrade
# gift) or meets the daily cap of 50,000 points.
amounts = st.sampled_from(("0.00", "9.99", "129.00", "2500.00", "9000.00", "31000.00"))
line = st.tuples(st.sampled_from(CATEGORIES), amounts)


@st.composite
def purchases(draw: st.DrawFn, event_id: str, at: datetime, most: int = 3) -> memberkit.Event:
    """A purchase of one to ``most`` lines, in the app or a store, one tender or two."""
    drawn = draw(st.lists(line, min_size=1, max_size=most))
    body: dict[str, Any] = {
        "type": "purchase",
        "id": event_id,
        "at": at,
        "currency": "CNY",
        "channel": draw(st.sampled_from(("app", "store"))),
        "lines": [
            {"id": f"l{k}", "category": category, "amount": Decimal(amount)}
            for k, (category, amount) in enumerate(drawn)
        ],
    }
    if draw(st.booleans()):
        body["tags"] = ["promo"]
    due = sum((Decimal(amount) for _, amount in drawn), Decimal(0))
    if due >= 2 and draw(st.booleans()):
        # A split order: part by card, the rest by wallet.
        card = (due / 2).quantize(Decimal("0.01"))
        body["tenders"] = [
            {"method": "card", "amount": card},
            {"method": "wallet", "amount": due - card},
        ]
    return memberkit.parse_event(body)


@st.composite
def histories(draw: st.DrawFn) -> tuple[MemberState, datetime]:
    """A member after random purchases, refunds, redemptions, check-ins and reviews, and the
    moment of the next event."""
    birthday = draw(st.sampled_from((date(1990, 11, 20), date(1985, 4, 2))))
    state = memberkit.new_member("m1", START - timedelta(days=1), birthday=birthday)
    at = START
    orders: list[str] = []
    for i in range(draw(st.integers(0, 8))):
        at += timedelta(hours=draw(st.integers(1, 30)))
        kind = draw(st.sampled_from(("buy", "buy", "refund", "redeem", "checkin", "review")))
        event: memberkit.Event
        if kind == "buy":
            event = draw(purchases(f"o{i}", at))
            orders.append(f"o{i}")
        elif kind == "refund" and orders:
            order = draw(st.sampled_from(orders))
            event = memberkit.parse_event(
                {"type": "refund", "id": f"r{i}", "at": at, "order": order}
            )
        elif kind == "redeem":
            event = memberkit.parse_event(
                {"type": "redemption", "id": f"d{i}", "at": at, "points": 100}
            )
        else:
            activity = "review" if kind == "review" else "checkin"
            event = memberkit.parse_event(
                {"type": "activity", "id": f"a{i}", "at": at, "kind": activity}
            )
        # A refund of an order refunded already is refused: the history goes on without it.
        with contextlib.suppress(memberkit.EventError):
            state, _ = memberkit.apply(RETAIL, state, event)
    return state, at + timedelta(hours=draw(st.integers(1, 200)))


def booked(state: MemberState, event: memberkit.Event) -> tuple[list[tuple[Any, ...]], bool]:
    """What ``apply`` books for ``event``: (rule, kind, currency, points) per line, accepted."""
    new, outcome = memberkit.apply(RETAIL, state, event)
    entries = [
        (e.rule, e.kind, e.currency, e.points)
        for e in new.points.journal
        if e.event_id == event.id and e.kind in ("earn", "bonus")
    ]
    return entries, outcome.accepted


@given(histories(), st.data())
def test_a_retail_quote_is_the_booking(history: tuple[MemberState, datetime], data: Any) -> None:
    """Every line and total a quote gives is what apply books for the same event on the same
    state (upgrades the order causes, 11.11, birthdays, caps reached, split tenders)."""
    state, at = history
    event = data.draw(purchases("quoted", at))
    quote = memberkit.quote_points(RETAIL, state, event)
    entries, accepted = booked(state, event)
    assert [(q.rule, q.kind, q.currency, q.points) for q in quote.lines] == entries
    sums: dict[str, Any] = {}
    for _, _, currency, points in entries:
        sums[currency] = sums.get(currency, 0) + points
    assert dict(quote.totals) == sums
    assert quote.accepted == accepted


@given(histories(), st.data())
def test_the_one_line_fast_path_earns_what_the_general_path_earns(
    history: tuple[MemberState, datetime], data: Any
) -> None:
    """A one-line order quoted through the fast path earns, line by line and with the same
    reasons, what the general path (each line's facts built from its own fields) earns."""
    state, at = history
    event = data.draw(purchases("quoted", at, most=1))
    fast = memberkit.quote_points(RETAIL, state, event)
    with mock.patch.object(_earn, "_parts", _earn._split_parts):
        general = memberkit.quote_points(RETAIL, state, event)
    assert fast.lines == general.lines
    assert fast.totals == general.totals
    assert [r.code for r in fast.reasons] == [r.code for r in general.reasons]
    assert fast.explain("en") == general.explain("en")
