"""States written by memberkit 0.1 (format 1) load, migrate and go on as if written today."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import memberkit
from memberkit._state import STATE_FORMAT

FIXTURE = Path(__file__).parent / "fixtures" / "state_format1_retail.json"
RETAIL = memberkit.load_policy(Path(memberkit.__file__).parent / "examples" / "retail.yaml")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_format_1_state_loads_as_the_current_format() -> None:
    """The committed 0.1 state (a year of retail events) reads back in today's format."""
    state = memberkit.state_from_json(FIXTURE.read_text(encoding="utf-8"))
    assert state.format == STATE_FORMAT
    assert (state.advanced_to, state.base) == (None, None)


def test_an_event_of_a_format_1_state_sent_again_is_a_duplicate() -> None:
    """Its events' 0.1 digests are still recognised: re-sending o1 changes nothing."""
    state = memberkit.state_from_json(FIXTURE.read_text(encoding="utf-8"))
    (again,) = memberkit.parse_events(
        [
            {
                "type": "purchase",
                "id": "o1",
                "at": "2025-03-10T10:00:00+08:00",
                "currency": "CNY",
                "lines": [{"id": "l1", "category": "shoes", "amount": "2600"}],
            }
        ]
    )
    new, outcome = memberkit.apply(RETAIL, state, again)
    assert outcome.duplicate
    assert new == state


def test_a_migrated_state_answers_and_takes_new_events() -> None:
    """The migrated member is silver with points, and a new order is applied on top."""
    state = memberkit.state_from_json(FIXTURE.read_text(encoding="utf-8"))
    as_of = datetime(2026, 8, 1, tzinfo=SHANGHAI)
    assert memberkit.tier_of(RETAIL, state, as_of).tier == "silver"
    before = memberkit.balance(RETAIL, state, as_of).available
    (order,) = memberkit.parse_events(
        [
            {
                "type": "purchase",
                "id": "o3",
                "at": "2026-08-01T10:00:00+08:00",
                "currency": "CNY",
                "lines": [{"id": "l1", "category": "shoes", "amount": "100"}],
            }
        ]
    )
    state, outcome = memberkit.apply(RETAIL, state, order)
    assert outcome.accepted
    assert memberkit.state_from_json(memberkit.state_to_json(state)) == state
    assert (
        memberkit.balance(RETAIL, state, datetime(2026, 9, 1, tzinfo=SHANGHAI)).available > before
    )


FORMAT2 = Path(__file__).parent / "fixtures" / "state_format2_retail.json"


def _format2_events() -> list[memberkit.Event]:
    """The events the committed format-2 state was written from (memberkit before folding)."""
    start = datetime(2025, 1, 5, 10, tzinfo=SHANGHAI)
    events: list[dict[str, object]] = []
    for i in range(1, 41):
        at = start + timedelta(days=9 * i)
        events.append(
            {
                "type": "purchase",
                "id": f"o{i}",
                "at": at.isoformat(),
                "currency": "CNY",
                "channel": "app" if i % 2 else "store",
                "lines": [
                    {"id": "l1", "category": "shoes", "amount": "399.90"},
                    {"id": "l2", "category": "socks", "amount": "59.00", "quantity": 2},
                ],
            }
        )
        if i % 6 == 0:
            events.append(
                {
                    "type": "refund",
                    "id": f"r{i}",
                    "at": (at + timedelta(hours=3)).isoformat(),
                    "order": f"o{i}",
                    "lines": [{"line": "l2", "quantity": 1}],
                }
            )
        if i % 4 == 0:
            events.append(
                {
                    "type": "activity",
                    "id": f"c{i}",
                    "at": (at + timedelta(hours=5)).isoformat(),
                    "kind": "checkin",
                }
            )
        if i == 30:
            events.append(
                {
                    "type": "redemption",
                    "id": "x30",
                    "at": (at + timedelta(hours=6)).isoformat(),
                    "currency": "points",
                    "reward": "tote-bag",
                }
            )
    return memberkit.parse_events(events)


def test_a_format_2_state_loads_dated_by_its_last_event() -> None:
    """The committed format-2 state reads back in today's format; its ids are dated by the clock."""
    state = memberkit.state_from_json(FORMAT2.read_text(encoding="utf-8"))
    assert state.format == STATE_FORMAT
    assert state.clock is not None
    day = state.clock.astimezone(UTC).date().toordinal()
    assert state.seen
    assert {entry[2] for entry in state.seen} == {day}


def test_a_format_2_state_decides_as_a_replay_does_today() -> None:
    """Balance, tier and the next event's outcome equal a replay of the same events today."""
    stored = memberkit.state_from_json(FORMAT2.read_text(encoding="utf-8"))
    events = _format2_events()
    fresh = memberkit.replay(RETAIL, memberkit.new_member("m-f2", stored.joined_at), events)
    assert stored.clock == fresh.clock
    later = stored.clock + timedelta(days=40) if stored.clock else stored.joined_at
    assert memberkit.balance(RETAIL, stored, later) == memberkit.balance(RETAIL, fresh, later)
    assert (
        memberkit.tier_of(RETAIL, stored, later).tier
        == memberkit.tier_of(RETAIL, fresh, later).tier
    )
    (next_order,) = memberkit.parse_events(
        [
            {
                "type": "purchase",
                "id": "o41",
                "at": later.isoformat(),
                "currency": "CNY",
                "lines": [{"id": "l1", "category": "shoes", "amount": "800"}],
            }
        ]
    )
    after_stored, outcome_stored = memberkit.apply(RETAIL, stored, next_order)
    after_fresh, outcome_fresh = memberkit.apply(RETAIL, fresh, next_order)
    assert outcome_stored.reasons == outcome_fresh.reasons
    assert memberkit.balance(RETAIL, after_stored, later) == memberkit.balance(
        RETAIL, after_fresh, later
    )
    # An event of the stored history sent again is still a duplicate.
    again, outcome = memberkit.apply(RETAIL, stored, events[-1])
    assert outcome.duplicate
    assert again == stored


FORMAT3 = Path(__file__).parent / "fixtures" / "state_format3_retail.json"


def test_a_format_3_state_decides_as_a_replay_does_today() -> None:
    """The committed format-3 state (written by the last release of that format, every default
    written out) reads in today's format and decides as a replay of its events today."""
    text = FORMAT3.read_text(encoding="utf-8")
    assert '"format":3' in text
    stored = memberkit.state_from_json(text)
    assert stored.format == STATE_FORMAT
    fresh = memberkit.replay(
        RETAIL, memberkit.new_member("m-f3", stored.joined_at), _format2_events()
    )
    assert stored == fresh
    later = (stored.clock or stored.joined_at) + timedelta(days=40)
    assert memberkit.balance(RETAIL, stored, later) == memberkit.balance(RETAIL, fresh, later)
    # Written again it is today's format, without the defaults, and reads back equal.
    again = memberkit.state_to_json(stored)
    assert f'"format":{STATE_FORMAT}' in again
    assert len(again) < len(text)
    assert memberkit.state_from_json(again) == stored


FORMAT4 = Path(__file__).parent / "fixtures" / "state_format4_retail.json"


def test_a_format_4_state_decides_as_a_replay_does_today() -> None:
    """The committed format-4 state (records as objects, moments in ISO 8601) reads in today's
    format, equals a replay of its events, and written again is smaller and reads back equal."""
    text = FORMAT4.read_text(encoding="utf-8")
    assert '"format":4' in text
    stored = memberkit.state_from_json(text)
    assert stored.format == STATE_FORMAT
    fresh = memberkit.replay(
        RETAIL, memberkit.new_member("m-f4", stored.joined_at), _format2_events()
    )
    assert stored == fresh
    later = (stored.clock or stored.joined_at) + timedelta(days=40)
    assert memberkit.balance(RETAIL, stored, later) == memberkit.balance(RETAIL, fresh, later)
    assert memberkit.tier_of(RETAIL, stored, later) == memberkit.tier_of(RETAIL, fresh, later)
    again = memberkit.state_to_json(stored)
    assert again == memberkit.state_to_json(fresh)
    assert len(again) < len(text) * 0.6
    assert memberkit.state_from_json(again) == stored
