"""A Chinese coffee chain: levels by stars over a rolling 12 months, a birthday drink, upsizes.

Facts relied on, from the 星享俱乐部 rules of a large coffee chain in China as they stood before
2023, as known to the author:
- Every ¥50 of a purchase earns one star (星星); stars only set the level.
- 银星级 on joining; 玉星级 at 4 stars, 金星级 at 16 stars, counted over the past 12 months.
- A level reached is held for 12 months from the day of the upgrade. At the end of those
  12 months a 金星级 member with 16 stars in the past 12 months keeps the level for another 12
  months; one without drops one level (to 玉星级).
- 玉星级 and above get a birthday drink once, in the birthday month; 29 February birthdays are
  celebrated in February (28 Feb) in common years.
The brief's shape adds: 金星级 members get two free upsizes (免费升杯) a calendar month.
"""

from __future__ import annotations

from datetime import date

import pytest
from tests.programmes.builders import applied, joined, order, programme, use, wall

import memberkit

POLICY = """
memberkit: 1
program:
  id: star-club
  name: {zh_Hans: 星享俱乐部, zh_Hant: 星享俱樂部, en: Star Club}
  currency: CNY
  timezone: Asia/Shanghai
  locale: zh_Hans
  leap_birthday: feb28         # 2 月 29 日生日在平年按 2 月 28 日
points:
  currencies:
    - {id: stars, name: {zh_Hans: 星星, en: stars}, spendable: false}
  earn:
    # 每消费 50 元累积 1 颗星星（不足 50 元的部分不计）。
    - {id: stars, name: {zh_Hans: 消费星星, en: Purchase stars}, per: 50 CNY, points: 1, currency: stars}
  rounding: floor
  pending: immediate
tiers:
  measures:
    stars: {of: points, currency: stars, name: {zh_Hans: 星星, en: stars}}
  # 过去 12 个月（滚动）累积的星星。
  window: {rolling_months: 12}
  ladder:
    - {id: silver, name: {zh_Hans: 银星级, en: Green}}
    - id: jade
      name: {zh_Hans: 玉星级, en: Jade}
      qualify: {stars: 4}
      validity: {months_from_upgrade: 12}     # 自升级之日起 12 个月
    - id: gold
      name: {zh_Hans: 金星级, en: Gold}
      qualify: {stars: 16}
      validity: {months_from_upgrade: 12}
  upgrade: immediate
  # 等级在有效期届满时复核；每月 1 日另有复核（未设有效期的等级才会受影响）。
  review: monthly
  downgrade: {max_steps: 1}    # 未保级降一级
benefits:
  - id: birthday-drink
    name: {zh_Hans: 生日饮品, en: Birthday drink}
    tiers: [jade, gold]
    when: {birthday: month}
    quota: {count: 1, per: year}
  - id: free-upsize
    name: {zh_Hans: 免费升杯, en: Free upsize}
    tiers: [gold]
    quota: {count: 2, per: month}
"""

AT = wall("Asia/Shanghai")


@pytest.fixture(scope="module")
def policy() -> memberkit.Policy:
    """The coffee-chain programme."""
    return programme(POLICY, "coffee")


def member(birthday: date | None = None) -> memberkit.MemberState:
    """A member since 1 January 2026."""
    return joined("c1", AT(2026, 1, 1, 0), birthday=birthday)


def test_stars_are_one_per_50_yuan_rounded_down(policy: memberkit.Policy) -> None:
    """A ¥199 order earns 3 stars (¥49 left over earns none)."""
    state = applied(policy, member(), order("o1", AT(2026, 3, 1), "199"))
    assert memberkit.tier_of(policy, state, AT(2026, 3, 1, 13)).figures["stars"] == 3


def test_four_stars_make_jade(policy: memberkit.Policy) -> None:
    """Four ¥50 orders reach 玉星级 at the fourth."""
    orders = [order(f"o{i}", AT(2026, 3, 1 + i), "50") for i in range(4)]
    state = applied(policy, member(), *orders)
    decision = memberkit.tier_of(policy, state, AT(2026, 3, 5))
    assert decision.tier == "jade"
    assert decision.since == AT(2026, 3, 4)


def test_stars_older_than_12_months_no_longer_count(policy: memberkit.Policy) -> None:
    """Stars from March 2026 have left the window by April 2027."""
    state = applied(policy, member(), order("o1", AT(2026, 3, 1), "150"))
    assert memberkit.tier_of(policy, state, AT(2027, 2, 28)).figures["stars"] == 3
    assert memberkit.tier_of(policy, state, AT(2027, 4, 1)).figures["stars"] == 0


def test_a_level_is_held_for_12_months_from_the_upgrade_day(policy: memberkit.Policy) -> None:
    """金星级 reached on 15 March 2026, then no orders: held to the end of 14 March 2027."""
    state = applied(policy, member(), order("o1", AT(2026, 3, 15), "800"))
    assert memberkit.tier_of(policy, state, AT(2026, 3, 15, 13)).valid_until == AT(2027, 3, 15, 0)
    assert memberkit.tier_of(policy, state, AT(2027, 3, 14, 23, 59)).tier == "gold"


def test_gold_not_kept_drops_one_level_for_12_months(policy: memberkit.Policy) -> None:
    """12 stars in the 12 months before the review: 金星级 becomes 玉星级 for 12 months."""
    state = applied(
        policy,
        member(),
        order("o1", AT(2026, 3, 10), "200"),
        order("o2", AT(2026, 3, 15), "600"),
    )
    tiers = [
        memberkit.tier_of(policy, state, moment).tier
        for moment in (AT(2027, 3, 15, 0), AT(2028, 3, 14, 23), AT(2028, 3, 15, 0))
    ]
    assert tiers == ["jade", "jade", "silver"]


def test_gold_kept_with_16_stars_in_the_12_months(policy: memberkit.Policy) -> None:
    """Upgraded 15 March 2026 and 16 more stars by January 2027: 金星级 until 14 March 2028."""
    state = applied(
        policy,
        member(),
        order("o1", AT(2026, 3, 15), "800"),
        order("o2", AT(2027, 1, 10), "800"),
    )
    held = memberkit.tier_of(policy, state, AT(2027, 6, 1))
    assert (held.tier, held.valid_until) == ("gold", AT(2028, 3, 15, 0))


def test_more_stars_within_the_term_do_not_move_its_end(policy: memberkit.Policy) -> None:
    """Orders in the months after the upgrade leave the 12-month term where the upgrade put it."""
    state = applied(
        policy,
        member(),
        order("o1", AT(2026, 3, 15), "800"),
        order("o2", AT(2026, 4, 10), "100"),
    )
    assert memberkit.tier_of(policy, state, AT(2026, 5, 1)).valid_until == AT(2027, 3, 15, 0)


def test_birthday_drink_in_the_birthday_month_once(policy: memberkit.Policy) -> None:
    """A 玉星级 member born 9 July has one drink in July 2026 and none in August."""
    state = applied(policy, member(date(1990, 7, 9)), order("o1", AT(2026, 3, 1), "200"))
    july = memberkit.check_benefit(policy, state, "birthday-drink", AT(2026, 7, 20))
    august = memberkit.check_benefit(policy, state, "birthday-drink", AT(2026, 8, 1))
    state = applied(policy, state, use("b1", AT(2026, 7, 20), "birthday-drink"))
    again = memberkit.check_benefit(policy, state, "birthday-drink", AT(2026, 7, 25))
    assert (july.allowed, august.allowed, again.allowed) == (True, False, False)


def test_a_29_february_birthday_is_in_february_2027(policy: memberkit.Policy) -> None:
    """Born 29 Feb 2000: the birthday drink is there in February 2027, not in March."""
    state = applied(
        policy,
        joined("c2", AT(2026, 1, 1, 0), birthday=date(2000, 2, 29)),
        order("o1", AT(2026, 12, 1), "200"),
    )
    feb = memberkit.check_benefit(policy, state, "birthday-drink", AT(2027, 2, 28, 20))
    mar = memberkit.check_benefit(policy, state, "birthday-drink", AT(2027, 3, 1))
    assert (feb.allowed, mar.allowed) == (True, False)


def test_silver_has_no_birthday_drink(policy: memberkit.Policy) -> None:
    """A 银星级 member in the birthday month is not entitled."""
    state = member(date(1990, 7, 9))
    decision = memberkit.check_benefit(policy, state, "birthday-drink", AT(2026, 7, 20))
    assert not decision.allowed


def test_two_free_upsizes_a_month_for_gold(policy: memberkit.Policy) -> None:
    """A 金星级 member uses two upsizes in May, is refused a third, and has two again in June."""
    state = applied(policy, member(), order("o1", AT(2026, 3, 15), "800"))
    state = applied(
        policy,
        state,
        use("u1", AT(2026, 5, 2), "free-upsize"),
        use("u2", AT(2026, 5, 3), "free-upsize"),
    )
    third, outcome = memberkit.apply(policy, state, use("u3", AT(2026, 5, 31, 23), "free-upsize"))
    june = memberkit.check_benefit(policy, third, "free-upsize", AT(2026, 6, 1, 0))
    assert outcome.refused
    assert (june.allowed, june.remaining) == (True, 2)


def test_entitlements_explain_in_chinese(policy: memberkit.Policy) -> None:
    """A 金星级 member's entitlements name the benefits in Chinese."""
    state = applied(policy, member(), order("o1", AT(2026, 3, 15), "800"))
    text = memberkit.entitlements(policy, state, AT(2026, 5, 1)).explain("zh_Hans")
    assert "免费升杯" in text


RESET_ON_UPGRADE = POLICY.replace(
    "window: {rolling_months: 12}", "window: {membership_year: {from: last_upgrade}}"
).replace("review: monthly", "review: end_of_window")


def test_with_stars_reset_on_upgrade_the_upgrading_order_does_not_keep_the_level() -> None:
    """Counted from the upgrade, the 16 stars that made 金星级 do not also keep it a year on."""
    p = programme(RESET_ON_UPGRADE, "coffee-reset")
    state = applied(p, member(), order("o1", AT(2026, 3, 15), "800"))
    assert memberkit.tier_of(p, state, AT(2027, 3, 14, 23)).tier == "gold"
    assert memberkit.tier_of(p, state, AT(2027, 3, 15, 1)).tier == "jade"


def test_with_stars_reset_on_upgrade_16_new_stars_keep_the_level() -> None:
    """16 stars earned after the upgrade keep 金星级 for the next year."""
    p = programme(RESET_ON_UPGRADE, "coffee-reset")
    state = applied(
        p, member(), order("o1", AT(2026, 3, 15), "800"), order("o2", AT(2026, 9, 1), "800")
    )
    held = memberkit.tier_of(p, state, AT(2027, 6, 1))
    assert (held.tier, held.valid_until) == ("gold", AT(2028, 3, 15, 0))
