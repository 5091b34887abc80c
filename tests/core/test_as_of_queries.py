"""The typed questions programmes are asked, each answered as of a moment by the code apply runs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from tests.builders import activity, at, member, policy, purchase
from tests.tiers.builders import grant

import memberkit

POINTS = policy(
    """tiers:
  window: calendar_year
  ladder:
    - {id: basic}
    - {id: gold, qualify: {spend: 100000}}
points:
  earn:
    - {id: base, per: 1 CNY, points: 1}
    - {id: gold-bonus, multiply: {by_tier: {gold: 2}}}
    - {id: checkin, on: checkin, points: 5}
  pending: {days: 7}
  expiry: {rolling_months: 12}
  redeem: {min_points: 100, step: 100, points_per_unit: 100, max_share_of_order: 0.5}
"""
)


def _holder() -> memberkit.MemberState:
    """1,000 points from 1 Mar 2026 (spendable from 8 Mar) and 500 from 1 Jun 2026."""
    state = member()
    for event in (
        purchase("o1", at(2026, 3, 1), ("l1", "x", "1000")),
        purchase("o2", at(2026, 6, 1), ("l1", "x", "500")),
    ):
        state, outcome = memberkit.apply(POINTS, state, event)
        assert outcome.accepted
    return state


def test_held_lots_give_each_lots_last_valid_day() -> None:
    """Rolling 12 months: points earned on 1 Mar 2026 are valid through 1 Mar 2027."""
    lots = memberkit.held_lots(POINTS, _holder(), at(2026, 7, 1)).lots
    assert [(h.points, h.valid_through) for h in lots] == [
        (1000, date(2027, 3, 1)),
        (500, date(2027, 6, 1)),
    ]
    assert lots[0].expires_at == datetime(2027, 3, 2, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_expiring_through_a_day_counts_what_is_valid_through_it_and_no_further() -> None:
    """By 1 Mar 2027 the 1,000 expire; by 28 Feb nothing does (valid through 1 Mar)."""
    state = _holder()
    assert (
        memberkit.expiring(POINTS, state, at(2026, 7, 1), through=date(2027, 3, 1)).points == 1000
    )
    assert memberkit.expiring(POINTS, state, at(2026, 7, 1), through=date(2027, 2, 28)).points == 0


def test_expiring_needs_exactly_one_horizon() -> None:
    """Both a number of days and a day, or neither, is a clear error."""
    with pytest.raises(memberkit.EventError, match="exactly one"):
        memberkit.expiring(POINTS, _holder(), at(2026, 7, 1))


def test_expired_between_two_days_counts_on_the_day_validity_ended() -> None:
    """The 1,000 valid through 1 Mar 2027 count as expired on 2 Mar, not on 1 Mar."""
    state = _holder()
    march = memberkit.expired(POINTS, state, date(2027, 3, 2), date(2027, 3, 31))
    assert (march.points, march.items) == (1000, ((date(2027, 3, 1), 1000),))
    assert memberkit.expired(POINTS, state, date(2027, 2, 1), date(2027, 3, 1)).points == 0


def test_expired_reads_the_journal_for_days_before_the_last_event() -> None:
    """After a later check-in, the March expiry is still found, read from the journal."""
    state, _ = memberkit.apply(POINTS, _holder(), activity("c1", at(2027, 5, 1), "checkin"))
    assert memberkit.expired(POINTS, state, date(2027, 3, 1), date(2027, 3, 31)).points == 1000


def test_a_redemption_check_says_why_not_and_changes_nothing() -> None:
    """150 points is not a multiple of the step of 100: refused with that reason."""
    state = _holder()
    event = memberkit.parse_event(
        {
            "type": "redemption",
            "id": "x1",
            "at": at(2026, 7, 1),
            "points": 150,
            "order_amount": "100",
        }
    )
    assert isinstance(event, memberkit.Redemption)
    found = memberkit.redemption_check(POINTS, state, event)
    assert not found.accepted
    assert "points.not_a_step" in [r.code for r in found.reasons]
    assert memberkit.balance(POINTS, state, at(2026, 7, 1)).available == 1500


def test_the_most_an_order_can_take_respects_the_share_and_the_step() -> None:
    """Half of a ¥9.99 order is ¥4.99: 400 points (¥4.00) at 100 points per yuan, in steps of 100."""
    best = memberkit.max_redeemable(POINTS, _holder(), at(2026, 7, 1), Decimal("9.99"))
    assert (best.accepted, best.points, best.value) == (True, 400, Decimal("4.00"))


def test_the_most_an_order_can_take_is_the_balance_when_the_share_allows_more() -> None:
    """A ¥100,000 order could take far more: the 1,500 points held are the limit."""
    best = memberkit.max_redeemable(POINTS, _holder(), at(2026, 7, 1), Decimal("100000"))
    assert best.points == 1500


def test_nothing_redeemable_before_the_points_are_available() -> None:
    """On 5 Mar the 1,000 points are still pending: no amount goes through."""
    state, _ = memberkit.apply(
        POINTS, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", "1000"))
    )
    best = memberkit.max_redeemable(POINTS, state, at(2026, 3, 5), Decimal("1000"))
    assert not best.accepted


def test_a_quote_of_an_activity_earns_its_bonus() -> None:
    """A check-in quotes its 5 points, the same as the booking."""
    event = activity("c1", at(2026, 7, 1), "checkin")
    quote = memberkit.quote_points(POINTS, _holder(), event)
    _, outcome = memberkit.apply(POINTS, _holder(), event)
    assert quote.total() == 5
    assert outcome.accepted


def test_a_quote_at_a_granted_tier_uses_the_grant_and_after_it_ends_does_not() -> None:
    """Gold by grant through 30 Jun doubles a June order; a July order earns the base rate."""
    state, _ = memberkit.apply(
        POINTS, member(), grant("g1", at(2026, 1, 10), "gold", through=date(2026, 6, 30))
    )
    june = purchase("o1", at(2026, 6, 30, 23), ("l1", "x", "100"))
    july = purchase("o1", at(2026, 7, 1, 0, 30), ("l1", "x", "100"))
    assert memberkit.quote_points(POINTS, state, june).total() == 200
    assert memberkit.quote_points(POINTS, state, july).total() == 100


def test_a_grant_through_a_day_holds_until_that_day_ends() -> None:
    """Granted through 30 Jun: gold at 23:59 on 30 Jun, basic at midnight, last day in the result."""
    state, _ = memberkit.apply(
        POINTS, member(), grant("g1", at(2026, 1, 10), "gold", through=date(2026, 6, 30))
    )
    held = memberkit.tier_of(POINTS, state, at(2026, 6, 30, 23, 59, 59))
    assert (held.tier, held.valid_through) == ("gold", date(2026, 6, 30))
    assert "valid through Jun 30, 2026" in held.explain("en")
    assert memberkit.tier_of(POINTS, state, at(2026, 7, 1, 0, 0)).tier == "basic"


def test_a_grant_cannot_give_both_an_instant_and_a_last_day() -> None:
    """until and through together are refused when the event is read."""
    with pytest.raises(memberkit.EventError, match="through"):
        grant("g1", at(2026, 1, 10), "gold", through=date(2026, 6, 30), until=at(2026, 7, 1, 0))


def test_pending_days_count_on_the_programmes_calendar_whatever_the_offset_written() -> None:
    """The same instant written in UTC or in Shanghai time becomes spendable at the same moment."""
    local = purchase("o1", at(2026, 3, 1, 20), ("l1", "x", "100"))
    utc = memberkit.parse_event(
        {
            "type": "purchase",
            "id": "o1",
            "at": "2026-03-01T12:00:00Z",
            "currency": "CNY",
            "lines": [{"id": "l1", "category": "x", "amount": "100"}],
        }
    )
    a, _ = memberkit.apply(POINTS, member(), local)
    b, _ = memberkit.apply(POINTS, member(), utc)
    assert a.points.lots[0].available_at == b.points.lots[0].available_at


BIRTHDAY = policy(
    """benefits:
  - {id: birthday-gift, when: {birthday: month}, quota: {count: 1, per: year}}
"""
)


def test_a_birthday_month_benefit_opens_and_closes_with_the_month() -> None:
    """Asked on 20 Oct for a 3 Nov birthday: open from 1 Nov through 30 Nov."""
    state = memberkit.new_member("m1", at(2026, 1, 1), birthday=date(1990, 11, 3))
    window = memberkit.benefit_window(BIRTHDAY, state, "birthday-gift", at(2026, 10, 20))
    assert (window.open_now, window.opens, window.closes) == (
        False,
        date(2026, 11, 1),
        date(2026, 11, 30),
    )
    assert "from Nov 1, 2026 through Nov 30, 2026" in window.explain("en")


def test_a_benefit_window_asked_inside_it_is_open_now() -> None:
    """Asked on 10 Nov, the birthday month is open now and closes on 30 Nov."""
    state = memberkit.new_member("m1", at(2026, 1, 1), birthday=date(1990, 11, 3))
    window = memberkit.benefit_window(BIRTHDAY, state, "birthday-gift", at(2026, 11, 10))
    assert (window.open_now, window.closes) == (True, date(2026, 11, 30))


def test_due_moments_list_what_time_will_do() -> None:
    """Pending release on 8 Mar, then expiry after 1 Mar 2027 and the yearly reviews."""
    state, _ = memberkit.apply(
        POINTS, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", "1000"))
    )
    moments = memberkit.due_moments(POINTS, state, at(2026, 3, 1), at(2027, 6, 1))
    shanghai = ZoneInfo("Asia/Shanghai")
    assert datetime(2027, 3, 2, tzinfo=shanghai) in moments
    assert datetime(2027, 1, 1, tzinfo=shanghai) in moments
    assert moments == tuple(sorted(moments))


def test_held_lots_under_inactivity_expiry_show_the_deadline_the_last_activity_sets() -> None:
    """Inactive 12 months after a 1 Mar 2026 order: valid through 1 Mar 2027, then a check-in moves it."""
    idle = policy(
        """points:
  earn:
    - {id: base, per: 1 CNY, points: 1}
    - {id: checkin, on: checkin, points: 5}
  expiry: {inactivity_months: 12, activity: [purchase, checkin]}
"""
    )
    state, _ = memberkit.apply(idle, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", "100")))
    lots = memberkit.held_lots(idle, state, at(2026, 6, 1)).lots
    assert [h.valid_through for h in lots] == [date(2027, 3, 1)]
    state, _ = memberkit.apply(idle, state, activity("c1", at(2026, 9, 1), "checkin"))
    lots = memberkit.held_lots(idle, state, at(2026, 9, 2)).lots
    assert {h.valid_through for h in lots} == {date(2027, 9, 1)}
