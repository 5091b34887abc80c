"""Redemption: rate, minimum, step, share of the order, rewards, denominations, gates, cancels."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from tests.builders import at
from tests.points.builders import applied, event, member, points_policy, total

import memberkit
from memberkit import MemberState, Policy

REDEEM = (
    'expiry: {fixed: "12-31", years_after_earning: 1}\n'
    "redeem:\n"
    "  points_per_unit: 100\n  min_points: 100\n  step: 100\n  max_share_of_order: 0.5\n"
    "  first_min_points: 500\n"
    "  rewards: [{id: mug, name: {zh_Hans: 马克杯, en: Mug}, points: 800}]\n"
)


def _funded(policy: Policy, points: int = 1000) -> MemberState:
    return applied(
        policy, member(), event("adjustment", "a1", at(2026, 3, 1), points=points, reason="seed")
    )


def _redeem(policy: Policy, state: MemberState, **kw: Any) -> tuple[MemberState, memberkit.Outcome]:
    return memberkit.apply(policy, state, event("redemption", "r1", at(2026, 3, 2), **kw))


def test_points_pay_towards_an_order_at_the_rate() -> None:
    """300 points pay ¥3 of a ¥100 order and leave 700."""
    policy = points_policy(REDEEM)
    state, outcome = _redeem(policy, _funded(policy), points=300, order_amount="100")
    assert outcome.accepted
    assert memberkit.balance(policy, state, at(2026, 3, 2)).available == 700
    assert outcome.explain("zh_Hans") == "已用 300 积分抵扣 ¥3.00。"


@pytest.mark.parametrize(
    ("points", "order_amount", "code"),
    [
        (50, "100", "points.below_min_redeem"),
        (150, "100", "points.not_a_step"),
        (300, "4", "points.over_order_share"),
        (2000, "1000", "points.insufficient"),
    ],
)
def test_a_broken_redemption_rule_is_a_refusal(points: int, order_amount: str, code: str) -> None:
    """Each redemption rule not met refuses the redemption with its reason and changes nothing."""
    policy = points_policy(REDEEM)
    before = _funded(policy)
    state, outcome = _redeem(policy, before, points=points, order_amount=order_amount)
    assert outcome.refused
    assert code in [r.code for r in outcome.reasons]
    assert state == before


def test_the_first_redemption_needs_a_minimum_balance() -> None:
    """With only 300 points a first redemption is refused; once 500 are held it is allowed."""
    policy = points_policy(REDEEM)
    _, outcome = _redeem(policy, _funded(policy, 300), points=100, order_amount="100")
    assert [r.code for r in outcome.reasons] == ["points.first_redemption_min"]


def test_a_catalogue_reward_costs_its_price() -> None:
    """Redeeming the mug takes its 800-point price and names it."""
    policy = points_policy(REDEEM)
    state, outcome = _redeem(policy, _funded(policy), reward="mug")
    assert total(state) == 200
    assert outcome.explain("en") == "Redeemed 800 points for Mug."


def test_an_unknown_reward_is_an_error_with_a_suggestion() -> None:
    """A reward id the catalogue lacks raises EventError naming the nearest one."""
    policy = points_policy(REDEEM)
    with pytest.raises(memberkit.EventError, match="did you mean 'mug'"):
        _redeem(policy, _funded(policy), reward="mugg")


@pytest.mark.parametrize(
    ("points", "value"),
    [(100, Decimal("3.5")), (250, Decimal("8.75"))],
)
def test_denomination_table_redemption(points: int, value: Decimal) -> None:
    """A denomination table pays its listed value for each listed amount of points."""
    policy = points_policy(
        "redeem: {denominations: [{points: 100, value: 3.5}, {points: 250, value: 8.75}]}\n"
    )
    state, outcome = _redeem(policy, _funded(policy), points=points)
    assert outcome.accepted
    assert state.points.redemptions[0].value == value


def test_an_amount_off_the_denomination_table_is_refused() -> None:
    """200 points is not on the table and the refusal lists the allowed amounts."""
    policy = points_policy(
        "redeem: {denominations: [{points: 100, value: 3.5}, {points: 250, value: 8.75}]}\n"
    )
    _, outcome = _redeem(policy, _funded(policy), points=200)
    assert outcome.explain("en") == "200 points are not a redeemable amount (allowed: 100 and 250)."


def test_earliest_expiry_is_spent_first() -> None:
    """Points expiring sooner are consumed before later ones."""
    policy = points_policy("expiry: {rolling_months: 12}\nredeem: {points_per_unit: 100}\n")
    state = applied(
        policy,
        member(),
        event("adjustment", "a1", at(2026, 3, 1), points=100, reason="old"),
        event("adjustment", "a2", at(2026, 4, 1), points=100, reason="new"),
        event("redemption", "r1", at(2026, 4, 2), points=100),
    )
    assert memberkit.balance(policy, state, at(2026, 4, 2)).schedule == ((date(2027, 4, 1), 100),)


def test_cancelling_a_redemption_restores_the_original_expiry() -> None:
    """A cancelled redemption gives the points back to the lots they came from."""
    policy = points_policy(REDEEM)
    state, _ = _redeem(policy, _funded(policy), points=300, order_amount="100")
    state = applied(
        policy, state, event("redemption_cancel", "c1", at(2026, 3, 3), redemption="r1")
    )
    held = memberkit.balance(policy, state, at(2026, 3, 3))
    assert (held.available, held.schedule) == (1000, ((date(2027, 12, 31), 1000),))


def test_cancel_with_renewed_expiry_starts_a_new_lot() -> None:
    """Under cancel_expiry: renew, returned points expire as if earned at the cancel."""
    policy = points_policy(
        'expiry: {fixed: "12-31", years_after_earning: 1}\n'
        "redeem: {points_per_unit: 100, cancel_expiry: renew}\n"
    )
    state, _ = _redeem(policy, _funded(policy), points=300)
    state = applied(
        policy, state, event("redemption_cancel", "c1", at(2027, 1, 3), redemption="r1")
    )
    assert memberkit.balance(policy, state, at(2027, 1, 3)).schedule == (
        (date(2027, 12, 31), 700),
        (date(2028, 12, 31), 300),
    )


def test_growth_points_cannot_be_redeemed() -> None:
    """A non-spendable currency refuses redemptions."""
    policy = points_policy("currencies: [{id: points}, {id: growth, spendable: false}]\n")
    _, outcome = _redeem(policy, member(), points=100, currency="growth")
    assert [r.code for r in outcome.reasons] == ["points.not_redeemable"]


# --- rewards with a member condition ---------------------------------------------------------

YOUTH = (
    "redeem:\n"
    "  rewards:\n"
    "    - {id: popcorn, name: {zh_Hans: 学生爆米花, en: Student popcorn}, points: 300,"
    " when: {age: {'<': 26}}}\n"
)


def _youth_member(birth_year: int | None) -> MemberState:
    """A member born on 15 June (of ``birth_year``, when known) holding 1,000 points."""
    start = member().evolve(birthday=date(2000, 6, 15), birth_year=birth_year)
    return applied(
        points_policy(YOUTH),
        start,
        event("adjustment", "a1", at(2026, 3, 1), points=1000, reason="seed"),
    )


@pytest.mark.parametrize(
    ("moment", "refused"),
    [
        (at(2026, 6, 14), False),  # 25: 2026 - 2000 - 1, the birthday not yet come
        (at(2026, 6, 15), True),  # 26 on the birthday
    ],
)
def test_a_reward_for_members_under_26_reads_the_age_at_the_redemption(
    moment: Any, refused: bool
) -> None:
    """The reward's condition is judged on the redemption's local date."""
    policy = points_policy(YOUTH)
    redemption = event("redemption", "r1", moment, reward="popcorn")
    _, outcome = memberkit.apply(policy, _youth_member(2000), redemption)
    assert outcome.refused is refused


def test_a_reward_refused_on_its_condition_says_which_clause() -> None:
    """The refusal names the reward, the field and the value found, in the member's language."""
    policy = points_policy(YOUTH)
    redemption = event("redemption", "r1", at(2026, 6, 15), reward="popcorn")
    _, outcome = memberkit.apply(policy, _youth_member(2000), redemption)
    assert [r.code for r in outcome.reasons] == ["points.reward_condition"]
    assert outcome.reasons[0].path == "points.redeem.rewards[0].when"
    assert "Student popcorn is not for this member: age must be less than 26 (it is 26)." in (
        outcome.explain("en")
    )
    assert "学生爆米花不适用于该会员：年龄须小于 26（当前为 26）。" in outcome.explain("zh_Hans")


def test_a_reward_on_age_is_refused_when_the_age_is_unknown() -> None:
    """Without a birth year the age is unknown: refused, saying what data the age needs."""
    policy = points_policy(YOUTH)
    redemption = event("redemption", "r1", at(2026, 6, 14), reward="popcorn")
    _, outcome = memberkit.apply(policy, _youth_member(None), redemption)
    assert outcome.refused
    assert "it needs the birth year and the birthday" in outcome.explain("en")
    assert "需要出生年份和生日" in outcome.explain("zh_Hans")
