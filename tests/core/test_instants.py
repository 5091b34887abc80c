"""The same instant written in any form is the same moment to the engine."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import memberkit

NEW_YORK = ZoneInfo("America/New_York")
POLICY = memberkit.parse_policy(
    """memberkit: 1
program: {id: ny, currency: USD, timezone: America/New_York}
points:
  earn:
    - {id: base, per: 1 USD, points: 1}
  pending: {days: 1}
""",
    source="ny.yaml",
)


def _order(event_id: str, at: object) -> memberkit.Event:
    return memberkit.parse_event(
        {
            "type": "purchase",
            "id": event_id,
            "at": at,
            "currency": "USD",
            "lines": [{"id": "l1", "category": "x", "amount": "10"}],
        }
    )


def test_the_repeated_hour_is_ordered_by_instant_not_by_wall_clock() -> None:
    """01:10 EST comes 20 minutes after 01:50 EDT on 1 Nov 2026 and is applied, not refused."""
    edt = datetime(2026, 11, 1, 1, 50, tzinfo=NEW_YORK)
    est = datetime(2026, 11, 1, 1, 10, fold=1, tzinfo=NEW_YORK)
    state = memberkit.new_member("m1", datetime(2026, 1, 1, tzinfo=NEW_YORK))
    state, first = memberkit.apply(POLICY, state, _order("o1", edt))
    state, second = memberkit.apply(POLICY, state, _order("o2", est))
    assert first.accepted
    assert second.accepted


def test_an_event_sent_again_with_z_is_a_duplicate_not_a_conflict() -> None:
    """The same order written with +08:00 and then with Z is one event."""
    state = memberkit.new_member("m1", datetime(2026, 1, 1, tzinfo=NEW_YORK))
    state, _ = memberkit.apply(POLICY, state, _order("o1", "2026-03-01T20:00:00+08:00"))
    _, again = memberkit.apply(POLICY, state, _order("o1", "2026-03-01T12:00:00Z"))
    assert again.duplicate


def test_pending_across_the_spring_change_is_the_same_for_text_and_zone_forms() -> None:
    """An order at noon the day before clocks change is spendable at the same instant either way."""
    text = _order("o1", "2026-03-07T12:00:00-05:00")
    zoned = _order("o1", datetime(2026, 3, 7, 12, tzinfo=NEW_YORK))
    start = memberkit.new_member("m1", datetime(2026, 1, 1, tzinfo=NEW_YORK))
    a, _ = memberkit.apply(POLICY, start, text)
    b, _ = memberkit.apply(POLICY, start, zoned)
    assert a.points.lots[0].available_at == b.points.lots[0].available_at
    assert memberkit.state_from_json(memberkit.state_to_json(a)) == a
