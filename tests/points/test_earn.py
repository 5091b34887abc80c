"""Earning: rates, multipliers in both stacking modes, rounding, caps, thresholds, birthdays."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from tests.builders import activity, at, purchase
from tests.points.builders import applied, member, points_policy, total

import memberkit

BASE = "earn:\n  - {id: base, per: 1 CNY, points: 1}\n"


@pytest.mark.parametrize(
    ("rounding", "amount", "expected"),
    [
        ("floor", "10.99", 10),
        ("ceil", "10.01", 11),
        ("ceil", "10.00", 10),
        ("half_up", "10.50", 11),
        ("half_up", "10.49", 10),
        ("half_even", "10.50", 10),
        ("half_even", "11.50", 12),
        ("half_even", "10.51", 11),
    ],
)
def test_rounding_at_each_boundary(rounding: str, amount: str, expected: int) -> None:
    """Each rounding mode rounds a fractional point the stated way, at the .5 and .0 boundaries."""
    policy = points_policy(BASE + f"rounding: {rounding}\n")
    quote = memberkit.quote_points(
        policy, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", amount))
    )
    assert quote.total() == expected


def test_per_line_rounding_rounds_each_line_before_adding() -> None:
    """With round: per_line two lines of 1.50 floor to 1 each (2), per order they make 3."""
    lines = (("l1", "x", "1.50"), ("l2", "x", "1.50"))
    per_line = points_policy(BASE + "round: per_line\n")
    per_order = points_policy(BASE + "round: per_order\n")
    order = purchase("o1", at(2026, 3, 1), *lines)
    assert memberkit.quote_points(per_line, member(), order).total() == 2
    assert memberkit.quote_points(per_order, member(), order).total() == 3


@pytest.mark.parametrize(
    ("stacking", "tier", "expected"),
    [
        ("multiply", "gold", 300),  # 100 × 1.5 × 2
        ("add", "gold", 250),  # 100 + 50 + 100
        ("multiply", "basic", 200),
        ("add", "basic", 200),
    ],
)
def test_multiplier_stacking_modes(stacking: str, tier: str, expected: int) -> None:
    """Multipliers multiply each other, or each adds its own bonus part, as the policy says."""
    policy = points_policy(
        BASE
        + "  - {id: tier, multiply: {by_tier: {gold: 1.5}}}\n"
        + "  - {id: app, when: {channel: app}, multiply: 2}\n"
        + f"stacking: {stacking}\n"
    )
    order = purchase("o1", at(2026, 3, 1), ("l1", "x", "100"), channel="app")
    assert memberkit.quote_points(policy, member(tier), order).total() == expected


def test_the_quote_lists_each_rule_with_what_it_added() -> None:
    """A quote names every contributing rule in policy order with its points and factor."""
    policy = points_policy(BASE + "  - {id: tier, multiply: {by_tier: {gold: 1.5}}}\n")
    quote = memberkit.quote_points(policy, member("gold"), purchase("o1", at(2026, 3, 1)))
    assert [(q.rule, q.kind, q.points, q.factor) for q in quote.lines] == [
        ("base", "earn", 100, None),
        ("tier", "bonus", 50, Decimal("1.5")),
    ]


def test_the_quote_changes_nothing() -> None:
    """Quoting an order leaves the member state exactly as it was."""
    policy = points_policy(BASE)
    state = member()
    memberkit.quote_points(policy, state, purchase("o1", at(2026, 3, 1)))
    assert state.points.journal == ()


def test_excluded_categories_earn_nothing() -> None:
    """A gift-card line excluded by 'except' earns no points; the other line does."""
    policy = points_policy(
        "earn:\n  - {id: base, per: 1 CNY, points: 1, except: {category: [gift_card]}}\n"
    )
    order = purchase("o1", at(2026, 3, 1), ("l1", "shoes", "80"), ("l2", "gift_card", "500"))
    assert memberkit.quote_points(policy, member(), order).total() == 80


def test_category_multiplier_applies_to_its_lines_only() -> None:
    """A per-category multiplier doubles the points of matching lines only."""
    policy = points_policy(BASE + "  - {id: shoes, when: {category: shoes}, multiply: 2}\n")
    order = purchase("o1", at(2026, 3, 1), ("l1", "shoes", "80"), ("l2", "hats", "20"))
    assert memberkit.quote_points(policy, member(), order).total() == 180


def test_shipping_and_tax_are_included_only_when_the_base_says_so() -> None:
    """A base with shipping: true earns on shipping too; the default does not."""
    with_shipping = points_policy(
        "earn:\n  - {id: base, per: 1 CNY, points: 1, base: {shipping: true}}\n"
    )
    order = purchase("o1", at(2026, 3, 1), ("l1", "x", "100"), shipping="10")
    assert memberkit.quote_points(with_shipping, member(), order).total() == 110
    assert memberkit.quote_points(points_policy(BASE), member(), order).total() == 100


def test_gross_base_earns_on_list_price() -> None:
    """A rule with base amount gross earns on the line's price before discounts."""
    policy = points_policy("earn:\n  - {id: base, per: 1 CNY, points: 1, base: {amount: gross}}\n")
    order = memberkit.parse_event(
        {
            "type": "purchase",
            "id": "o1",
            "at": at(2026, 3, 1),
            "currency": "CNY",
            "lines": [{"id": "l1", "amount": "80", "gross": "100"}],
        }
    )
    assert isinstance(order, memberkit.Purchase)
    assert memberkit.quote_points(policy, member(), order).total() == 100


def test_minimum_order_threshold() -> None:
    """A rule with min_order earns nothing below it and says why."""
    policy = points_policy(BASE + "  - {id: big, points: 200, min_order: 500}\n")
    small = memberkit.quote_points(policy, member(), purchase("o1", at(2026, 3, 1)))
    big = memberkit.quote_points(
        policy, member(), purchase("o2", at(2026, 3, 1), ("l1", "x", "500"))
    )
    assert small.total() == 100
    assert "points.below_min_order" in [r.code for r in small.reasons]
    assert big.total() == 700


def test_activity_bonus_with_a_count_cap() -> None:
    """Referrals earn 300 each, up to two a year; the third earns nothing and says it was capped."""
    policy = points_policy(
        "earn:\n  - {id: referral, on: referral, points: 300, cap: {count: 2, per: year}}\n"
    )
    state = member()
    for i in range(3):
        state = applied(policy, state, activity(f"a{i}", at(2026, 3, 1 + i), "referral"))
    assert total(state) == 600


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (at(2026, 12, 31, 23, 59), at(2027, 1, 1, 0, 1), 200),  # a new year: room again
        (at(2026, 12, 31, 0, 1), at(2026, 12, 31, 23, 59), 100),  # the same day in Shanghai
    ],
)
def test_caps_cross_the_period_boundary_in_the_programme_timezone(
    first: datetime, second: datetime, expected: int
) -> None:
    """A daily/yearly cap renews at local midnight in Shanghai, not at UTC midnight."""
    policy = points_policy(
        "earn:\n  - {id: base, per: 1 CNY, points: 1, cap: {points: 100, per: year}}\n"
    )
    state = applied(
        policy,
        member(),
        purchase("o1", first, ("l1", "x", "150")),
        purchase("o2", second, ("l1", "x", "150")),
    )
    assert total(state) == expected


def test_daily_count_cap_uses_shanghai_days() -> None:
    """Check-ins at 23:59 and 00:01 Shanghai fall on two days and both earn."""
    policy = points_policy(
        "earn:\n  - {id: daily, on: checkin, points: 5, cap: {count: 1, per: day}}\n"
    )
    state = applied(
        policy,
        member(),
        activity("c1", at(2026, 12, 31, 23, 59), "checkin"),
        activity("c2", at(2027, 1, 1, 0, 1), "checkin"),
        activity("c3", at(2027, 1, 1, 9, 0), "checkin"),
    )
    assert total(state) == 10


def test_birthday_month_first_order_earns_double() -> None:
    """The first order in the birthday month earns double; the second one in that month does not."""
    policy = points_policy(
        BASE + "  - {id: bday, when: {birthday: month}, first_in: month, multiply: 2}\n"
    )
    state = member(birthday=date(1990, 5, 20))
    state = applied(policy, state, purchase("o1", at(2026, 5, 2)))
    second = memberkit.quote_points(policy, state, purchase("o2", at(2026, 5, 3)))
    assert total(state) == 200
    assert second.total() == 100


def test_the_tier_in_force_at_the_order_time_sets_the_multiplier() -> None:
    """An order placed before an upgrade earns at the old tier's rate."""
    from memberkit.tiers._state import TierChange, TierState

    policy = points_policy(BASE + "  - {id: tier, multiply: {by_tier: {gold: 2}}}\n")
    state = member().evolve(tiers=TierState((TierChange(at(2026, 6, 1), "gold", "upgrade"),)))
    before = memberkit.quote_points(policy, state, purchase("o1", at(2026, 5, 31)))
    after = memberkit.quote_points(policy, state, purchase("o2", at(2026, 6, 1)))
    assert (before.total(), after.total()) == (100, 200)


def test_a_second_currency_earns_alongside() -> None:
    """Growth points earned by their own rule are kept apart from spendable points."""
    policy = points_policy(
        "currencies: [{id: points}, {id: growth, spendable: false}]\n"
        "earn:\n  - {id: base, per: 1 CNY, points: 1}\n"
        "  - {id: growth, per: 1 CNY, points: 2, currency: growth}\n"
    )
    quote = memberkit.quote_points(policy, member(), purchase("o1", at(2026, 3, 1)))
    assert dict(quote.totals) == {"points": 100, "growth": 200}


def test_fractional_points_keep_their_decimals_through_json() -> None:
    """A currency with decimals: 2 earns 33.33 on ¥100 at 1 per ¥3, and JSON keeps it exact."""
    policy = points_policy(
        "currencies: [{id: stars, decimals: 2}]\nearn:\n  - {id: base, per: 3 CNY, points: 1}\n"
    )
    state = applied(policy, member(), purchase("o1", at(2026, 3, 1)))
    again = memberkit.state_from_json(memberkit.state_to_json(state))
    assert again == state
    assert again.points.lots[0].amount == Decimal("33.33")
