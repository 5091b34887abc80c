"""An order paid by several tenders: each tender's share earns at its own rate, and a refund to
one tender takes back only what its share earned."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tests.builders import at, purchase, refund
from tests.points.builders import applied, event, member, points_policy, total

import memberkit

# The co-branded card earns 3 points a yuan (1 + 2 more); a gift card earns nothing.
CARDS = (
    "earn:\n"
    "  - {id: base, per: 1 CNY, points: 1, when: {not: {payment_method: gift_card}}}\n"
    "  - {id: cobrand, when: {payment_method: cobrand}, multiply: 3}\n"
)

LINES = (("l1", "x", "600"), ("l2", "x", "400"))


def split(order: str = "o1", **kw: Any) -> memberkit.Purchase:
    """A ¥1,000 order (lines ¥600 and ¥400) paid ¥700 by the co-branded card, ¥300 by gift card."""
    tenders = [
        {"method": "cobrand", "amount": Decimal(700)},
        {"method": "gift_card", "amount": Decimal(300)},
    ]
    return purchase(order, at(2026, 3, 1), *LINES, tenders=tenders, **kw)


def to_tender(event_id: str, method: str, amount: str, order: str = "o1") -> memberkit.Event:
    return event(
        "refund", event_id, at(2026, 3, 2), order=order, amount=Decimal(amount), tender=method
    )


def by_rule(state: memberkit.MemberState, kind: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for entry in state.points.journal:
        if entry.kind == kind:
            found[entry.rule] = found.get(entry.rule, 0) + int(entry.points)
    return found


def test_each_tender_earns_at_its_own_rate() -> None:
    """¥700 on the card earns 700 base + 1,400 bonus; the ¥300 on the gift card earns nothing."""
    policy = points_policy(CARDS)
    state = applied(policy, member(), split())
    assert by_rule(state, "earn") == {"base": 700}
    assert by_rule(state, "bonus") == {"cobrand": 1400}
    assert total(state) == 2100


def test_the_quote_of_a_split_order_is_its_booking() -> None:
    """The checkout quote says 2,100, as the booking does."""
    policy = points_policy(CARDS)
    quote = memberkit.quote_points(policy, member(), split())
    assert quote.total() == 2100


def test_one_tender_is_the_same_as_a_payment_method() -> None:
    """A single tender paying everything earns as ``payment_method`` does: ¥1,000 × 3."""
    policy = points_policy(CARDS)
    tenders = [{"method": "cobrand", "amount": Decimal(1000)}]
    one = applied(policy, member(), purchase("o1", at(2026, 3, 1), *LINES, tenders=tenders))
    method = applied(
        policy, member(), purchase("o1", at(2026, 3, 1), *LINES, payment_method="cobrand")
    )
    assert total(one) == total(method) == 3000


def test_returning_a_line_takes_back_every_tender_share_of_it() -> None:
    """Returning the ¥400 line takes back what its card share earned: 280 base + 560 bonus."""
    policy = points_policy(CARDS)
    state = applied(policy, member(), split(), refund("r1", at(2026, 3, 2), "o1", ("l2", None)))
    assert by_rule(state, "reverse") == {"base": -280, "cobrand": -560}
    assert total(state) == 1260
    order = state.order("o1")
    assert order is not None
    # The ¥400 went back to the tenders in proportion to what each had left (700 : 300).
    assert [(t.method, t.refunded) for t in order.tenders] == [
        ("cobrand", Decimal(280)),
        ("gift_card", Decimal(120)),
    ]


def test_a_refund_to_the_gift_card_takes_back_nothing() -> None:
    """The gift card's ¥300 earned nothing, so giving it back takes no points."""
    policy = points_policy(CARDS)
    state = applied(policy, member(), split(), to_tender("r1", "gift_card", "300"))
    assert total(state) == 2100
    order = state.order("o1")
    assert order is not None
    assert order.net_amount == Decimal(700)


def test_refunds_to_the_card_take_back_its_share_in_proportion_then_all() -> None:
    """Half the card's ¥700 back takes half of its 2,100 points; the other half takes the rest."""
    policy = points_policy(CARDS)
    state = applied(policy, member(), split(), to_tender("r1", "cobrand", "350"))
    assert total(state) == 1050
    state = applied(policy, state, to_tender("r2", "cobrand", "350"))
    assert total(state) == 0
    # What the gift card paid (¥300) is still the member's spend on the order.
    order = state.order("o1")
    assert order is not None
    assert order.net_amount == Decimal(300)


def test_whole_steps_per_line_count_the_line_not_its_tender_shares() -> None:
    """ "1 point per full ¥10" on a ¥105 line paid ¥59 + ¥46 earns 10 (not 5 + 4)."""
    policy = points_policy(
        "round: per_line\nearn:\n  - {id: base, per: 10 CNY, points: 1, steps: whole}\n"
    )
    tenders = [
        {"method": "card", "amount": Decimal(59)},
        {"method": "wallet", "amount": Decimal(46)},
    ]
    state = applied(
        policy, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", "105"), tenders=tenders)
    )
    assert total(state) == 10


def test_order_level_conditions_read_every_tender() -> None:
    """A fixed bonus for orders the card helped pay reads ``payment_methods``."""
    policy = points_policy(
        "earn:\n  - {id: card-day, when: {payment_methods: cobrand}, points: 50}\n"
    )
    assert total(applied(policy, member(), split())) == 50
    cash = purchase("o2", at(2026, 3, 1), *LINES, payment_method="cash")
    assert total(applied(policy, member(), cash)) == 0


def test_a_split_order_survives_the_json_round_trip() -> None:
    """Tenders and each share's earnings come back from JSON as they went in."""
    policy = points_policy(CARDS)
    state = applied(policy, member(), split(), to_tender("r1", "cobrand", "100"))
    again = memberkit.state_from_json(memberkit.state_to_json(state))
    assert again == state
    after = applied(policy, again, to_tender("r2", "cobrand", "600"))
    assert total(after) == 0


@pytest.mark.parametrize(
    ("method", "amount", "code", "words"),
    [
        ("cash", "10", "unknown_tender", "has no tender 'cash' (tenders: cobrand, gift_card)"),
        ("gift_card", "300.01", "over_refund", "only 300 of what it paid"),
    ],
)
def test_a_refund_to_a_tender_is_checked(method: str, amount: str, code: str, words: str) -> None:
    """A tender the order was not paid with, or more than it paid, is refused and says why."""
    policy = points_policy(CARDS)
    state = applied(policy, member(), split())
    with pytest.raises(memberkit.EventError) as caught:
        memberkit.apply(policy, state, to_tender("r1", method, amount))
    assert caught.value.code == code
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"payment_method": "cash"}, "not both"),
        (
            {"tenders": [{"method": "a", "amount": "1"}, {"method": "a", "amount": "999"}]},
            "appears twice",
        ),
        (
            {"tenders": [{"method": "a", "amount": "1"}, {"method": "b", "amount": "998"}]},
            "the tenders pay 999 but the order comes to 1000",
        ),
        ({"tenders": [{"method": "a", "amount": "0"}]}, "should be more than 0"),
    ],
)
def test_tenders_that_do_not_pay_the_order_are_refused(extra: dict[str, Any], words: str) -> None:
    """Tenders must add up to the order, name each method once, and not come with a method."""
    data: dict[str, Any] = {
        "type": "purchase",
        "id": "o1",
        "at": "2026-03-01T10:00:00+08:00",
        "currency": "CNY",
        "lines": [{"id": "l1", "amount": "1000"}],
        **extra,
    }
    if "payment_method" in extra:
        data["tenders"] = [{"method": "a", "amount": "1000"}]
    with pytest.raises(memberkit.EventError) as caught:
        memberkit.parse_event(data)
    assert words in str(caught.value)


def test_a_refund_names_a_tender_only_with_its_amount() -> None:
    """``tender`` says where money went back, so it comes with ``amount``."""
    with pytest.raises(memberkit.EventError) as caught:
        memberkit.parse_event(
            {
                "type": "refund",
                "id": "r1",
                "at": "2026-03-02T10:00:00+08:00",
                "order": "o1",
                "tender": "cobrand",
            }
        )
    assert "'amount' with 'tender'" in str(caught.value)


def test_an_order_one_method_paid_has_that_method_as_its_only_tender() -> None:
    """A refund to the method that paid the order is a refund by amount; another is refused."""
    policy = points_policy(CARDS)
    paid = purchase("o1", at(2026, 3, 1), *LINES, payment_method="cobrand")
    state = applied(policy, member(), paid, to_tender("r1", "cobrand", "500"))
    assert total(state) == 1500
    with pytest.raises(memberkit.EventError) as caught:
        memberkit.apply(policy, state, to_tender("r2", "cash", "10"))
    assert caught.value.code == "unknown_tender"
    assert "has no tender 'cash' (tenders: cobrand)" in str(caught.value)
