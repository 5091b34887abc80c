"""Earning on custom quantities: miles per distance flown, points per night, with a minimum.

A rate ``per: {attribute: distance, unit: 1}`` earns on an activity's attribute or on a
purchase's lines (or the order when no line carries it); multipliers act on it for activities
as for purchases.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tests.builders import activity, at, refund
from tests.points.builders import applied, member, points_policy, total

import memberkit

MILES = (
    "earn:\n"
    "  - {id: miles, on: flight, per: {attribute: distance, unit: 1}, points: 1,"
    " min_points: 500}\n"
    "  - {id: fare, on: flight, when: {attr.fare_class: [F, A]}, multiply: 1.5}\n"
    "  - {id: elite, on: flight, multiply: {by_tier: {gold: 2}}}\n"
    "stacking: add\n"
)


def _flight(event_id: str, distance: object, fare: str = "Y") -> memberkit.Activity:
    return activity(
        event_id, at(2026, 3, 1), "flight", attributes={"distance": distance, "fare_class": fare}
    )


def _order(event_id: str, lines: list[dict[str, Any]], **kw: Any) -> memberkit.Purchase:
    data = {"type": "purchase", "id": event_id, "at": at(2026, 3, 1), "currency": "CNY"}
    event = memberkit.parse_event({**data, "lines": lines, **kw})
    assert isinstance(event, memberkit.Purchase)
    return event


def test_a_flight_earns_a_mile_per_mile_flown() -> None:
    """1,234 miles flown in economy earn 1,234 miles."""
    state = applied(points_policy(MILES), member(), _flight("f1", 1234))
    assert total(state) == 1234


def test_a_short_segment_earns_the_minimum() -> None:
    """A 300-mile segment earns the 500-mile minimum, and says so."""
    state, outcome = memberkit.apply(points_policy(MILES), member(), _flight("f1", 300))
    assert total(state) == 500
    assert "points.minimum_applied" in [r.code for r in outcome.reasons]


def test_a_fare_class_multiplier_applies_to_a_flight_activity() -> None:
    """First class (F) adds 50% of the distance miles: 1,000 + 500."""
    state = applied(points_policy(MILES), member(), _flight("f1", 1000, "F"))
    assert total(state) == 1500


def test_fare_class_and_elite_bonuses_add_on_the_distance_miles() -> None:
    """A gold member in A class earns 1,000 + 500 (fare) + 1,000 (elite), stacking: add."""
    state = applied(points_policy(MILES), member("gold"), _flight("f1", 1000, "A"))
    assert [(e.rule, e.points) for e in state.points.journal] == [
        ("miles", 1000),
        ("fare", 500),
        ("elite", 1000),
    ]


def test_an_attribute_rate_counts_whole_units() -> None:
    """per: {attribute: distance, unit: 10} earns 1 point per 10 km, rounded down: 123."""
    policy = points_policy(
        "earn:\n  - {id: km, on: ride, per: {attribute: distance, unit: 10}, points: 1}\n"
    )
    ride = activity("r1", at(2026, 3, 1), "ride", attributes={"distance": Decimal("1239.9")})
    assert total(applied(policy, member(), ride)) == 123


def test_an_activity_without_the_attribute_earns_nothing_from_the_rate() -> None:
    """A flight event with no distance earns no distance miles (not even the minimum)."""
    state, outcome = memberkit.apply(
        points_policy(MILES), member(), activity("f1", at(2026, 3, 1), "flight")
    )
    assert outcome.accepted
    assert total(state) == 0


@pytest.mark.parametrize("bad", ["far", -5, True])
def test_a_non_numeric_or_negative_attribute_is_an_event_error(bad: object) -> None:
    """A distance that is not a number of at least 0 is bad input, not a silent zero."""
    with pytest.raises(memberkit.EventError) as raised:
        memberkit.apply(points_policy(MILES), member(), _flight("f1", bad))
    assert raised.value.code == "bad_attribute"


NIGHTS = "earn:\n  - {id: nights, per: {attribute: nights, unit: 1}, points: 100}\n"


def test_purchase_lines_carry_the_quantity() -> None:
    """Two room lines of 2 and 3 nights earn 100 points a night: 500."""
    order = _order(
        "o1",
        [
            {"id": "r1", "amount": "800", "attributes": {"nights": 2}},
            {"id": "r2", "amount": "900", "attributes": {"nights": 3}},
        ],
    )
    assert memberkit.quote_points(points_policy(NIGHTS), member(), order).total() == 500


def test_the_order_carries_the_quantity_when_no_line_does() -> None:
    """A stay booked as one order with nights: 4 on the order earns 400."""
    order = _order("o1", [{"id": "r1", "amount": "1200"}], attributes={"nights": 4})
    assert memberkit.quote_points(points_policy(NIGHTS), member(), order).total() == 400


def test_refunding_a_room_line_takes_back_its_nights_points() -> None:
    """Refunding the 3-night line takes back its 300 points and leaves the 2-night line's 200."""
    policy = points_policy(NIGHTS + "pending: immediate\n")
    order = _order(
        "o1",
        [
            {"id": "r1", "amount": "800", "attributes": {"nights": 2}},
            {"id": "r2", "amount": "900", "attributes": {"nights": 3}},
        ],
    )
    state = applied(policy, member(), order, refund("x1", at(2026, 3, 2), "o1", ("r2", None)))
    assert total(state) == 200


@pytest.mark.parametrize("distance", [1, 129, 337, 499])
def test_the_minimum_is_exact_whatever_the_distance(distance: int) -> None:
    """A segment below the minimum earns exactly 500, never 499 from rounding its scaled share."""
    assert total(applied(points_policy(MILES), member(), _flight("f1", distance))) == 500


def test_the_minimum_spreads_over_purchase_lines_and_adds_up() -> None:
    """Two ticket lines of 100 and 200 miles under a 500 minimum earn 500 in all, split by line."""
    policy = points_policy(
        "earn:\n  - {id: miles, per: {attribute: distance, unit: 1}, points: 1, min_points: 500}\n"
    )
    order = _order(
        "o1",
        [
            {"id": "s1", "amount": "80", "attributes": {"distance": 100}},
            {"id": "s2", "amount": "120", "attributes": {"distance": 200}},
        ],
    )
    state = applied(policy, member(), order)
    assert total(state) == 500
    assert [(e.line, e.points) for e in state.points.earnings] == [("s1", 166), ("s2", 334)]
