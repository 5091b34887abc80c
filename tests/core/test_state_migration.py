"""States written by memberkit 0.1 (format 1) load, migrate and go on as if written today."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import memberkit

FIXTURE = Path(__file__).parent / "fixtures" / "state_format1_retail.json"
RETAIL = memberkit.load_policy(Path(memberkit.__file__).parent / "examples" / "retail.yaml")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_format_1_state_loads_as_the_current_format() -> None:
    """The committed 0.1 state (a year of retail events) reads back in format 2."""
    state = memberkit.state_from_json(FIXTURE.read_text(encoding="utf-8"))
    assert state.format == 2
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
