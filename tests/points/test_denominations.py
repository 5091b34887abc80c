"""Denomination tables combined largest first, the discount queries, and the redemption limits.

The table of these tests is 500 points = ¥25 off, 1,500 = ¥80, 3,000 = ¥200 (a department
store's voucher table); every expected value is worked by hand in the test's table.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import at
from tests.points.builders import applied, event, findings, member, points_policy, section

import memberkit
from memberkit import MemberState, Policy
from memberkit.points._denominations import combine
from memberkit.points._model import Denomination

TABLE = (
    "redeem:\n"
    "  denominations: [{points: 500, value: 25}, {points: 1500, value: 80},"
    " {points: 3000, value: 200}]\n"
    "  combine: largest_first\n"
)
WHEN = at(2026, 3, 2)


def _policy(extra: str = "") -> Policy:
    return points_policy(TABLE + extra)


def _funded(policy: Policy, points: int = 10000, tier: str | None = None) -> MemberState:
    return applied(
        policy,
        member(tier),
        event("adjustment", "a1", at(2026, 3, 1), points=points, reason="seed"),
    )


def _redeem(
    policy: Policy, state: MemberState, event_id: str = "r1", **kw: Any
) -> tuple[MemberState, memberkit.Outcome]:
    return memberkit.apply(policy, state, event("redemption", event_id, WHEN, **kw))


@pytest.mark.parametrize(
    ("points", "value", "parts"),
    [
        (3000, "200", ((3000, "200", 1),)),
        (4500, "280", ((3000, "200", 1), (1500, "80", 1))),
        (5000, "305", ((3000, "200", 1), (1500, "80", 1), (500, "25", 1))),
        # 2 × 3,000 = ¥400, then 1,000 left: 1,500 does not fit, 2 × 500 = ¥50.
        (7000, "450", ((3000, "200", 2), (500, "25", 2))),
        (2000, "105", ((1500, "80", 1), (500, "25", 1))),
    ],
)
def test_points_are_made_of_rows_largest_first(
    points: int, value: str, parts: tuple[tuple[int, str, int], ...]
) -> None:
    """A redemption takes as many of the largest row as fit, then the next, and pays their sum."""
    policy = _policy()
    state, outcome = _redeem(policy, _funded(policy), points=points)
    assert outcome.accepted
    assert state.points.redemptions[0].value == Decimal(value)
    check = memberkit.redemption_check(
        policy, _funded(policy), event("redemption", "r1", WHEN, points=points)
    )
    assert check.parts == tuple((p, Decimal(v), n) for p, v, n in parts)


def test_the_explanation_lists_the_rows_taken() -> None:
    """The booking says which rows were taken and how many of each, in every locale."""
    policy = _policy()
    _, outcome = _redeem(policy, _funded(policy), points=7000)
    assert outcome.explain("en") == (
        "Redeemed 7,000 points for CN¥450.00.\n"
        "Made up of 2 × 3,000 points (CN¥200.00 off each) and 2 × 500 points (CN¥25.00 off each)."
    )
    assert outcome.explain("zh_Hans").splitlines()[1] == (
        "组成：2 × 3,000 积分（每份抵 ¥200.00）和2 × 500 积分（每份抵 ¥25.00）。"
    )
    assert "組成" in outcome.explain("zh_Hant")


@pytest.mark.parametrize(("points", "nearest"), [(1200, 1000), (300, 0), (4700, 4500)])
def test_points_the_rows_cannot_make_exactly_are_refused(points: int, nearest: int) -> None:
    """1,200 points is 500 × 2 and 200 over: refused, naming the nearest amount below."""
    policy = _policy()
    before = _funded(policy)
    state, outcome = _redeem(policy, before, points=points)
    assert outcome.refused
    assert state == before
    (reason,) = outcome.reasons
    assert (reason.code, reason.params["nearest"]) == ("points.not_combinable", nearest)


def test_combine_one_keeps_one_row_per_redemption() -> None:
    """Without combine, 2,000 points (two rows) is not an amount of the table."""
    policy = points_policy(TABLE.replace("  combine: largest_first\n", ""))
    _, outcome = _redeem(policy, _funded(policy), points=2000)
    assert [r.code for r in outcome.reasons] == ["points.not_a_denomination"]


@pytest.mark.parametrize(
    ("discount", "points", "value", "left"),
    [
        # ¥300: 3,000 (¥200), ¥100 left: 1,500 (¥80), ¥20 left: 500 (¥25) would exceed.
        ("300", 4500, "280", "20"),
        ("25", 500, "25", "0"),
        ("105", 2000, "105", "0"),
        # ¥1,000 would be 5 × 3,000, but 10,000 are held: 3 × 3,000 + 2 × 500 = ¥650.
        ("1000", 10000, "650", "350"),
    ],
)
def test_points_for_a_discount_is_best_not_exceeding_it(
    discount: str, points: int, value: str, left: str
) -> None:
    """The points a discount takes make the most of it the table can, never more than asked."""
    policy = _policy()
    state = _funded(policy)
    quote = memberkit.points_for_discount(policy, state, Decimal(discount), WHEN)
    assert (quote.accepted, quote.points, quote.value) == (True, points, Decimal(value))
    assert quote.left_value == Decimal(left)
    booked, outcome = _redeem(policy, state, discount=discount)
    assert outcome.reasons == quote.reasons
    assert (booked.points.redemptions[-1].points, booked.points.redemptions[-1].value) == (
        points,
        Decimal(value),
    )


def test_a_discount_cut_by_the_balance_says_so() -> None:
    """¥1,000 off with 10,000 points held: ¥650 paid, ¥350 left, the balance named as the cause."""
    policy = _policy()
    quote = memberkit.points_for_discount(policy, _funded(policy), Decimal(1000), WHEN)
    assert [r.code for r in quote.reasons][-2:] == [
        "points.discount_left_over",
        "points.capped_by_balance",
    ]
    assert quote.explain("en").splitlines()[-2:] == [
        "Of the CN¥1,000.00 discount asked, points pay CN¥650.00; CN¥350.00 is left to pay "
        "otherwise.",
        "Only 10,000 points available.",
    ]


def test_a_discount_smaller_than_every_row_is_refused() -> None:
    """¥10 off cannot be made from rows of ¥25 and up: refused, and booking it is refused too."""
    policy = _policy()
    state = _funded(policy)
    quote = memberkit.points_for_discount(policy, state, Decimal(10), WHEN)
    assert not quote.accepted
    assert [r.code for r in quote.reasons] == ["points.no_discount_possible"]
    assert _redeem(policy, state, discount="10")[1].refused


@pytest.mark.parametrize(
    ("asked", "points", "value", "left"),
    [(4700, 4500, "280", 200), (3000, 3000, "200", 0), (20000, 10000, "650", 10000)],
)
def test_the_discount_for_points_uses_what_the_rows_make(
    asked: int, points: int, value: str, left: int
) -> None:
    """4,700 points offered: 4,500 make ¥280 and 200 stay in the balance."""
    policy = _policy()
    state = _funded(policy)
    quote = memberkit.discount_for_points(policy, state, asked, WHEN)
    assert (quote.points, quote.value, quote.left_points) == (points, Decimal(value), left)
    _, outcome = _redeem(policy, state, points=points)
    assert outcome.accepted
    assert quote.reasons[: len(outcome.reasons)] == outcome.reasons


def test_the_share_of_the_order_bounds_the_rows_taken() -> None:
    """Half of a ¥300 order is ¥150: 3,000 (¥200) is skipped, 1,500 + 2 × 500 = ¥130 is taken."""
    policy = _policy("  max_share_of_order: 0.5\n")
    state = _funded(policy)
    quote = memberkit.discount_for_points(policy, state, 5700, WHEN, order_amount=Decimal(300))
    assert (quote.points, quote.value) == (2500, Decimal(130))
    assert quote.parts == ((1500, Decimal(80), 1), (500, Decimal(25), 2))
    booked, outcome = _redeem(policy, state, points=2500, order_amount="300")
    assert outcome.accepted
    assert booked.points.redemptions[-1].value == Decimal(130)
    # 3,000 points are one row of ¥200, over the ¥150 the order allows.
    _, refused = _redeem(policy, state, points=3000, order_amount="300")
    assert [r.code for r in refused.reasons] == ["points.over_order_share"]


def test_a_discount_asked_keeps_within_the_discount_and_the_share() -> None:
    """¥190 asked on a ¥1,000 order: 2 × 1,500 + 500 = ¥185; booking it takes the same rows."""
    policy = _policy("  max_share_of_order: 0.5\n")
    state = _funded(policy)
    quote = memberkit.points_for_discount(
        policy, state, Decimal(190), WHEN, order_amount=Decimal(1000)
    )
    assert (quote.points, quote.value, quote.left_value) == (3500, Decimal(185), Decimal(5))
    assert quote.parts == ((1500, Decimal(80), 2), (500, Decimal(25), 1))
    booked, _ = _redeem(policy, state, discount="190", order_amount="1000")
    assert booked.points.redemptions[-1].value == Decimal(185)


def test_max_redeemable_adds_rows_up() -> None:
    """With 9,700 points the most one payment takes is 3 × 3,000 + 500 = 9,500 (¥625)."""
    policy = _policy()
    check = memberkit.max_redeemable(policy, _funded(policy, 9700), WHEN)
    assert (check.points, check.value) == (9500, Decimal(625))


# --- limits ---------------------------------------------------------------------------------------


def test_max_points_per_order_counts_every_redemption_towards_the_order() -> None:
    """6,000 a order: 4,500 then 3,000 on o1 is refused, 1,500 is accepted, o2 starts afresh."""
    policy = _policy("  max_points_per_order: 6000\n")
    state, _ = _redeem(policy, _funded(policy, 20000), points=4500, order="o1")
    _, refused = _redeem(policy, state, "r2", points=3000, order="o1")
    assert refused.explain("en") == (
        "At most 6,000 points may be redeemed per order; 4,500 already used on it, "
        "so 3,000 more is too many."
    )
    assert _redeem(policy, state, "r2", points=1500, order="o1")[1].accepted
    assert _redeem(policy, state, "r2", points=3000, order="o2")[1].accepted


def test_a_cancelled_redemption_frees_its_order_room() -> None:
    """After the 4,500 on o1 is cancelled, 6,000 more fit on o1."""
    policy = _policy("  max_points_per_order: 6000\n")
    state, _ = _redeem(policy, _funded(policy, 20000), points=4500, order="o1")
    state = applied(policy, state, event("redemption_cancel", "c1", WHEN, redemption="r1"))
    assert _redeem(policy, state, "r2", points=6000, order="o1")[1].accepted


def test_the_discount_queries_stop_at_the_order_room() -> None:
    """4,500 already on o1 under a 6,000 cap: ¥300 asked gets 1,500 (¥80), the cap named."""
    policy = _policy("  max_points_per_order: 6000\n")
    state, _ = _redeem(policy, _funded(policy, 20000), points=4500, order="o1")
    quote = memberkit.points_for_discount(policy, state, Decimal(300), WHEN, order="o1")
    assert (quote.points, quote.value) == (1500, Decimal(80))
    assert quote.reasons[-1].code == "points.capped_by_order_max"


@pytest.mark.parametrize(("order_amount", "accepted"), [("99.99", False), ("100", True)])
def test_a_minimum_order_amount(order_amount: str, accepted: bool) -> None:
    """Points pay only towards orders of ¥100 or more."""
    policy = _policy("  min_order_amount: 100\n")
    _, outcome = _redeem(policy, _funded(policy), points=500, order_amount=order_amount)
    assert outcome.accepted is accepted
    if not accepted:
        assert outcome.explain("en") == (
            "Points pay only towards orders of at least CN¥100.00; this order is CN¥99.99."
        )


def test_a_minimum_order_amount_needs_the_order_amount() -> None:
    """A payment without order_amount under min_order_amount is an EventError naming the field."""
    policy = _policy("  min_order_amount: 100\n")
    with pytest.raises(memberkit.EventError, match="min_order_amount") as caught:
        _redeem(policy, _funded(policy), points=500)
    assert caught.value.code == "missing_order_amount"


def test_a_minimum_balance_binds_every_redemption() -> None:
    """min_balance 1,000: from 2,000, three redemptions of 500 go (2,000, 1,500, 1,000 held
    before each); the fourth, from 500, is refused."""
    policy = _policy("  min_balance: 1000\n")
    state = _funded(policy, 2000)
    for n in (1, 2, 3):
        state, outcome = _redeem(policy, state, f"r{n}", points=500)
        assert outcome.accepted
    _, fourth = _redeem(policy, state, "r4", points=500)
    assert [r.code for r in fourth.reasons] == ["points.below_min_balance"]
    assert fourth.explain("zh_Hans") == "每次兑换需至少有 1,000 积分可用，当前可用 500。"


def test_rewards_limited_to_tiers() -> None:
    """The lounge pass is for gold and platinum: a silver member is refused, a gold one is not."""
    policy = _policy(
        "  rewards: [{id: lounge, name: {en: Lounge pass}, points: 800, tiers: [gold, platinum]}]\n"
    )
    _, refused = _redeem(policy, _funded(policy, tier="silver"), reward="lounge")
    assert (
        refused.explain("en")
        == "Only gold and platinum members may redeem Lounge pass (current tier: silver)."
    )
    assert _redeem(policy, _funded(policy, tier="gold"), reward="lounge")[1].accepted


@pytest.mark.parametrize(("order_amount", "accepted"), [("80", True), ("100", False)])
def test_points_or_cash_not_both(order_amount: str, accepted: bool) -> None:
    """1,500 points (¥80) pay an ¥80 order whole; towards a ¥100 order they would leave cash."""
    policy = _policy("  points_or_cash: true\n")
    _, outcome = _redeem(policy, _funded(policy), points=1500, order_amount=order_amount)
    assert outcome.accepted is accepted
    if not accepted:
        assert [r.code for r in outcome.reasons] == ["points.not_whole_order"]


# --- the policy -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ("redeem: {points_per_unit: 100, combine: largest_first}\n", "no_effect", "denominations"),
        (
            "redeem: {rewards: [{id: mug, points: 10}], min_order_amount: 10}\n",
            "no_effect",
            "towards an order",
        ),
        (
            "redeem: {points_per_unit: 100, min_order_amount: 10.001}\n",
            "too_many_decimals",
            "decimals",
        ),
        (
            "redeem: {points_per_unit: 100, points_or_cash: true, max_share_of_order: 0.5}\n",
            "conflicting_keys",
            "remove one",
        ),
        (
            "redeem: {rewards: [{id: mug, points: 10, tiers: [gld]}]}\n",
            "unknown_tier",
            "did you mean 'gold'",
        ),
    ],
)
def test_limits_that_cannot_work_are_refused_when_loaded(body: str, code: str, words: str) -> None:
    """A limit naming an unknown tier, or one that changes nothing, is a finding saying what to write."""
    (finding,) = findings(body)
    assert finding.code == code
    assert words in finding.message


def test_the_combine_word_is_closed() -> None:
    """combine takes one or largest_first only."""
    with pytest.raises(ValueError, match="largest_first"):
        section("redeem: {denominations: [{points: 1, value: 1}], combine: greedy}\n")


# --- laws -----------------------------------------------------------------------------------------

_ROWS = st.lists(
    st.tuples(st.integers(1, 5000), st.integers(1, 500)),
    min_size=1,
    max_size=4,
    unique_by=lambda r: r[0],
).map(lambda rows: tuple(Denomination(points=p, value=Decimal(v)) for p, v in sorted(rows)))


@given(_ROWS, st.integers(0, 50000), st.one_of(st.none(), st.integers(0, 5000)))
def test_a_combination_stays_within_both_budgets(
    rows: tuple[Denomination, ...], points: int, money: int | None
) -> None:
    """The rows taken never cost more points, nor pay more money, than the budgets allow."""
    budget = None if money is None else Decimal(money)
    found = combine(rows, points, budget)
    assert found.points == sum(r.points * n for r, n in found.parts) <= points
    assert budget is None or found.value <= budget


@given(_ROWS, st.integers(0, 50000), st.one_of(st.none(), st.integers(0, 5000)))
def test_rows_chosen_are_taken_again_by_their_own_points(
    rows: tuple[Denomination, ...], points: int, money: int | None
) -> None:
    """Taking the points a combination chose, under the same money budget, takes the same rows."""
    budget = None if money is None else Decimal(money)
    found = combine(rows, points, budget)
    assert combine(rows, found.points, budget) == found


@given(
    st.integers(1, 30000),
    st.integers(1, 2000),
    st.one_of(st.none(), st.integers(1, 3000)),
)
def test_quote_equals_booking(balance: int, discount: int, order_amount: int | None) -> None:
    """What points_for_discount and discount_for_points answer is exactly what apply books."""
    policy = _policy("  max_share_of_order: 0.5\n" if order_amount is not None else "")
    state = _funded(policy, balance)
    amount = None if order_amount is None else Decimal(order_amount)
    extra = {} if amount is None else {"order_amount": str(amount)}
    quote = memberkit.points_for_discount(
        policy, state, Decimal(discount), WHEN, order_amount=amount
    )
    booked, outcome = _redeem(policy, state, discount=str(discount), **extra)
    assert outcome.accepted is quote.accepted
    assert outcome.reasons == quote.reasons
    if quote.accepted:
        record = booked.points.redemptions[-1]
        assert (record.points, record.value) == (quote.points, quote.value)
    offered = memberkit.discount_for_points(policy, state, discount * 10, WHEN, order_amount=amount)
    if offered.accepted:
        booked, outcome = _redeem(policy, state, points=offered.points, **extra)
        assert booked.points.redemptions[-1].value == offered.value


def test_a_discount_at_a_rate_takes_whole_steps() -> None:
    """At 100 points per ¥1 in steps of 10, ¥3.45 takes 340 points (¥3.40), ¥0.05 left."""
    policy = points_policy("redeem: {points_per_unit: 100, step: 10}\n")
    state = _funded(policy, 1000)
    quote = memberkit.points_for_discount(policy, state, Decimal("3.45"), WHEN)
    assert (quote.points, quote.value, quote.left_value) == (340, Decimal("3.40"), Decimal("0.05"))
    booked, outcome = _redeem(policy, state, discount="3.45")
    assert outcome.reasons == quote.reasons
    assert booked.points.redemptions[-1].points == 340
    offered = memberkit.discount_for_points(policy, state, 345, WHEN)
    assert (offered.points, offered.value, offered.left_points) == (340, Decimal("3.40"), 5)


def test_a_discount_for_a_currency_that_pays_none_is_an_error() -> None:
    """A currency with rewards only pays no discount: the query and the event say so."""
    policy = points_policy("redeem: {rewards: [{id: mug, points: 10}]}\n")
    state = _funded(policy, 1000)
    with pytest.raises(memberkit.EventError, match="pay no discount"):
        memberkit.points_for_discount(policy, state, Decimal(5), WHEN)
    with pytest.raises(memberkit.EventError, match="pay no discount"):
        _redeem(policy, state, discount="5")


def test_replay_of_discount_redemptions_equals_applying_them() -> None:
    """Redemptions asking for discounts replay to the state applying them one by one gave."""
    policy = _policy("  max_points_per_order: 6000\n")
    start = member()
    events = [
        event("adjustment", "a1", at(2026, 3, 1), points=9000, reason="seed"),
        event("redemption", "r1", WHEN, discount="300", order="o1"),
        event("redemption", "r2", at(2026, 3, 3), discount="300", order="o1"),
        event("redemption", "r3", at(2026, 3, 4), points=1500, order="o2"),
    ]
    state = applied(policy, start, *events)
    assert [r.points for r in state.points.redemptions] == [4500, 1500, 1500]
    assert memberkit.replay(policy, start, events) == state


def test_the_two_order_minimums_keep_their_own_texts() -> None:
    """An earning rule's order minimum and the redemption's each render with their own words."""
    from memberkit._money import Money
    from memberkit.i18n import render

    earn = memberkit.Reason.of(
        "points.below_min_order", rule="Base", minimum=Money(Decimal(50), "CNY")
    )
    pay = memberkit.Reason.of(
        "points.redeem_below_min_order",
        amount=Money(Decimal(40), "CNY"),
        minimum=Money(Decimal(50), "CNY"),
    )
    assert render(earn, "en") == "Base: earns only on orders of at least CN¥50.00."
    assert render(pay, "en") == (
        "Points pay only towards orders of at least CN¥50.00; this order is CN¥40.00."
    )
