"""A Chinese e-commerce paid membership (付费会员) held alongside the free spend ladder.

Facts relied on, from the published terms of the large Chinese platforms' annual clubs (京东
PLUS, 88VIP) as known to the author:
- The club is bought for a year (12 months from the day of purchase); buying again before the
  year ends renews it from the end of the year held; not renewing lets it lapse, and its
  benefits end with it.
- It sits beside the free member levels, which go on being earned by spend: a club member
  keeps their level, and a level's own benefits do not come with the club.
- Club benefits: free-shipping coupons (运费券) each calendar month (5 a month), and a member
  price of 9.5折 (pay 95%) on eligible goods; gift cards are not discounted.
The free ladder (铜牌 / 银牌 / 金牌 by calendar-year spend, ¥1,000 / ¥5,000) is the brief's shape.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.programmes.builders import applied, joined, order, paid, programme, use, wall

import memberkit

POLICY = """
memberkit: 1
program: {id: shop-club, name: {zh_Hans: 优选商城, en: Shop}, currency: CNY,
          timezone: Asia/Shanghai, locale: zh_Hans}
tiers:
  window: calendar_year
  ladder:
    - {id: bronze, name: {zh_Hans: 铜牌会员, en: Bronze}}
    - {id: silver, name: {zh_Hans: 银牌会员, en: Silver}, qualify: {spend: 1000}}
    - {id: gold, name: {zh_Hans: 金牌会员, en: Gold}, qualify: {spend: 5000}}
  upgrade: immediate
  review: end_of_window
  paid:
    # 年卡：购买之日起 12 个月，与等级并存。
    - {id: plus, name: {zh_Hans: PLUS会员, en: PLUS}, months: 12, placement: alongside}
benefits:
  - id: shipping-coupon
    name: {zh_Hans: 运费券, en: Free-shipping coupon}
    tiers: [plus]
    quota: {count: 5, per: month}
  - id: member-price
    name: {zh_Hans: 会员价, en: Member price}
    tiers: [plus]
    value: {default: 0.95, unit: discount}
    when: {not: {category: [gift_card]}}
  - id: gold-service
    name: {zh_Hans: 金牌专属客服, en: Gold service desk}
    tiers: [gold]
"""

AT = wall("Asia/Shanghai")


@pytest.fixture(scope="module")
def policy() -> memberkit.Policy:
    """The e-commerce programme with its paid club."""
    return programme(POLICY, "paid-club")


def club_member(policy: memberkit.Policy) -> memberkit.MemberState:
    """A silver member (¥1,200 spent) who bought PLUS on 1 March 2026."""
    return applied(
        policy,
        joined("e1", AT(2026, 1, 1, 0)),
        order("o1", AT(2026, 2, 1), "1200"),
        paid("p1", AT(2026, 3, 1, 10), "plus"),
    )


def test_the_club_is_held_beside_the_earned_level(policy: memberkit.Policy) -> None:
    """A silver member who buys PLUS is still 银牌会员, with PLUS listed as held alongside."""
    decision = memberkit.tier_of(policy, club_member(policy), AT(2026, 6, 1))
    assert (decision.tier, decision.paid) == ("silver", ("plus",))


def test_five_shipping_coupons_a_month(policy: memberkit.Policy) -> None:
    """Five coupons used in April: the sixth is refused; May has five again."""
    state = club_member(policy)
    state = applied(
        policy, state, *(use(f"c{i}", AT(2026, 4, 1 + i), "shipping-coupon") for i in range(5))
    )
    sixth, outcome = memberkit.apply(policy, state, use("c6", AT(2026, 4, 30), "shipping-coupon"))
    may = memberkit.check_benefit(policy, sixth, "shipping-coupon", AT(2026, 5, 1, 0))
    assert outcome.refused
    assert (may.allowed, may.remaining) == (True, 5)


def test_member_price_is_95_percent(policy: memberkit.Policy) -> None:
    """PLUS pays 95% of the price (9.5折) on an ordinary order."""
    decision = memberkit.check_benefit(
        policy, club_member(policy), "member-price", AT(2026, 6, 1), {"category": ["food"]}
    )
    assert (decision.allowed, decision.value) == (True, Decimal("0.95"))


def test_member_price_leaves_gift_cards_out(policy: memberkit.Policy) -> None:
    """A gift card is not sold at member price."""
    decision = memberkit.check_benefit(
        policy, club_member(policy), "member-price", AT(2026, 6, 1), {"category": ["gift_card"]}
    )
    assert not decision.allowed


def test_member_price_reads_as_95_zhe(policy: memberkit.Policy) -> None:
    """The Chinese explanation of the member price says 95 折 (the same as 9.5折)."""
    decision = memberkit.check_benefit(
        policy, club_member(policy), "member-price", AT(2026, 6, 1), {"category": ["food"]}
    )
    assert "95 折" in decision.explain("zh_Hans")


def test_the_club_lapses_after_12_months(policy: memberkit.Policy) -> None:
    """Not renewed, PLUS ends at 10:00 on 1 March 2027 and its coupons with it."""
    state = club_member(policy)
    before = memberkit.check_benefit(policy, state, "shipping-coupon", AT(2027, 3, 1, 9))
    after = memberkit.check_benefit(policy, state, "shipping-coupon", AT(2027, 3, 1, 11))
    assert (before.allowed, after.allowed) == (True, False)
    assert memberkit.tier_of(policy, state, AT(2027, 3, 2)).paid == ()


def test_renewing_early_runs_on_from_the_end_of_the_year_held(policy: memberkit.Policy) -> None:
    """Renewed on 15 Feb 2027, PLUS runs to 1 March 2028, not 15 Feb 2028."""
    state = applied(policy, club_member(policy), paid("p2", AT(2027, 2, 15), "plus"))
    grants = [(g.start, g.end) for g in state.tiers.grants]
    assert grants[-1] == (AT(2027, 3, 1, 10), AT(2028, 3, 1, 10))
    assert memberkit.tier_of(policy, state, AT(2028, 2, 20)).paid == ("plus",)


def test_the_club_does_not_lend_the_gold_benefits(policy: memberkit.Policy) -> None:
    """A silver PLUS member has no gold service desk; spend that reaches gold brings it."""
    state = club_member(policy)
    silver = memberkit.check_benefit(policy, state, "gold-service", AT(2026, 6, 1))
    state = applied(policy, state, order("o2", AT(2026, 6, 2), "4000"))
    gold = memberkit.check_benefit(policy, state, "gold-service", AT(2026, 6, 3))
    assert (silver.allowed, gold.allowed) == (False, True)


def test_a_member_without_the_club_has_no_coupons(policy: memberkit.Policy) -> None:
    """A gold member who never bought PLUS is refused the coupons."""
    state = applied(policy, joined("e2", AT(2026, 1, 1, 0)), order("o1", AT(2026, 2, 1), "6000"))
    assert not memberkit.check_benefit(policy, state, "shipping-coupon", AT(2026, 3, 1)).allowed
