"""An airline frequent-flyer programme: elite tiers by segments or miles, AND a spend requirement.

The thresholds are those of United MileagePlus Premier status as published for 2015-2019 (the
last years it counted miles and segments with a dollar requirement): Silver 25,000 qualifying
miles or 30 segments, Gold 50,000 or 60, Platinum 75,000 or 90, 1K 100,000 or 120, each with
US$3,000 / 6,000 / 9,000 / 12,000 of qualifying spend. The rest is the shape the brief gives an
airline: status held to the end of the following calendar year, a soft landing of one step a
year, and lounge passes per calendar year for the top tiers (four for Platinum, six for 1K).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.programmes.builders import activity, applied, joined, programme, use, wall

import memberkit

POLICY = """
memberkit: 1
program: {id: skyway, name: {en: Skyway Miles, zh_Hans: 天路里程}, currency: USD,
          timezone: America/Chicago, locale: en}
tiers:
  # A flight is an activity: segments flown, miles flown (distance) and its qualifying fare.
  measures:
    segments: {of: sum, kind: flight, field: attr.segments, name: {en: segments, zh_Hans: 航段}}
    miles: {of: sum, kind: flight, field: attr.distance, name: {en: miles, zh_Hans: 里程}}
    fare: {of: sum, kind: flight, field: attr.fare, unit: money,
           name: {en: qualifying dollars, zh_Hans: 定级消费}}
  # Qualification runs over the calendar year (1 Jan - 31 Dec, the hub's local time).
  window: calendar_year
  ladder:
    - {id: member, name: {en: Member, zh_Hans: 普通会员}}
    # Silver: (30 segments AND $3,000) OR (25,000 miles AND $3,000).
    - id: silver
      name: {en: Premier Silver, zh_Hans: 银卡}
      qualify: {any: [{segments: 30, fare: 3000}, {miles: 25000, fare: 3000}]}
      validity: rest_of_year_plus_next
    - id: gold
      name: {en: Premier Gold, zh_Hans: 金卡}
      qualify: {any: [{segments: 60, fare: 6000}, {miles: 50000, fare: 6000}]}
      validity: rest_of_year_plus_next
    - id: platinum
      name: {en: Premier Platinum, zh_Hans: 白金卡}
      qualify: {any: [{segments: 90, fare: 9000}, {miles: 75000, fare: 9000}]}
      validity: rest_of_year_plus_next
    - id: onek
      name: {en: Premier 1K, zh_Hans: 1K 卡}
      qualify: {any: [{segments: 120, fare: 12000}, {miles: 100000, fare: 12000}]}
      validity: rest_of_year_plus_next
  # Status is granted as soon as the figures reach it, several steps at once if they do.
  upgrade: immediate
  review: end_of_window
  # Soft landing: a member who does not requalify drops one step per year, not to the figures.
  downgrade: {max_steps: 1}
benefits:
  # One-time lounge passes per calendar year: four for Platinum, six for 1K.
  - id: lounge-pass
    name: {en: Lounge pass, zh_Hans: 贵宾休息室}
    tiers: [platinum, onek]
    quota: {count: 4, per: year, by_tier: {onek: 6}}
"""

AT = wall("America/Chicago")


@pytest.fixture(scope="module")
def policy() -> memberkit.Policy:
    """The airline programme."""
    return programme(POLICY, "airline")


def flight(
    event_id: str, when: object, *, segments: int, miles: int, fare: str
) -> memberkit.Activity:
    """A flown ticket: its segments, distance and qualifying fare."""
    return activity(event_id, when, "flight", segments=segments, distance=miles, fare=Decimal(fare))


def member() -> memberkit.MemberState:
    """A member since 1 January 2026."""
    return joined("ff1", AT(2026, 1, 1, 0))


def test_miles_without_spend_do_not_qualify(policy: memberkit.Policy) -> None:
    """60,000 miles with only $2,500 of fares is not even Silver: spend is AND-ed."""
    state = applied(
        policy, member(), flight("f1", AT(2026, 3, 1), segments=10, miles=60000, fare="2500")
    )
    assert memberkit.tier_of(policy, state, AT(2026, 3, 2)).tier == "member"


def test_miles_path_with_spend_qualifies(policy: memberkit.Policy) -> None:
    """52,000 miles and $6,100 of fares on 12 segments is Gold (the miles path)."""
    state = applied(
        policy, member(), flight("f1", AT(2026, 3, 1), segments=12, miles=52000, fare="6100")
    )
    decision = memberkit.tier_of(policy, state, AT(2026, 3, 2))
    assert decision.tier == "gold"
    assert decision.figures["miles"] == 52000


def test_segments_path_with_spend_qualifies(policy: memberkit.Policy) -> None:
    """30 short segments (12,000 miles) with $3,000 of fares is Silver (the segments path)."""
    flights = [
        flight(f"f{i}", AT(2026, 4, 1 + i), segments=1, miles=400, fare="100") for i in range(30)
    ]
    state = applied(policy, member(), *flights)
    assert memberkit.tier_of(policy, state, AT(2026, 5, 1)).tier == "silver"


def test_status_is_held_to_the_end_of_the_following_year(policy: memberkit.Policy) -> None:
    """Gold reached in March 2026 is held through 31 December 2027 without flying in 2027."""
    state = applied(
        policy, member(), flight("f1", AT(2026, 3, 1), segments=12, miles=52000, fare="6100")
    )
    late_2027 = memberkit.tier_of(policy, state, AT(2027, 12, 31, 23, 59))
    assert late_2027.tier == "gold"
    assert late_2027.valid_until == AT(2028, 1, 1, 0)


def test_soft_landing_drops_one_step_a_year(policy: memberkit.Policy) -> None:
    """Platinum from 2026, nothing flown since: Gold in 2028, Silver in 2029, Member in 2030."""
    state = applied(
        policy, member(), flight("f1", AT(2026, 2, 1), segments=40, miles=80000, fare="9500")
    )
    tiers = [
        memberkit.tier_of(policy, state, AT(year, 6, 1)).tier for year in (2027, 2028, 2029, 2030)
    ]
    assert tiers == ["platinum", "gold", "silver", "member"]


def test_requalifying_extends_status_by_a_year(policy: memberkit.Policy) -> None:
    """Gold earned again in 2027 is held to the end of 2028."""
    state = applied(
        policy,
        member(),
        flight("f1", AT(2026, 3, 1), segments=12, miles=52000, fare="6100"),
        flight("f2", AT(2027, 9, 1), segments=12, miles=52000, fare="6100"),
    )
    assert memberkit.tier_of(policy, state, AT(2028, 12, 31)).tier == "gold"
    assert memberkit.tier_of(policy, state, AT(2028, 12, 31)).valid_until == AT(2029, 1, 1, 0)


def test_progress_shows_both_paths_to_the_next_tier(policy: memberkit.Policy) -> None:
    """A Silver member with 28,000 miles, 20 segments and $3,500 sees what each Gold path lacks."""
    state = applied(
        policy, member(), flight("f1", AT(2026, 3, 1), segments=20, miles=28000, fare="3500")
    )
    shown = memberkit.progress(policy, state, AT(2026, 3, 2))
    missing = [{n.measure: n.missing for n in p.needs} for p in shown.paths]
    assert shown.next_tier == "gold"
    assert missing == [
        {"segments": 40, "fare": Decimal("2500")},
        {"miles": 22000, "fare": Decimal("2500")},
    ]


def test_progress_explains_itself_in_chinese(policy: memberkit.Policy) -> None:
    """The progress text names the next tier and the measures in the programme's Chinese names."""
    state = applied(
        policy, member(), flight("f1", AT(2026, 3, 1), segments=20, miles=28000, fare="3500")
    )
    text = memberkit.progress(policy, state, AT(2026, 3, 2)).explain("zh_Hans")
    assert "再获得 22,000 里程" in text
    assert "再获得 US$2,500.00 定级消费" in text
    assert "升级为金卡" in text


def test_lounge_passes_are_four_a_calendar_year(policy: memberkit.Policy) -> None:
    """A Platinum member uses four passes in 2026, is refused a fifth, and has four in 2027."""
    state = applied(
        policy, member(), flight("f1", AT(2026, 2, 1), segments=40, miles=80000, fare="9500")
    )
    state = applied(
        policy, state, *(use(f"u{i}", AT(2026, 3, 1 + i), "lounge-pass") for i in range(4))
    )
    fifth = memberkit.check_benefit(policy, state, "lounge-pass", AT(2026, 12, 31))
    next_year = memberkit.check_benefit(policy, state, "lounge-pass", AT(2027, 1, 1, 0))
    assert (fifth.allowed, fifth.remaining) == (False, 0)
    assert (next_year.allowed, next_year.remaining) == (True, 4)


def test_onek_has_six_lounge_passes_a_year(policy: memberkit.Policy) -> None:
    """1K's quota is six passes, and Platinum's four become six on reaching 1K mid-year."""
    state = applied(
        policy, member(), flight("f1", AT(2026, 2, 1), segments=40, miles=80000, fare="9500")
    )
    state = applied(
        policy, state, *(use(f"u{i}", AT(2026, 3, 1 + i), "lounge-pass") for i in range(4))
    )
    as_platinum = memberkit.check_benefit(policy, state, "lounge-pass", AT(2026, 4, 1))
    state = applied(
        policy, state, flight("f2", AT(2026, 5, 1), segments=10, miles=30000, fare="3000")
    )
    as_onek = memberkit.check_benefit(policy, state, "lounge-pass", AT(2026, 5, 2))
    assert (as_platinum.allowed, as_platinum.remaining) == (False, 0)
    assert (as_onek.tier, as_onek.allowed, as_onek.remaining) == ("onek", True, 2)


def test_gold_has_no_lounge_pass(policy: memberkit.Policy) -> None:
    """Lounge passes belong to Platinum and 1K only."""
    state = applied(
        policy, member(), flight("f1", AT(2026, 3, 1), segments=12, miles=52000, fare="6100")
    )
    assert not memberkit.check_benefit(policy, state, "lounge-pass", AT(2026, 4, 1)).allowed


def test_redeemable_miles_are_earned_per_mile_flown() -> None:
    """Every mile flown earns one redeemable mile, beside the qualifying figures."""
    earning = POLICY + (
        "points:\n  pending: immediate\n"
        "  earn:\n    - {id: flown, on: flight, per: {attribute: distance, unit: 1}, points: 1}\n"
    )
    p = programme(earning, "airline-miles")
    state = applied(p, member(), flight("f1", AT(2026, 3, 1), segments=2, miles=1234, fare="300"))
    assert memberkit.balance(p, state, AT(2026, 3, 2)).available == 1234
    assert memberkit.tier_of(p, state, AT(2026, 3, 2)).figures["miles"] == 1234


JANUARY_END = POLICY.replace(
    "validity: rest_of_year_plus_next", 'validity: {until: "01-31", years: 2}'
)


def test_status_through_31_january_lands_one_step_down_for_a_full_year() -> None:
    """Status to 31 Jan of the year after next (MileagePlus): Gold 2026, Silver Feb 2028-Jan 2029."""
    p = programme(JANUARY_END, "airline-january")
    state = applied(
        p, member(), flight("f1", AT(2026, 3, 1), segments=12, miles=52000, fare="6100")
    )
    tiers = [
        memberkit.tier_of(p, state, moment).tier
        for moment in (
            AT(2028, 1, 31, 23),
            AT(2028, 2, 1, 1),
            AT(2029, 1, 31, 23),
            AT(2029, 2, 1, 1),
        )
    ]
    assert tiers == ["gold", "silver", "silver", "member"]
