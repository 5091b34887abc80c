"""Refunds take back what the returned lines earned, per rule, and give cap room back."""

from __future__ import annotations

import pytest
from tests.builders import at, purchase, refund
from tests.points.builders import applied, event, member, points_policy, total

import memberkit

BASE = "earn:\n  - {id: base, per: 1 CNY, points: 1}\n"


def test_a_refund_inside_the_pending_window_removes_points_before_they_are_spendable() -> None:
    """Refunded within the 7-day window, the order's points never become available."""
    policy = points_policy(BASE + "pending: {days: 7}\n")
    state = applied(policy, member(), purchase("o1", at(2026, 3, 1)))
    assert memberkit.balance(policy, state, at(2026, 3, 2)).pending == 100
    state = applied(policy, state, refund("r1", at(2026, 3, 3), "o1"))
    held = memberkit.balance(policy, state, at(2026, 3, 9))
    assert (held.available, held.pending, total(state)) == (0, 0, 0)


def test_a_partial_refund_takes_back_the_line_and_a_share_of_order_bonuses() -> None:
    """Returning a ¥60 line of a ¥100 order takes its 60 points and 60% of a 200-point bonus."""
    policy = points_policy(BASE + "  - {id: big, points: 200}\n")
    state = applied(
        policy,
        member(),
        purchase("o1", at(2026, 3, 1), ("l1", "x", "60"), ("l2", "x", "40")),
        refund("r1", at(2026, 3, 2), "o1", ("l1", None)),
    )
    reversed_by_rule = {e.rule: e.points for e in state.points.journal if e.kind == "reverse"}
    assert reversed_by_rule == {"base": -60, "big": -120}


def test_refunding_some_units_of_a_line_is_proportional() -> None:
    """Returning 1 of 4 units takes back a quarter of what the line earned."""
    policy = points_policy(BASE + "  - {id: tier, multiply: {by_tier: {gold: 2}}}\n")
    state = applied(
        policy,
        member("gold"),
        purchase("o1", at(2026, 3, 1), ("l1", "x", "100", 4)),
        refund("r1", at(2026, 3, 2), "o1", ("l1", 1)),
    )
    assert total(state) == 150


@pytest.mark.parametrize(
    ("reversal", "balance", "debt", "short"),
    [
        ("up_to_balance", 0, 0, True),
        ("negative", -50, 50, False),
        ("pending_only", 50, 0, True),
    ],
)
def test_refund_after_partial_redemption(
    reversal: str, balance: int, debt: int, short: bool
) -> None:
    """Points already spent are taken up to the balance, made a debt, or left, as the policy says."""
    policy = points_policy(BASE + f"reversal: {reversal}\nredeem: {{points_per_unit: 100}}\n")
    state = applied(
        policy,
        member(),
        purchase("o1", at(2026, 3, 1)),
        event("redemption", "x1", at(2026, 3, 2), points=50),
    )
    state, outcome = memberkit.apply(policy, state, refund("r1", at(2026, 3, 3), "o1"))
    assert memberkit.balance(policy, state, at(2026, 3, 3)).available == balance
    assert state.points.debt_of("points") == debt
    assert ("points.reversal_shortfall" in [r.code for r in outcome.reasons]) is short


def test_a_debt_is_paid_off_by_later_earnings() -> None:
    """Under reversal: negative, the next order's points first repay what is owed."""
    policy = points_policy(BASE + "reversal: negative\nredeem: {points_per_unit: 100}\n")
    state = applied(
        policy,
        member(),
        purchase("o1", at(2026, 3, 1)),
        event("redemption", "x1", at(2026, 3, 2), points=100),
        refund("r1", at(2026, 3, 3), "o1"),
        purchase("o2", at(2026, 3, 4), ("l1", "x", "30")),
    )
    assert memberkit.balance(policy, state, at(2026, 3, 4)).available == -70


def test_a_full_refund_gives_the_cap_room_back() -> None:
    """After a refunded order the yearly cap allows the full amount again."""
    policy = points_policy(
        "earn:\n  - {id: base, per: 1 CNY, points: 1, cap: {points: 100, per: year}}\n"
    )
    state = applied(
        policy,
        member(),
        purchase("o1", at(2026, 3, 1)),
        refund("r1", at(2026, 3, 2), "o1"),
    )
    quote = memberkit.quote_points(policy, state, purchase("o2", at(2026, 3, 3)))
    assert quote.total() == 100


def test_points_pending_until_an_event_are_released_by_it() -> None:
    """Under pending: {until: delivered}, a delivered activity naming the order releases its points."""
    from tests.builders import activity

    policy = points_policy(BASE + "pending: {until: delivered}\n")
    state = applied(policy, member(), purchase("o1", at(2026, 3, 1)))
    assert memberkit.balance(policy, state, at(2026, 4, 1)).pending == 100
    state = applied(
        policy, state, activity("d1", at(2026, 3, 3), "delivered", attributes={"order": "o1"})
    )
    assert memberkit.balance(policy, state, at(2026, 3, 3)).available == 100


KEEP = (
    "earn:\n  - {id: base, per: 1 CNY, points: 1}\n"
    "  - {id: double-11, name: {en: Double 11, zh_Hans: 双十一}, when: {date: 2026-11-11},"
    " multiply: 2, keep_on_refund_after: 2026-11-11}\n"
)


@pytest.mark.parametrize(
    ("day", "left"),
    [
        # Refunded on the promotion day: base 100 and the bonus 100 both go back.
        (11, 0),
        # Refunded on 12 November, after the promotion: only the base 100 goes back.
        (12, 100),
    ],
)
def test_a_promotion_bonus_is_kept_by_a_refund_after_the_promotion(day: int, left: int) -> None:
    """A ¥100 order on 11.11 earns 200; a refund after the promotion ended keeps the bonus 100."""
    policy = points_policy(KEEP)
    state = applied(
        policy,
        member(),
        purchase("o1", at(2026, 11, 11)),
        refund("r1", at(2026, 11, day), "o1"),
    )
    assert total(state) == left


def test_the_refund_says_which_bonus_it_kept() -> None:
    """The outcome names the kept rule, the points and the day, in every locale."""
    policy = points_policy(KEEP)
    state = applied(policy, member(), purchase("o1", at(2026, 11, 11)))
    _, outcome = memberkit.apply(policy, state, refund("r1", at(2026, 11, 12), "o1"))
    assert outcome.reasons[-1].code == "points.refund_kept"
    assert outcome.explain("en").splitlines()[-1] == (
        "Double 11 keeps its 100 points: refunds after Nov 11, 2026 do not take them back."
    )
    assert outcome.explain("zh_Hans").splitlines()[-1] == (
        "双十一的 100 积分保留：2026年11月11日之后的退款不予扣回。"
    )


def test_keeping_on_refund_is_for_purchase_rules() -> None:
    """An activity rule cannot keep anything from a refund: activities are never refunded."""
    from tests.points.builders import section

    with pytest.raises(ValueError, match="keep_on_refund_after"):
        section("earn: [{id: s, on: signup, points: 5, keep_on_refund_after: 2026-01-01}]\n")


def test_points_of_a_refunded_order_that_a_cancel_gives_back_are_not_that_order_s_again() -> None:
    """Spent, then the order refunded (the refund took other points for the spent ones), then
    the redemption cancelled: the points come back as the redemption's own lot, so the order
    never loses more than it earned (regression: it lost 1,750 of 1,422 at their expiry)."""
    policy = points_policy(
        "earn:\n  - {id: base, per: 1 CNY, points: 1}\n"
        'expiry: {fixed: "12-31", years_after_earning: 1}\n'
        "redeem: {points_per_unit: 100}\n"
    )
    state = applied(
        policy,
        member(),
        purchase("o2", at(2026, 1, 5), ("l1", "x", "1422")),
        purchase("o5", at(2026, 7, 29), ("l1", "x", "323")),
        event("redemption", "x4", at(2026, 7, 31), points=900),
        refund("r6", at(2027, 10, 31), "o2"),
        event("redemption_cancel", "k8", at(2027, 10, 31, 13), redemption="x4"),
    )
    later, _ = memberkit.advance(policy, state, at(2028, 2, 1))
    source = {lot.id: lot.source for lot in later.points.lots}
    lost_by_o2 = -sum(
        e.points
        for e in later.points.journal
        if (e.kind == "reverse" and e.event_id == "r6")
        or (e.kind == "expire" and source.get(e.rule) == "o2")
    )
    assert lost_by_o2 <= 1422
    assert memberkit.balance(policy, later, at(2028, 2, 1)).schedule == ()
