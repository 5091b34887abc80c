"""Late events: within the policy's horizon an older event is applied as if it came in order."""

from __future__ import annotations

import pytest
from tests.builders import at, member, purchase, refund

import memberkit

LATE = memberkit.parse_policy(
    """memberkit: 1
program: {id: t, currency: CNY, timezone: Asia/Shanghai, lateness_days: 2}
points:
  earn:
    - {id: base, per: 1 CNY, points: 1}
  redeem: {points_per_unit: 100}
""",
    source="late.yaml",
)

O1 = purchase("o1", at(2026, 3, 1, 10), ("l1", "x", "100"))
O3 = purchase("o3", at(2026, 3, 1, 15), ("l1", "x", "300"))
O2 = purchase("o2", at(2026, 3, 1, 12), ("l1", "x", "200"))


def _applied(*events: memberkit.Event) -> memberkit.MemberState:
    state = member()
    for event in events:
        state, outcome = memberkit.apply(LATE, state, event)
        assert outcome.accepted
    return state


def test_a_late_event_gives_the_state_replay_in_order_gives() -> None:
    """o2 (12:00) arriving after o3 (15:00) ends where applying o1, o2, o3 in order ends."""
    state = _applied(O1, O3)
    late, outcome = memberkit.apply_late(LATE, state, O2, earlier=member(), since=[O1, O3])
    assert outcome.accepted
    assert late == _applied(O1, O2, O3)


def test_a_late_event_from_a_checkpoint_needs_only_the_events_since() -> None:
    """From the state after o1, only o3 is needed to place o2 between them."""
    checkpoint = _applied(O1)
    state = _applied(O1, O3)
    late, _ = memberkit.apply_late(LATE, state, O2, earlier=checkpoint, since=[O3])
    assert late == _applied(O1, O2, O3)


def test_an_event_later_than_the_horizon_is_refused() -> None:
    """Three days late is beyond lateness_days: 2: refused with what to do instead."""
    state = _applied(O1, purchase("o9", at(2026, 3, 5), ("l1", "x", "1")))
    old = purchase("o0", at(2026, 3, 2), ("l1", "x", "5"))
    with pytest.raises(memberkit.EventError, match="lateness_days") as caught:
        memberkit.apply_late(LATE, state, old, earlier=member(), since=[O1])
    assert caught.value.code == "too_late"


def test_a_history_that_does_not_lead_to_the_state_is_refused() -> None:
    """Leaving o3 out of 'since' is refused rather than losing it."""
    state = _applied(O1, O3)
    with pytest.raises(memberkit.EventError) as caught:
        memberkit.apply_late(LATE, state, O2, earlier=member(), since=[O1])
    assert caught.value.code == "history_mismatch"


def test_a_late_refund_that_would_undo_a_later_redemption_is_refused() -> None:
    """The 100 points of o1 were redeemed at 15:00; a refund of o1 dated 12:00 cannot fit."""
    redeem = memberkit.parse_event(
        {"type": "redemption", "id": "x1", "at": at(2026, 3, 1, 15), "points": 100}
    )
    state = _applied(O1, redeem)
    late = refund("r1", at(2026, 3, 1, 12), "o1")
    with pytest.raises(memberkit.EventError) as caught:
        memberkit.apply_late(LATE, state, late, earlier=member(), since=[O1, redeem])
    assert caught.value.code == "late_conflict"


def test_apply_still_refuses_an_out_of_order_event() -> None:
    """Plain apply keeps refusing an older event: going back needs the history apply_late takes."""
    with pytest.raises(memberkit.EventError) as caught:
        memberkit.apply(LATE, _applied(O1, O3), O2)
    assert caught.value.code == "out_of_order"


def test_a_late_refund_that_would_make_a_later_refund_fail_is_a_late_conflict() -> None:
    """o1's line was partly refunded at 15:00; a whole refund dated 12:00 would leave nothing.

    Found by the state machine: the later refund's own error (over_refund, naming r2) escaped
    instead of a late_conflict naming the late event.
    """
    order = purchase("o1", at(2026, 3, 1, 10), ("l1", "x", "100", 2))
    part = refund("r2", at(2026, 3, 1, 15), "o1", ("l1", 2))
    state = _applied(order, part)
    late = refund("r3", at(2026, 3, 1, 12), "o1")
    with pytest.raises(memberkit.EventError) as caught:
        memberkit.apply_late(LATE, state, late, earlier=member(), since=[order, part])
    assert (caught.value.event_id, caught.value.code) == ("r3", "late_conflict")
    assert "'r2'" in caught.value.message
