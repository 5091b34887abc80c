"""check_benefit and entitlements: each benefit shape, with the reasons it gives."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from tests.benefits.builders import benefits_policy, codes, member, use, used
from tests.builders import at

import memberkit
from memberkit import EventError, Money, Reason
from memberkit.benefits import BenefitDecision, check_benefit, entitlements

POLICY = benefits_policy(
    """
- id: free-shipping
  name: {zh_Hans: 包邮, en: Free shipping}
  tiers: [gold, platinum]
- id: discount
  name: 会员折扣
  value: {by_tier: {silver: 0.95, gold: 0.9, platinum: 0.85}}
  when: {not: {category: [gift_card]}}
- id: shipping-threshold
  value: {by_tier: {silver: 99, gold: 49, platinum: 0}, unit: money}
- id: app-coupon
  when: {channel: app}
- id: monthly-gift
  quota: {count: 1, per: month}
- id: lounge
  tiers: [platinum]
  quota: {count: 2, per: year, carry_over: 1}
- id: coupon-credit
  quota: {value: 50, per: month}
  valid: {from: "2026-01-01", until: "2026-12-31"}
- id: welcome-gift
  quota: {count: 1, per: lifetime}
- id: snack
  quota: [{count: 1, per: day}, {count: 2, per: week}]
- id: taxi
  quota: [{count: 3, per: month}, {value: 100, per: month}]
"""
)


def check(state: object, benefit: str, when: datetime, **kw: object) -> BenefitDecision:
    return check_benefit(POLICY, state, benefit, when, **kw)  # type: ignore[arg-type]


# --- tiers and values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "allowed"),
    [("basic", False), ("silver", False), ("gold", True), ("platinum", True)],
)
def test_a_tier_list_grants_exactly_those_tiers(tier: str, allowed: bool) -> None:
    """Free shipping is for gold and platinum only."""
    assert check(member(tier), "free-shipping", at(2026, 3, 1)).allowed is allowed


def test_not_in_tier_names_the_tier_and_the_tiers_that_have_it() -> None:
    """A silver member is told their tier and which tiers hold the benefit, at the tiers key."""
    (reason,) = check(member("silver"), "free-shipping", at(2026, 3, 1)).reasons
    assert (reason.code, reason.path) == ("benefit.not_in_tier", "benefits[0].tiers")
    assert str(reason.params["tier"]) == "silver"
    assert [str(t) for t in reason.params["tiers"]] == ["gold", "platinum"]  # type: ignore[attr-defined]
    assert check(member("silver"), "free-shipping", at(2026, 3, 1)).explain("en") == (
        "Free shipping: for gold or platinum members only; you are silver."
    )


def test_a_member_without_a_tier_is_told_so() -> None:
    """With no tier in force, a tier-bound benefit is refused as no_tier."""
    assert codes(check(member(), "free-shipping", at(2026, 3, 1)).reasons) == ["benefit.no_tier"]


@pytest.mark.parametrize(
    ("tier", "value"),
    [("silver", Decimal("0.95")), ("gold", Decimal("0.9")), ("platinum", Decimal("0.85"))],
)
def test_a_per_tier_value_is_the_members_tier_value(tier: str, value: Decimal) -> None:
    """The discount rate is the one written for the member's tier."""
    decision = check(member(tier), "discount", at(2026, 3, 1))
    assert decision.allowed
    assert decision.value == value
    assert "benefit.value" in codes(decision.reasons)


def test_a_tier_without_a_value_does_not_hold_the_benefit() -> None:
    """A basic member has no discount rate, so no discount."""
    assert codes(check(member("basic"), "discount", at(2026, 3, 1)).reasons) == [
        "benefit.not_in_tier"
    ]


def test_a_money_value_is_money_in_the_programme_currency() -> None:
    """A free-shipping threshold per tier comes back as Money."""
    decision = check(member("gold"), "shipping-threshold", at(2026, 3, 1))
    assert decision.value == Money(Decimal(49), "CNY")


def test_an_unlimited_allowed_benefit_has_no_remaining_count() -> None:
    """Without a quota nothing runs out: remaining is None."""
    decision = check(member("gold"), "free-shipping", at(2026, 3, 1))
    assert decision.remaining is None
    assert decision.quotas == ()


# --- conditions ---------------------------------------------------------------------------------


def test_an_excluded_category_refuses_with_the_clause() -> None:
    """A gift-card order gets no discount, and the reason points at the `not` clause."""
    decision = check(
        member("gold"), "discount", at(2026, 3, 1), context={"category": ["gift_card"]}
    )
    (reason,) = decision.reasons
    assert reason.code == "benefit.condition_failed"
    assert reason.path == "benefits[1].when.not.category"
    clause = reason.params["clause"]
    assert isinstance(clause, Reason)
    assert clause.code == "rule.not_in"
    assert (clause.params["expected"], clause.params["actual"]) == (("gift_card",), ("gift_card",))
    assert decision.explain("zh_Hans").endswith("品类为 gift_card 时不适用（当前为 gift_card）。")


def test_an_order_outside_the_excluded_category_gets_the_discount() -> None:
    """Shoes are discounted."""
    assert check(
        member("gold"), "discount", at(2026, 3, 1), context={"category": ["shoes"]}
    ).allowed


def test_a_condition_on_the_channel_fails_for_another_channel() -> None:
    """The app coupon is refused in a store, saying what was expected and found."""
    (reason,) = check(member(), "app-coupon", at(2026, 3, 1), context={"channel": "store"}).reasons
    assert reason.code == "benefit.condition_failed"
    clause = reason.params["clause"]
    assert isinstance(clause, Reason)
    assert clause.code == "rule.eq"
    assert (clause.params["expected"], clause.params["actual"]) == ("app", "store")


def test_a_condition_on_an_unknown_field_is_not_assumed_to_hold() -> None:
    """Without a channel the app coupon is not granted, and the reason says the field is unknown."""
    decision = check(member(), "app-coupon", at(2026, 3, 1))
    assert not decision.allowed
    assert codes(decision.reasons) == ["benefit.condition_unknown"]


def test_an_event_can_serve_as_the_context() -> None:
    """A BenefitUse event supplies its channel to the condition."""
    event = use("u1", at(2026, 3, 1), "app-coupon", channel="app")
    assert check(member(), "app-coupon", at(2026, 3, 1), context=event).allowed


# --- quotas -------------------------------------------------------------------------------------


def test_a_count_quota_reports_what_is_left_and_when_it_resets() -> None:
    """After one of two lounge passes, one is left until 1 Jan."""
    state = used(POLICY, member("platinum"), use("u1", at(2026, 3, 1), "lounge"))
    decision = check(state, "lounge", at(2026, 3, 2))
    assert decision.remaining == 1
    reason = decision.reasons[-1]
    assert reason.code == "benefit.uses_left"
    assert (reason.params["remaining"], reason.params["limit"]) == (1, 2)
    assert reason.params["resets"] == date(2027, 1, 1)


def test_a_spent_count_quota_refuses_with_used_limit_and_reset_date() -> None:
    """The monthly gift, once taken, is refused until the 1st of next month."""
    state = used(POLICY, member(), use("u1", at(2026, 3, 5), "monthly-gift"))
    decision = check(state, "monthly-gift", at(2026, 3, 20))
    (reason,) = decision.reasons
    assert (reason.code, reason.path) == ("benefit.quota_used", "benefits[4].quota")
    assert dict(reason.params) == {
        "name": reason.params["name"],
        "used": 1,
        "limit": 1,
        "resets": date(2026, 4, 1),
    }
    assert decision.remaining == 0


def test_a_lifetime_quota_never_resets() -> None:
    """The welcome gift is refused years later, with the lifetime code (no reset date)."""
    state = used(POLICY, member(), use("u1", at(2026, 1, 2), "welcome-gift"))
    (reason,) = check(state, "welcome-gift", at(2030, 1, 2)).reasons
    assert reason.code == "benefit.quota_used_lifetime"
    assert "resets" not in reason.params


def test_several_quotas_must_all_allow_the_use() -> None:
    """Two snacks in one week spend the weekly quota even on a fresh day."""
    state = used(
        POLICY,
        member(),
        use("u1", at(2026, 3, 9), "snack"),
        use("u2", at(2026, 3, 10), "snack"),
    )
    decision = check(state, "snack", at(2026, 3, 11))
    assert codes(decision.reasons) == ["benefit.quota_used"]
    assert decision.reasons[0].path == "benefits[8].quota[1]"
    assert [q.remaining for q in decision.quotas] == [1, 0]


def test_remaining_counts_uses_when_a_benefit_has_both_a_count_and_a_value_cap() -> None:
    """With 3 rides and 100 CNY a month, one 40 CNY ride leaves 2 rides (and 60 CNY in quotas)."""
    state = used(POLICY, member(), use("u1", at(2026, 3, 1), "taxi", value="40"))
    decision = check(state, "taxi", at(2026, 3, 2))
    assert decision.remaining == 2
    assert [q.remaining for q in decision.quotas] == [2, Decimal(60)]


def test_a_refused_benefit_has_no_value() -> None:
    """A gift-card order gets no discount rate at all."""
    decision = check(
        member("gold"), "discount", at(2026, 3, 1), context={"category": ["gift_card"]}
    )
    assert decision.value is None


def test_a_value_cap_reports_money_left() -> None:
    """After 30 of a 50 monthly credit, 20 CNY is left."""
    state = used(POLICY, member(), use("u1", at(2026, 3, 1), "coupon-credit", value="30"))
    decision = check(state, "coupon-credit", at(2026, 3, 2))
    assert decision.remaining == Decimal(20)
    reason = decision.reasons[-1]
    assert reason.code == "benefit.value_left"
    assert reason.params["remaining"] == Money(Decimal(20), "CNY")


def test_a_spent_value_cap_refuses_with_value_used() -> None:
    """With the whole 50 spent, the credit is refused until next month."""
    state = used(POLICY, member(), use("u1", at(2026, 3, 1), "coupon-credit", value="50"))
    assert codes(check(state, "coupon-credit", at(2026, 3, 31)).reasons) == ["benefit.value_used"]
    assert check(state, "coupon-credit", at(2026, 4, 1)).remaining == Decimal(50)


# --- carry-over ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uses_2026", "uses_2027", "limit_2027", "limit_2028"),
    [
        (0, 0, 3, 3),  # one unused pass carries; carried passes are not carried again
        (1, 0, 3, 3),
        (2, 0, 3, 3),  # 2026 had 3 (one carried from 2025, taken first): one own pass unused
        (3, 0, 2, 3),  # nothing unused in 2026
        (1, 1, 3, 3),  # the 2027 use takes the carried pass first, both own passes stay unused
        (1, 2, 3, 3),
        (1, 3, 3, 2),
        (0, 3, 3, 2),
    ],
)
def test_carry_over_adds_at_most_the_allowance_to_the_next_year_only(
    uses_2026: int, uses_2027: int, limit_2027: int, limit_2028: int
) -> None:
    """Unused lounge passes (at most one) carry into the next year and lapse there."""
    first = [use(f"a{i}", at(2026, 5, 1 + i), "lounge") for i in range(uses_2026)]
    second = [use(f"b{i}", at(2027, 5, 1 + i), "lounge") for i in range(uses_2027)]
    start = member("platinum", joined=at(2025, 12, 1))
    state = used(POLICY, start, *first)
    assert check(state, "lounge", at(2027, 1, 1, 0, 0)).quotas[0].limit == limit_2027
    state = used(POLICY, state, *second)
    assert check(state, "lounge", at(2028, 1, 1, 0, 0)).quotas[0].limit == limit_2028


def test_nothing_carries_from_before_the_member_joined() -> None:
    """A member who joins in March has the plain two passes in their first year."""
    state = member("platinum", joined=at(2026, 3, 1))
    decision = check(state, "lounge", at(2026, 3, 2))
    assert (decision.quotas[0].limit, decision.quotas[0].carried) == (2, 0)


def test_nothing_carries_from_a_year_the_benefit_was_not_held() -> None:
    """A member who was gold all of 2026 carries no lounge pass into 2027."""
    from memberkit.tiers._state import TierChange, TierState

    state = member("gold", joined=at(2025, 12, 1))
    state = state.evolve(
        tiers=TierState((*state.tiers.history, TierChange(at(2027, 1, 5), "platinum", "upgrade")))
    )
    assert check(state, "lounge", at(2027, 2, 1)).quotas[0].limit == 2


def test_the_carried_amount_is_explained() -> None:
    """A decision with a carried pass says so before the count left."""
    state = member("platinum", joined=at(2025, 12, 1))
    assert codes(check(state, "lounge", at(2026, 2, 1)).reasons) == [
        "benefit.allowed",
        "benefit.carried_over",
        "benefit.uses_left",
    ]


# --- validity -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "code"),
    [
        (at(2025, 12, 31, 23, 59), "benefit.not_yet_valid"),
        (at(2026, 1, 1, 0, 0), "benefit.allowed"),
        (at(2026, 12, 31, 23, 59), "benefit.allowed"),
        (at(2027, 1, 1, 0, 0), "benefit.expired"),
    ],
)
def test_a_validity_window_includes_both_days_in_local_time(when: datetime, code: str) -> None:
    """The credit exists from 1 Jan to 31 Dec 2026 inclusive, on the Shanghai calendar."""
    state = member(joined=at(2025, 1, 1))
    assert check(state, "coupon-credit", when).reasons[0].code == code


def test_validity_is_judged_on_the_programme_calendar_not_utc() -> None:
    """16:30 UTC on 31 Dec 2026 is already 1 Jan 2027 in Shanghai: expired."""
    state = member(joined=at(2025, 1, 1))
    late = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    assert codes(check(state, "coupon-credit", late).reasons) == ["benefit.expired"]


# --- the query surface --------------------------------------------------------------------------


def test_entitlements_list_every_benefit_in_policy_order() -> None:
    """A gold member's entitlements cover every benefit, allowed or not."""
    result = entitlements(POLICY, member("gold"), at(2026, 3, 1))
    assert [d.benefit_id for d in result.items][:3] == [
        "free-shipping",
        "discount",
        "shipping-threshold",
    ]
    assert result.allowed == (
        "free-shipping",
        "discount",
        "shipping-threshold",
        "monthly-gift",
        "coupon-credit",
        "welcome-gift",
        "snack",
        "taxi",
    )
    item = result.get("lounge")
    assert item is not None
    assert not item.allowed
    assert result.reasons == tuple(r for d in result.items for r in d.reasons)


def test_an_unknown_benefit_id_suggests_the_nearest() -> None:
    """A typo in the benefit id is an error naming the id it probably meant."""
    with pytest.raises(EventError, match="did you mean 'free-shipping'"):
        check(member(), "free-shiping", at(2026, 3, 1))


def test_a_naive_moment_is_refused() -> None:
    """as_of must carry a timezone offset."""
    with pytest.raises(EventError, match="timezone"):
        check(member(), "free-shipping", datetime(2026, 3, 1, 12))


def test_a_question_about_the_past_is_refused_rather_than_answered_from_later_uses() -> None:
    """Asking about 1 March after a use on 2 March is refused: the answer would mix moments."""
    state = used(POLICY, member(), use("u1", at(2026, 3, 2), "monthly-gift"))
    with pytest.raises(memberkit.AsOfError):
        check(state, "monthly-gift", at(2026, 3, 1))


def test_a_decision_explains_in_the_programme_locale_by_default() -> None:
    """The decision carries the programme's default locale for explain()."""
    assert check(member("gold"), "free-shipping", at(2026, 3, 1)).default_locale == "zh_Hans"
