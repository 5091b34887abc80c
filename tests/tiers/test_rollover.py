"""Rollover: qualifying figures above the level reached carry into the next window, capped, once.

The programme of these tables (figures worked by hand in each row): a calendar-year airline
ladder of blue, silver (25,000 status miles), gold (50,000) and platinum (100,000), reviewed at
the year's end; status miles above the threshold of the tier the year's miles reach roll over
into the next year, at most 20,000, and miles that rolled over never roll again. A member joins
on 1 Jan 2026 (Shanghai) and flies in 2026 and 2027.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import SHANGHAI, activity, at, member, policy, purchase, refund
from tests.tiers.builders import ladder

import memberkit
from memberkit import MemberState, Policy, PolicyError

AIRLINE = """
tiers:
  measures:
    miles: {of: sum, field: attr.miles, kind: flight, name: {en: status miles, zh_Hans: 定级里程, zh_Hant: 定級里程}}
  window: %(window)s
  ladder:
    - {id: blue, name: {en: Blue, zh_Hans: 蓝卡, zh_Hant: 藍卡}}
    - {id: silver, name: {en: Silver, zh_Hans: 银卡, zh_Hant: 銀卡}, qualify: {miles: 25000}}
    - {id: gold, name: {en: Gold, zh_Hans: 金卡, zh_Hant: 金卡}, qualify: {miles: 50000}}
    - {id: platinum, name: {en: Platinum, zh_Hans: 白金卡, zh_Hant: 白金卡}, qualify: {miles: 100000}}
  rollover:
    miles: {cap: 20000}
"""


def airline(window: str = "calendar_year") -> Policy:
    """The airline ladder above, over ``window``."""
    return policy(AIRLINE % {"window": window})


def flight(event_id: str, when: datetime, miles: int) -> memberkit.Activity:
    """A flight earning ``miles`` status miles."""
    return activity(event_id, when, "flight", attributes={"miles": miles})


def flown(p: Policy, legs: list[tuple[datetime, int]], as_of: datetime) -> MemberState:
    """The member after flying ``legs`` (moment, miles), advanced to ``as_of``."""
    events = [flight(f"f{i}", when, miles) for i, (when, miles) in enumerate(legs)]
    return memberkit.replay(p, member(), events, as_of=as_of)


def carried(state: MemberState) -> list[tuple[datetime, dict[str, Decimal]]]:
    """Each rollover the state records: the window it rolled into, the figures carried."""
    return [(r.at, dict(r.figures)) for r in state.tiers.rollovers]


NEW_YEAR = at(2027, 1, 1, 0, 0)


@pytest.mark.parametrize(
    ("miles_2026", "rolled"),
    [
        # 30,000 reaches silver (25,000): 5,000 above it roll.
        (30000, 5000),
        # 62,000 reaches gold (50,000): 12,000 roll.
        (62000, 12000),
        # 90,000 reaches gold: 40,000 above it, capped at 20,000.
        (90000, 20000),
        # 8,000 reach no tier: the threshold is 0, and all 8,000 roll.
        (8000, 8000),
        # Exactly 50,000 reach gold with nothing above it: nothing rolls.
        (50000, 0),
        # 130,000 reach platinum (100,000): 30,000 above it, capped at 20,000.
        (130000, 20000),
    ],
)
def test_the_figure_above_the_level_reached_rolls_capped(miles_2026: int, rolled: int) -> None:
    """At the year-end review the miles above the threshold reached carry, at most the cap."""
    p = airline()
    state = flown(p, [(at(2026, 5, 1), miles_2026)], at(2027, 2, 1))
    expected = [(NEW_YEAR, {"miles": Decimal(rolled)})] if rolled else []
    assert carried(state) == expected
    assert memberkit.tier_of(p, state, at(2027, 2, 1)).figures["miles"] == rolled


@pytest.mark.parametrize(
    ("miles_2027", "rolled_2028", "tier_2028"),
    [
        # 20,000 rolled in + 40,000 flown = 60,000: gold; 10,000 above it, all flown in 2027.
        (40000, 10000, "gold"),
        # 20,000 rolled in alone reach no tier: above 0 by 20,000, but none was flown in 2027.
        (0, 0, "blue"),
        # 20,000 + 10,000 = 30,000: silver; 5,000 above it, flown in 2027 (rolled miles count first).
        (10000, 5000, "silver"),
        # 20,000 + 30,000 = 50,000 keep gold, which 30,000 flown alone would not: nothing above it.
        (30000, 0, "gold"),
    ],
)
def test_what_rolled_in_counts_first_and_never_rolls_again(
    miles_2027: int, rolled_2028: int, tier_2028: str
) -> None:
    """Miles carried into 2027 help reach the level there but only miles flown in 2027 roll on."""
    p = airline()
    legs = [(at(2026, 5, 1), 90000)]
    if miles_2027:
        legs.append((at(2027, 5, 1), miles_2027))
    state = flown(p, legs, at(2028, 2, 1))
    expected = [(NEW_YEAR, {"miles": Decimal(20000)})]
    if rolled_2028:
        expected.append((at(2028, 1, 1, 0, 0), {"miles": Decimal(rolled_2028)}))
    assert carried(state) == expected
    assert memberkit.tier_of(p, state, at(2028, 2, 1)).tier == tier_2028


def test_a_carry_counts_from_the_first_moment_of_the_next_window() -> None:
    """Before 1 Jan 2027 the carry is nowhere; from its first microsecond it is in 2027's miles."""
    p = airline()
    state = flown(p, [(at(2026, 5, 1), 62000)], at(2027, 3, 1))
    last_2026 = at(2026, 12, 31, 23, 59, 59)
    assert memberkit.tier_of(p, state, last_2026).figures["miles"] == 62000
    assert memberkit.tier_of(p, state, NEW_YEAR).figures["miles"] == 12000
    more = memberkit.replay(
        p,
        member(),
        [flight("f0", at(2026, 5, 1), 62000), flight("f1", at(2027, 2, 1), 3000)],
        as_of=at(2027, 3, 1),
    )
    assert memberkit.tier_of(p, more, at(2027, 3, 1)).figures["miles"] == 15000


def test_a_refund_after_the_roll_leaves_the_carry_as_fixed_at_the_review() -> None:
    """9,500 spent in 2026 reach gold (8,000): 1,500 roll; returning the order in 2027 keeps them."""
    p = ladder("  rollover: {spend: {cap: 3000}}\n")
    events = [
        purchase("o1", at(2026, 6, 1), ("l1", "general", "9500")),
        refund("r1", at(2027, 1, 15), "o1"),
    ]
    state = memberkit.replay(p, member(), events, as_of=at(2027, 2, 1))
    assert carried(state) == [(NEW_YEAR, {"spend": Decimal(1500)})]
    assert memberkit.tier_of(p, state, at(2027, 2, 1)).figures["spend"] == 1500
    assert memberkit.tier_of(p, state, at(2027, 2, 1)).figures["orders"] == 0


def test_a_membership_year_rolls_into_the_next_membership_year() -> None:
    """Joined 15 Mar 2026, 30,000 by 14 Mar 2027 reach silver: 5,000 roll into the year from 15 Mar."""
    p = airline("membership_year")
    joined = at(2026, 3, 15, 0, 0)
    events = [flight("f0", at(2026, 9, 1), 30000)]
    state = memberkit.replay(p, member(joined=joined), events, as_of=at(2027, 4, 1))
    assert carried(state) == [(at(2027, 3, 15, 0, 0), {"miles": Decimal(5000)})]
    assert memberkit.tier_of(p, state, at(2027, 3, 14, 23)).figures["miles"] == 30000
    assert memberkit.tier_of(p, state, at(2027, 4, 1)).figures["miles"] == 5000


def test_the_review_explains_the_roll_in_three_locales() -> None:
    """Advancing over the year's end says what rolled, into which window, and the cap."""
    p = airline()
    state = flown(p, [(at(2026, 5, 1), 62000)], at(2026, 12, 31))
    _, result = memberkit.advance(p, state, at(2027, 1, 2))
    rolled = [r for r in result if r.code == "tier.rolled_over"]
    assert len(rolled) == 1
    assert rolled[0].path == "tiers.rollover.miles"
    assert rolled[0].params["value"] == 12000
    assert rolled[0].params["cap"] == 20000


@pytest.mark.parametrize(
    ("locale", "sentence"),
    [
        ("en", "Including 12,000 status miles rolled over from Jan 1, 2026 to Dec 31, 2026."),
        ("zh_Hans", "其中含自 2026年1月1日 至 2026年12月31日 结转的定级里程 12,000。"),
        ("zh_Hant", "其中含自 2026年1月1日 至 2026年12月31日 結轉的定級里程 12,000。"),
    ],
)
def test_tier_of_and_progress_say_what_rolled_in(locale: str, sentence: str) -> None:
    """Both queries name the miles that rolled over and the window they came from."""
    p = airline()
    state = flown(p, [(at(2026, 5, 1), 62000)], at(2027, 2, 1))
    assert sentence in memberkit.tier_of(p, state, at(2027, 2, 1)).explain(locale)
    assert sentence in memberkit.progress(p, state, at(2027, 2, 1)).explain(locale)


def test_a_state_with_a_carry_survives_a_json_round_trip() -> None:
    """The carried figures are written with the tier state and read back equal."""
    p = airline()
    state = flown(p, [(at(2026, 5, 1), 90000), (at(2027, 5, 1), 40000)], at(2028, 2, 1))
    assert memberkit.state_from_json(memberkit.state_to_json(state)) == state


def issues(body: str) -> list[str]:
    """Each issue of the airline policy with ``body`` replacing its rollover, as `path: message [code]`."""
    text = AIRLINE % {"window": "calendar_year"}
    text = text.replace("  rollover:\n    miles: {cap: 20000}\n", body)
    with pytest.raises(PolicyError) as caught:
        policy(text)
    return [f"{i.path}: {i.message} [{i.code}]" for i in caught.value.issues]


def test_a_window_without_a_next_one_refuses_rollover() -> None:
    """A lifetime window never ends, so nothing rolls out of it: refused, naming what to write."""
    body = "  rollover: {miles: {cap: 20000}}\n"
    with pytest.raises(PolicyError) as caught:
        policy(
            (AIRLINE % {"window": "lifetime"}).replace(
                "  rollover:\n    miles: {cap: 20000}\n", body
            )
        )
    assert [f"{i.path}: {i.message} [{i.code}]" for i in caught.value.issues] == [
        "tiers.rollover: a lifetime window has no next window for figures to roll into; use "
        "calendar_year, calendar_quarter, calendar_month or membership_year, or remove rollover "
        "[rollover_window]"
    ]


def test_a_rolling_window_refuses_rollover() -> None:
    """A rolling window moves every day, so it has no next window either."""
    text = (AIRLINE % {"window": "{rolling_months: 12}"}).replace(
        "  rollover:", "  review: monthly\n  rollover:"
    )
    with pytest.raises(PolicyError) as caught:
        policy(text)
    assert [i.code for i in caught.value.issues] == ["rollover_window"]


def test_rollover_needs_the_review_that_closes_the_window() -> None:
    """With a monthly review no single review closes the year; the author is told what to write."""
    assert issues("  review: monthly\n  rollover: {miles: {cap: 20000}}\n") == [
        "tiers.rollover: figures roll over at the review that closes a window; write review: "
        "end_of_window, or remove rollover [rollover_review]"
    ]


def test_a_measure_no_tier_qualifies_on_is_refused_with_a_suggestion() -> None:
    """A misspelt measure is refused at its path with the nearest one the ladder reads."""
    assert issues("  rollover: {mile: {cap: 20000}}\n") == [
        "tiers.rollover.mile: 'mile' is not a measure any tier qualifies on, so nothing of it "
        "is above a level reached; did you mean 'miles'? [rollover_measure]"
    ]


def test_a_cap_must_be_above_zero() -> None:
    """A cap of 0 would roll nothing: refused at the cap, saying what to write instead."""
    assert issues("  rollover: {miles: {cap: 0}}\n") == [
        "tiers.rollover.miles.cap: a cap is above 0, e.g. 25000, not 0; to roll nothing of this "
        "measure over, leave it out of rollover [invalid_value]"
    ]


def test_a_bare_number_is_refused_with_the_mapping_to_write() -> None:
    """``miles: 20000`` could be a cap or a share: the author is shown the one form."""
    assert issues("  rollover: {miles: 20000}\n") == [
        "tiers.rollover.miles: 20000: write the cap as a mapping, e.g. {cap: 20000} [invalid_value]"
    ]


def test_a_money_cap_has_the_currency_decimals() -> None:
    """A spend cap in fen is fine; a third decimal of CNY is not."""
    with pytest.raises(PolicyError) as caught:
        ladder("  rollover: {spend: {cap: 3000.005}}\n")
    assert [(str(i.path), i.code) for i in caught.value.issues] == [
        ("tiers.rollover.spend.cap", "too_many_decimals")
    ]
    assert ladder("  rollover: {spend: {cap: 3000.05}}\n").at(at(2026, 1, 1)).tiers is not None


def test_a_count_cap_is_whole() -> None:
    """Orders roll in whole orders."""
    with pytest.raises(PolicyError) as caught:
        ladder("  rollover: {orders: {cap: 2.5}}\n")
    assert [(str(i.path), i.code) for i in caught.value.issues] == [
        ("tiers.rollover.orders.cap", "not_whole")
    ]


ROLLING_SHOP = ladder("  rollover: {spend: {cap: 3000}, orders: {cap: 4}}\n  refunds: at_once\n")
CAPS = {"spend": Decimal(3000), "orders": Decimal(4)}

shop_history = st.lists(
    st.tuples(st.integers(0, 3 * 365 * 24), st.integers(1, 12000), st.none() | st.integers(1, 900)),
    max_size=10,
)
"""(hours after 1 Jan 2026, whole yuan, days later the order is returned or None) per order."""


@given(shop_history)
def test_carries_are_capped_and_never_exceed_what_the_window_earned(
    spec: list[tuple[int, int, int | None]],
) -> None:
    """Each carry is positive, at most its cap, and at most the year's own net figure then."""
    start = at(2026, 1, 1, 0, 0)
    placed = [
        (start + timedelta(hours=h), amount, None if back is None else timedelta(days=back))
        for h, amount, back in sorted(spec, key=lambda o: o[0])
    ]
    events: list[memberkit.Event] = []
    for i, (when, amount, back) in enumerate(placed):
        events.append(purchase(f"o{i}", when, ("l1", "general", str(amount))))
        if back is not None:
            events.append(refund(f"r{i}", when + back, f"o{i}"))
    events.sort(key=lambda e: e.at)
    state = memberkit.replay(ROLLING_SHOP, member(), events, as_of=at(2032, 1, 2))
    moments = [r.at for r in state.tiers.rollovers]
    assert moments == sorted(set(moments))
    for record in state.tiers.rollovers:
        year = record.at.astimezone(SHANGHAI).year - 1
        # The year's own figures as the review saw them: orders of that year, net of the
        # returns dated before the review.
        kept = [
            (amount, back is not None and when + back < record.at)
            for when, amount, back in placed
            if when.astimezone(SHANGHAI).year == year
        ]
        earned = {
            "spend": Decimal(sum(a for a, gone in kept if not gone)),
            "orders": Decimal(sum(1 for _, gone in kept if not gone)),
        }
        assert record.at == at(year + 1, 1, 1, 0, 0)
        for name, amount in record.figures:
            assert 0 < amount <= CAPS[name]
            assert amount <= earned[name]
    total = sum(
        (v for r in state.tiers.rollovers for n, v in r.figures if n == "spend"), Decimal(0)
    )
    assert total <= sum(amount for _, amount, _ in placed)


def test_a_carry_counts_towards_the_tiers_only_not_in_a_conditions_figure() -> None:
    """In Feb 2027 the tier figure holds the 12,000 that rolled in; figure.miles_this_year 3,000."""
    from memberkit._facts import member_values

    text = AIRLINE % {"window": "calendar_year"}
    p = policy(text + "figures:\n  miles_this_year: {measure: miles, window: calendar_year}\n")
    events = [flight("f0", at(2026, 5, 1), 62000), flight("f1", at(2027, 2, 1), 3000)]
    state = memberkit.replay(p, member(), events, as_of=at(2027, 2, 2))
    assert memberkit.tier_of(p, state, at(2027, 2, 2)).figures["miles"] == 15000
    values = member_values(state, at(2027, 2, 2), tier=None, figures=p.info.figures)
    assert values["figure.miles_this_year"] == 3000
