"""A hotel programme: elite by nights per calendar year, lifetime status, late checkout, gifts.

Facts relied on, from Marriott Bonvoy's published terms (2019 onwards) as known to the author:
- Silver 10, Gold 25, Platinum 50, Titanium 75 elite nights in a calendar year; Ambassador
  100 nights AND US$23,000 of qualifying spend.
- Status earned in a year is valid through the end of February of the year after next.
- Lifetime Silver: 5 years at Silver or higher AND 250 lifetime nights; Lifetime Gold: 7 years
  at Gold or higher AND 400 nights; Lifetime Platinum: 10 years at Platinum or higher AND 600
  nights. The years need not be consecutive.
- Late checkout: Gold until 2 pm, Platinum and above until 4 pm.
- Platinum and above choose a welcome gift once per stay.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.programmes.builders import activity, applied, joined, programme, use, wall

import memberkit

POLICY = """
memberkit: 1
program: {id: inn-rewards, name: {en: Inn Rewards, zh_Hans: 旅居礼遇}, currency: USD,
          timezone: America/New_York, locale: en}
tiers:
  measures:
    nights: {of: sum, kind: stay, field: attr.nights, name: {en: elite nights, zh_Hans: 入住晚数}}
    spend: {of: sum, kind: stay, field: attr.spend, name: {en: qualifying spend, zh_Hans: 合格消费}}
  window: calendar_year
  ladder:
    - {id: member, name: {en: Member, zh_Hans: 会员}}
    - id: silver
      name: {en: Silver Elite, zh_Hans: 银卡}
      qualify: {nights: 10}
      validity: {until: "02-29", years: 2}      # the last day of February, year after next
      lifetime_after_years: 5
      lifetime_years: total                     # not necessarily consecutive
      lifetime_requires: {nights: 250}
    - id: gold
      name: {en: Gold Elite, zh_Hans: 金卡}
      qualify: {nights: 25}
      validity: {until: "02-29", years: 2}
      lifetime_after_years: 7
      lifetime_years: total
      lifetime_requires: {nights: 400}
    - id: platinum
      name: {en: Platinum Elite, zh_Hans: 白金卡}
      qualify: {nights: 50}
      validity: {until: "02-29", years: 2}
      lifetime_after_years: 10
      lifetime_years: total
      lifetime_requires: {nights: 600}
    - id: titanium
      name: {en: Titanium Elite, zh_Hans: 钛金卡}
      qualify: {nights: 75}
      validity: {until: "02-29", years: 2}
    - id: ambassador
      name: {en: Ambassador Elite, zh_Hans: 大使}
      qualify: {nights: 100, spend: 23000}
      validity: {until: "02-29", years: 2}
  upgrade: immediate
  review: end_of_window
  downgrade: to_figures
benefits:
  - id: late-checkout
    name: {en: Late checkout, zh_Hans: 延迟退房}
    # The hour (local, 24-hour clock) until which the room may be kept.
    value: {by_tier: {gold: 14, platinum: 16, titanium: 16, ambassador: 16}}
  - id: welcome-gift
    name: {en: Welcome gift, zh_Hans: 礼遇礼品}
    tiers: [platinum, titanium, ambassador]
    quota: {count: 1, per: lifetime, each: attr.stay}    # once per stay
"""

AT = wall("America/New_York")


@pytest.fixture(scope="module")
def policy() -> memberkit.Policy:
    """The hotel programme."""
    return programme(POLICY, "hotel")


def stay(event_id: str, when: object, nights: int, spend: str = "0") -> memberkit.Activity:
    """A completed stay (posted at checkout) of ``nights`` nights."""
    return activity(event_id, when, "stay", nights=nights, spend=Decimal(spend))


def member() -> memberkit.MemberState:
    """A member since 1 January 2026."""
    return joined("h1", AT(2026, 1, 1, 0))


def yearly(nights: int, years: range) -> list[memberkit.Activity]:
    """One stay of ``nights`` nights in early February of each year."""
    return [stay(f"s{y}", AT(y, 2, 1), nights) for y in years]


@pytest.mark.parametrize(
    ("nights", "tier"),
    [(9, "member"), (10, "silver"), (25, "gold"), (49, "gold"), (50, "platinum"), (75, "titanium")],
)
def test_nights_in_the_year_set_the_tier(policy: memberkit.Policy, nights: int, tier: str) -> None:
    """The calendar year's elite nights place the member on the ladder."""
    state = applied(policy, member(), stay("s1", AT(2026, 5, 1), nights))
    assert memberkit.tier_of(policy, state, AT(2026, 5, 2)).tier == tier


def test_ambassador_needs_spend_as_well_as_nights(policy: memberkit.Policy) -> None:
    """100 nights with US$20,000 is Titanium; with US$23,000 it is Ambassador."""
    short = applied(policy, member(), stay("s1", AT(2026, 5, 1), 100, "20000"))
    enough = applied(policy, member(), stay("s1", AT(2026, 5, 1), 100, "23000"))
    assert memberkit.tier_of(policy, short, AT(2026, 6, 1)).tier == "titanium"
    assert memberkit.tier_of(policy, enough, AT(2026, 6, 1)).tier == "ambassador"


def test_status_runs_to_the_end_of_february_of_the_year_after_next(
    policy: memberkit.Policy,
) -> None:
    """Gold earned in 2026 with no stays after: Gold on 29 Feb 2028, Member on 1 March 2028."""
    state = applied(policy, member(), stay("s1", AT(2026, 5, 1), 25))
    assert memberkit.tier_of(policy, state, AT(2028, 2, 29, 23, 59)).tier == "gold"
    assert memberkit.tier_of(policy, state, AT(2028, 3, 1, 0)).tier == "member"


def test_requalifying_next_year_runs_status_a_year_further(policy: memberkit.Policy) -> None:
    """Gold earned again in 2027 is held until the end of February 2029."""
    state = applied(policy, member(), *yearly(25, range(2026, 2028)))
    decision = memberkit.tier_of(policy, state, AT(2028, 6, 1))
    assert decision.tier == "gold"
    assert decision.valid_until == AT(2029, 3, 1, 0)


def test_lifetime_platinum_after_ten_years_and_600_nights(policy: memberkit.Policy) -> None:
    """60 nights a year for ten years: Platinum for life, kept with no stays after."""
    state = memberkit.replay(policy, member(), yearly(60, range(2026, 2036)), as_of=AT(2037, 6, 1))
    assert state.tiers.lifetime == "platinum"
    assert memberkit.tier_of(policy, state, AT(2045, 6, 1)).tier == "platinum"


def test_ten_years_at_platinum_with_fewer_than_600_nights_is_not_lifetime_platinum(
    policy: memberkit.Policy,
) -> None:
    """50 nights a year for ten years (500 nights) is Lifetime Gold, not Lifetime Platinum."""
    state = memberkit.replay(policy, member(), yearly(50, range(2026, 2036)), as_of=AT(2040, 6, 1))
    assert state.tiers.lifetime == "gold"
    assert memberkit.tier_of(policy, state, AT(2040, 6, 1)).tier == "gold"


def test_lifetime_years_need_not_be_consecutive(policy: memberkit.Policy) -> None:
    """Platinum 2026-2032 and again from 2033, Gold between: Lifetime Platinum by mid-2038."""
    stays = [
        *yearly(60, range(2026, 2031)),
        *yearly(30, range(2031, 2033)),
        *yearly(60, range(2033, 2038)),
    ]
    state = memberkit.replay(policy, member(), stays, as_of=AT(2038, 6, 1))
    assert state.tiers.tier_at(AT(2032, 6, 1)) == "gold"
    assert state.tiers.lifetime == "platinum"


def test_lifetime_gold_is_a_floor_under_a_platinum_member(policy: memberkit.Policy) -> None:
    """Seven years of 60 nights (420), then none: the member falls from Platinum to Gold only."""
    state = memberkit.replay(policy, member(), yearly(60, range(2026, 2033)), as_of=AT(2040, 6, 1))
    assert state.tiers.lifetime == "gold"
    assert memberkit.tier_of(policy, state, AT(2040, 6, 1)).tier == "gold"


@pytest.mark.parametrize(
    ("nights", "allowed", "hour"),
    [(10, False, None), (25, True, Decimal(14)), (50, True, Decimal(16))],
)
def test_late_checkout_for_gold_and_above(
    policy: memberkit.Policy, nights: int, allowed: bool, hour: Decimal | None
) -> None:
    """Silver has no late checkout; Gold keeps the room until 2 pm, Platinum until 4 pm."""
    state = applied(policy, member(), stay("s1", AT(2026, 5, 1), nights))
    decision = memberkit.check_benefit(policy, state, "late-checkout", AT(2026, 5, 2))
    assert (decision.allowed, decision.value) == (allowed, hour)


def test_welcome_gift_is_platinum_and_above(policy: memberkit.Policy) -> None:
    """A Platinum member may take the welcome gift; a Gold member may not."""
    gold = applied(policy, member(), stay("s1", AT(2026, 5, 1), 25))
    plat = applied(policy, member(), stay("s1", AT(2026, 5, 1), 50))
    gold_gift = memberkit.check_benefit(policy, gold, "welcome-gift", AT(2026, 5, 2))
    plat_gift = memberkit.check_benefit(policy, plat, "welcome-gift", AT(2026, 5, 2))
    assert (gold_gift.allowed, plat_gift.allowed) == (False, True)


def test_welcome_gift_once_per_stay(policy: memberkit.Policy) -> None:
    """A Platinum member takes one gift on stay R1, is refused a second there, and has one on R2."""
    state = applied(policy, member(), stay("s1", AT(2026, 5, 1), 50))
    state = applied(policy, state, use("g1", AT(2026, 5, 3), "welcome-gift", stay="R1"))
    _, again = memberkit.apply(policy, state, use("g2", AT(2026, 5, 4), "welcome-gift", stay="R1"))
    other = memberkit.check_benefit(
        policy, state, "welcome-gift", AT(2026, 6, 1), {"attr.stay": "R2"}
    )
    assert again.refused
    assert (other.allowed, other.remaining) == (True, 1)


def test_a_welcome_gift_use_names_its_stay(policy: memberkit.Policy) -> None:
    """A gift use without the stay it is for is bad input, not a business refusal."""
    state = applied(policy, member(), stay("s1", AT(2026, 5, 1), 50))
    with pytest.raises(memberkit.EventError, match=r"attributes\.stay"):
        memberkit.apply(policy, state, use("g1", AT(2026, 5, 3), "welcome-gift"))


def test_the_used_up_gift_explains_itself_per_stay(policy: memberkit.Policy) -> None:
    """The refusal says the gift for this stay is used, not that it never renews."""
    state = applied(policy, member(), stay("s1", AT(2026, 5, 1), 50))
    state = applied(policy, state, use("g1", AT(2026, 5, 3), "welcome-gift", stay="R1"))
    decision = memberkit.check_benefit(
        policy, state, "welcome-gift", AT(2026, 5, 4), {"attr.stay": "R1"}
    )
    assert "the only use for this stay is used" in decision.explain("en")


def test_a_lower_tier_earned_by_last_years_nights_runs_its_own_full_term(
    policy: memberkit.Policy,
) -> None:
    """Gold in 2026, 12 nights in 2027: Silver from March 2028 through February 2029."""
    state = applied(
        policy, member(), stay("s1", AT(2026, 5, 1), 25), stay("s2", AT(2027, 5, 1), 12)
    )
    tiers = [
        memberkit.tier_of(policy, state, moment).tier
        for moment in (AT(2028, 2, 29), AT(2028, 3, 1), AT(2029, 2, 28), AT(2029, 3, 1))
    ]
    assert tiers == ["gold", "silver", "silver", "member"]
