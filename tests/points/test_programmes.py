"""Three real programme shapes, written as policies and checked against figures worked by hand.

Each policy below restates, in its comments, the published facts it relies on. They are the
rules as we read the programmes' terms at the time of writing (they change; the tests pin our
policies, not the companies). No programme's code is involved: only its published rules.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import memberkit

# --- an airline: miles by distance flown ---------------------------------------------------------

AIRLINE = memberkit.parse_policy(
    """\
memberkit: 1
program: {id: air, currency: USD, timezone: America/Los_Angeles, locale: en}
# Facts relied on (distance-based earning as Alaska Airlines Mileage Plan published it for flights
# on its own aircraft before its move to revenue-based earning):
# - base miles are the miles flown, with a minimum of 500 miles per flight segment;
# - a first-class fare (classes F and A) earns a 75% class-of-service bonus;
# - elite bonuses: MVP 50%, MVP Gold 100%, MVP Gold 75K 125%;
# - each bonus is a share of the base miles (they add up; they do not compound).
# Status comes from a status match in these tests (a tier_grant), so the ladder needs no figures.
tiers:
  window: calendar_year
  ladder:
    - {id: member, name: Member}
    - {id: mvp, name: MVP, qualify: {spend: 1000000}}
    - {id: gold, name: MVP Gold, qualify: {spend: 2000000}}
    - {id: gold75k, name: MVP Gold 75K, qualify: {spend: 3000000}}
points:
  currencies:
    - {id: miles, name: {en: miles, zh_Hans: 里程, zh_Hant: 里程}}
  earn:
    - {id: distance, on: flight, per: {attribute: distance, unit: 1}, points: 1, min_points: 500}
    - {id: first-class, on: flight, when: {attr.fare_class: [F, A]}, multiply: 1.75}
    - {id: elite, on: flight, multiply: {by_tier: {mvp: 1.5, gold: 2, gold75k: 2.25}}}
  stacking: add
  rounding: floor
  pending: immediate
""",
    source="airline.yaml",
)

LA = ZoneInfo("America/Los_Angeles")


def _la(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 9, 0, tzinfo=LA)


def _event(data: dict[str, Any]) -> memberkit.Event:
    return memberkit.parse_event(data)


def _flight(event_id: str, when: datetime, distance: int, fare: str) -> memberkit.Event:
    attributes = {"distance": distance, "fare_class": fare}
    return _event(
        {"type": "activity", "id": event_id, "at": when, "kind": "flight", "attributes": attributes}
    )


def _flyer(*events: memberkit.Event, status: str | None = None) -> memberkit.MemberState:
    state = memberkit.new_member("f1", _la(1, 1))
    first: list[memberkit.Event] = []
    if status is not None:
        first.append(
            _event(
                {
                    "type": "tier_grant",
                    "id": "match",
                    "at": _la(1, 2),
                    "tier": status,
                    "until": _la(1, 1, 2027),
                    "reason": "match",
                }
            )
        )
    return memberkit.replay(AIRLINE, state, [*first, *events])


def _miles(state: memberkit.MemberState, event_id: str) -> list[tuple[str, int | Decimal]]:
    return [(e.rule, e.points) for e in state.points.journal if e.event_id == event_id]


def test_airline_first_class_mvp_gold_flight_adds_both_bonuses_to_the_distance() -> None:
    """SEA-JFK (2,421 mi) in F by an MVP Gold: 2,421 + 1,815 (75%) + 2,421 (100%) = 6,657."""
    state = _flyer(_flight("as1", _la(3, 1), 2421, "F"), status="gold")
    # 2,421 × 1.75 = 4,236.75 → 4,236 so far; + 2,421 × 1 = 6,657.75 → 6,657 in all.
    assert _miles(state, "as1") == [("distance", 2421), ("first-class", 1815), ("elite", 2421)]


def test_airline_short_segment_earns_the_minimum_and_elite_bonus_on_it() -> None:
    """SEA-PDX (129 mi) in economy by an MVP: the 500-mile minimum plus 50% of it, 750."""
    state = _flyer(_flight("as2", _la(3, 2), 129, "Y"), status="mvp")
    assert _miles(state, "as2") == [("distance", 500), ("elite", 250)]


def test_airline_member_without_status_earns_distance_only() -> None:
    """A member in economy on LAX-SFO (337 mi) earns the 500 minimum and no bonus."""
    state = _flyer(_flight("as3", _la(3, 3), 337, "Y"))
    assert _miles(state, "as3") == [("distance", 500)]


def test_airline_balance_adds_up_the_trip() -> None:
    """An MVP Gold 75K round trip SEA-JFK in A and back in Y: (2,421 + 1,815 + 3,026) + (2,421 +
    3,026) = 12,709 miles, available at once."""
    state = _flyer(
        _flight("out", _la(4, 1), 2421, "A"),
        _flight("back", _la(4, 8), 2421, "Y"),
        status="gold75k",
    )
    # Out: 2,421 × (1 + 0.75 + 1.25) = 7,263.0 exactly. Back: 2,421 × 2.25 = 5,447.25 → 5,447.
    assert memberkit.balance(AIRLINE, state, _la(4, 9), "miles").available == 7263 + 5447


# --- a hotel: points per dollar, elite bonus, expiry after inactivity -----------------------------

HOTEL = memberkit.parse_policy(
    """\
memberkit: 1
program: {id: hotel, currency: USD, timezone: America/New_York, locale: en}
# Facts relied on (Marriott Bonvoy's published terms):
# - members earn 10 points per US dollar of qualifying charges at most brands;
# - elite bonus on those base points: Silver 10%, Gold 25%, Platinum 50% (added to the base);
# - points expire when the account has had no qualifying activity for 24 consecutive months
#   (here: a paid stay; each stay restarts the clock).
tiers:
  window: calendar_year
  ladder:
    - {id: member, name: Member}
    - {id: silver, name: Silver Elite, qualify: {spend: 1000000}}
    - {id: gold, name: Gold Elite, qualify: {spend: 2000000}}
    - {id: platinum, name: Platinum Elite, qualify: {spend: 3000000}}
points:
  earn:
    - {id: base, per: 1 USD, points: 10}
    - {id: elite, multiply: {by_tier: {silver: 1.1, gold: 1.25, platinum: 1.5}}}
  stacking: add
  rounding: floor
  pending: immediate
  expiry: {inactivity_months: 24, activity: [purchase]}
""",
    source="hotel.yaml",
)

NY = ZoneInfo("America/New_York")


def _ny(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 11, 0, tzinfo=NY)


def _stay(event_id: str, when: datetime, room: str) -> memberkit.Event:
    lines = [{"id": "room", "category": "room", "amount": room}]
    return _event(
        {"type": "purchase", "id": event_id, "at": when, "currency": "USD", "lines": lines}
    )


def _guest(status: str, *stays: memberkit.Event) -> memberkit.MemberState:
    grant = _event(
        {
            "type": "tier_grant",
            "id": "match",
            "at": _ny(2026, 1, 2),
            "tier": status,
            "until": _ny(2030, 1, 1),
            "reason": "match",
        }
    )
    return memberkit.replay(HOTEL, memberkit.new_member("g1", _ny(2026, 1, 1)), [grant, *stays])


def test_hotel_gold_stay_earns_ten_per_dollar_plus_a_quarter() -> None:
    """A Gold Elite's $400 stay earns 4,000 base + 1,000 (25%) = 5,000 points."""
    quote = memberkit.quote_points(HOTEL, _guest("gold"), _stay("s1", _ny(2026, 3, 10), "400"))
    assert [(q.rule, q.points) for q in quote.lines] == [("base", 4000), ("elite", 1000)]


def test_hotel_platinum_bonus_floors_the_stay_total_once() -> None:
    """A Platinum Elite's $250.55 stay: 2,505.5 + 1,252.75 = 3,758.25, floored to 3,758."""
    quote = memberkit.quote_points(
        HOTEL, _guest("platinum"), _stay("s1", _ny(2026, 3, 10), "250.55")
    )
    assert quote.total() == 3758


def test_hotel_points_expire_after_24_months_without_a_stay() -> None:
    """A Silver Elite's 1,100 points from a 10 Mar 2026 stay are held on 9 Mar 2028, gone on 11 Mar."""
    state = _guest("silver", _stay("s1", _ny(2026, 3, 10), "100"))
    assert memberkit.balance(HOTEL, state, _ny(2028, 3, 9)).available == 1100
    assert memberkit.balance(HOTEL, state, _ny(2028, 3, 11)).available == 0


def test_hotel_expiry_reminder_names_the_day() -> None:
    """From 15 Feb 2028 the 30-day reminder lists 1,100 points expiring on 10 Mar 2028."""
    state = _guest("silver", _stay("s1", _ny(2026, 3, 10), "100"))
    soon = memberkit.expiring(HOTEL, state, _ny(2028, 2, 15), 30)
    assert soon.items == ((date(2028, 3, 10), 1100),)


def test_hotel_a_later_stay_restarts_the_clock() -> None:
    """A stay on 5 Jan 2027 keeps both stays' points (1,100 + 2,200) past March 2028."""
    state = _guest(
        "silver", _stay("s1", _ny(2026, 3, 10), "100"), _stay("s2", _ny(2027, 1, 5), "200")
    )
    assert memberkit.balance(HOTEL, state, _ny(2028, 3, 11)).available == 3300


# --- a Chinese coffee chain: stars per yuan, stars expire, level stars for tiers ------------------

COFFEE = memberkit.parse_policy(
    """\
memberkit: 1
program: {id: coffee, currency: CNY, timezone: Asia/Shanghai, locale: zh_Hans}
# Facts relied on (星享俱乐部 of Starbucks China, terms as published for 2019-2022):
# - 每消费满 50 元积 1 颗星星（按单笔订单实付金额，不足 50 元的部分不计）;
# - 星星自获得之日起 12 个月内有效，到期未使用即失效;
# - 会员等级按 12 个月内累计的星星：银星级（注册）、玉星级（4 颗）、金星级（16 颗）;
# - 兑换用的星星与定级用的星星分开记账：兑换不影响等级 (here a second currency, level).
points:
  currencies:
    - id: stars
      name: {zh_Hans: 星星, zh_Hant: 星星, en: stars}
      expiry: {rolling_months: 12}
      redeem: {rewards: [{id: drink, name: {zh_Hans: 中杯饮品, en: Tall drink}, points: 9}]}
    - id: level
      name: {zh_Hans: 等级星星, zh_Hant: 等級星星, en: level stars}
      spendable: false
  earn:
    - {id: stars, per: 50 CNY, points: 1, currency: stars}
    - {id: level, per: 50 CNY, points: 1, currency: level}
  rounding: floor
  round: per_order
  pending: immediate
tiers:
  measures:
    level: {of: points, currency: level, name: {zh_Hans: 等级星星, en: level stars}}
  window: {rolling_months: 12}
  ladder:
    - {id: green, name: {zh_Hans: 银星级, en: Green}}
    - {id: jade, name: {zh_Hans: 玉星级, en: Jade}, qualify: {level: 4}}
    - {id: gold, name: {zh_Hans: 金星级, en: Gold}, qualify: {level: 16}}
  upgrade: immediate
  review: monthly
""",
    source="coffee.yaml",
)

SH = ZoneInfo("Asia/Shanghai")


def _sh(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 15, 0, tzinfo=SH)


def _cups(event_id: str, when: datetime, *amounts: str) -> memberkit.Event:
    lines = [{"id": f"l{i}", "category": "drink", "amount": a} for i, a in enumerate(amounts)]
    return _event(
        {"type": "purchase", "id": event_id, "at": when, "currency": "CNY", "lines": lines}
    )


def _drinker(*orders: memberkit.Event) -> memberkit.MemberState:
    return memberkit.replay(COFFEE, memberkit.new_member("c1", _sh(2026, 1, 1)), list(orders))


def test_coffee_stars_count_whole_fifties_of_the_order() -> None:
    """¥128 earns 2 stars and 2 level stars (2.56 floored); ¥49.90 earns none."""
    quote = memberkit.quote_points(COFFEE, _drinker(), _cups("o1", _sh(2026, 3, 15), "128"))
    assert dict(quote.totals) == {"stars": 2, "level": 2}
    small = memberkit.quote_points(COFFEE, _drinker(), _cups("o2", _sh(2026, 3, 15), "49.90"))
    assert small.totals == ()


def test_coffee_an_order_of_two_cups_is_counted_as_one_amount() -> None:
    """Two ¥30 cups in one order make ¥60: 1 star (per order), though neither cup reaches ¥50."""
    quote = memberkit.quote_points(COFFEE, _drinker(), _cups("o1", _sh(2026, 3, 15), "30", "30"))
    assert quote.total("stars") == 1


def test_coffee_four_level_stars_make_jade() -> None:
    """¥100 and ¥110 orders bring 2 + 2 level stars: the member is 玉星级 from the second."""
    first = _drinker(_cups("o1", _sh(2026, 3, 1), "100"))
    assert memberkit.tier_of(COFFEE, first, _sh(2026, 3, 19)).tier == "green"
    state = _drinker(_cups("o1", _sh(2026, 3, 1), "100"), _cups("o2", _sh(2026, 3, 20), "110"))
    assert memberkit.tier_of(COFFEE, state, _sh(2026, 3, 21)).tier == "jade"


def test_coffee_stars_expire_twelve_months_after_earning() -> None:
    """Stars earned on 15 Mar 2026 are valid through 15 Mar 2027 and gone on 16 Mar 2027."""
    state = _drinker(_cups("o1", _sh(2026, 3, 15), "128"))
    held = memberkit.balance(COFFEE, state, _sh(2027, 3, 1), "stars")
    assert (held.available, held.schedule) == (2, ((date(2027, 3, 15), 2),))
    assert memberkit.balance(COFFEE, state, _sh(2027, 3, 16), "stars").available == 0


def test_coffee_level_stars_are_not_spendable_and_do_not_expire() -> None:
    """The level stars stay on the books after the reward stars expire."""
    state = _drinker(_cups("o1", _sh(2026, 3, 15), "128"))
    level = memberkit.balance(COFFEE, state, _sh(2027, 3, 16), "level")
    assert (level.available, level.schedule) == (2, ())
