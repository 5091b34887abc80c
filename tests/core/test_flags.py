"""Flags on the member: set or cleared by a flag event, in force for their validity, then pruned."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from tests.builders import at, member, policy, purchase

import memberkit
from memberkit import EventError, FlagUpdate

OFFER = """
points:
  earn:
    - {id: base, on: purchase, per: 1 CNY, points: 1}
    - {id: offer, when: {flag: double_this_month}, multiply: 2}
  pending: immediate
"""


def flag(event_id: str, when: datetime, name: str = "double_this_month", **kw: Any) -> FlagUpdate:
    """A flag event setting (or, with clear=True, clearing) ``name``."""
    event = memberkit.parse_event({"type": "flag", "id": event_id, "at": when, "flag": name, **kw})
    assert isinstance(event, FlagUpdate)
    return event


def flags_at(events: list[memberkit.Event], moment: datetime) -> frozenset[str]:
    """The flags in force at ``moment`` after the events."""
    state = memberkit.replay(policy(), member(), events, as_of=events[-1].at)
    return state.flags_at(moment)


@pytest.mark.parametrize(
    ("moment", "held"),
    [
        (at(2026, 7, 10, 8, 59), False),  # before the event that sets it
        (at(2026, 7, 10, 9, 0), True),  # from the event's moment
        (at(2026, 7, 31, 23, 59, 59), True),  # the whole last day ('through')
        (at(2026, 8, 1, 0, 0), False),  # over when that day ends, Shanghai time
    ],
)
def test_a_flag_through_a_day_holds_to_the_end_of_that_day(moment: datetime, held: bool) -> None:
    """'Valid to the end of the month' is through: 2026-07-31, in the programme's timezone."""
    events: list[memberkit.Event] = [flag("f1", at(2026, 7, 10, 9, 0), through="2026-07-31")]
    assert ("double_this_month" in flags_at(events, moment)) is held


@pytest.mark.parametrize(
    ("moment", "held"),
    [
        (at(2026, 7, 11, 9, 59), False),  # before its start
        (at(2026, 7, 11, 10, 0), True),
        (at(2026, 7, 12, 9, 59), True),
        (at(2026, 7, 12, 10, 0), False),  # 'until' is the first moment it no longer holds
    ],
)
def test_a_flag_with_a_start_and_an_until_instant(moment: datetime, held: bool) -> None:
    """A flag may start later than the event and end at an instant."""
    events: list[memberkit.Event] = [
        flag("f1", at(2026, 7, 10), start=at(2026, 7, 11, 10, 0), until=at(2026, 7, 12, 10, 0))
    ]
    assert ("double_this_month" in flags_at(events, moment)) is held


def test_a_flag_without_an_end_holds_until_cleared() -> None:
    """No validity: in force until a clearing event, and not after it."""
    events: list[memberkit.Event] = [
        flag("f1", at(2026, 1, 1), name="student"),
        flag("f2", at(2030, 1, 1), name="student", clear=True),
    ]
    state = memberkit.replay(policy(), member(), events[:1], as_of=at(2026, 1, 1))
    assert state.flags_at(at(2029, 12, 31)) == {"student"}
    assert flags_at(events, at(2030, 1, 1)) == frozenset()


def test_setting_a_flag_again_replaces_its_validity() -> None:
    """A renewed offer runs to its new end, and only one record is kept."""
    events: list[memberkit.Event] = [
        flag("f1", at(2026, 7, 10), through="2026-07-31"),
        flag("f2", at(2026, 7, 20), through="2026-08-31"),
    ]
    state = memberkit.replay(policy(), member(), events, as_of=at(2026, 7, 20))
    assert len(state.flags) == 1
    assert state.flags_at(at(2026, 8, 31, 23, 0)) == {"double_this_month"}


def test_a_flag_past_its_end_leaves_the_state_at_the_next_event() -> None:
    """The state keeps only flags that are or will be in force: an expired one is pruned."""
    events: list[memberkit.Event] = [
        flag("f1", at(2026, 7, 10), through="2026-07-31"),
        flag("f2", at(2026, 7, 10, 13, 0), name="other", through="2026-12-31"),
        purchase("o1", at(2026, 8, 2)),
    ]
    state = memberkit.replay(policy(), member(), events, as_of=at(2026, 8, 2))
    assert [f.name for f in state.flags] == ["other"]


def test_a_flag_given_already_over_is_not_kept() -> None:
    """Told at noon on 1 August that an offer ran through 31 July: nothing to keep."""
    told = at(2026, 8, 1, 12, 0)
    state = memberkit.replay(
        policy(), member(), [flag("f1", told, through="2026-07-31")], as_of=told
    )
    assert state.flags == ()


def test_flags_survive_the_json_round_trip() -> None:
    """A stored state reads back with its flags and their validity."""
    events: list[memberkit.Event] = [flag("f1", at(2026, 7, 10), through="2026-07-31")]
    state = memberkit.replay(policy(), member(), events, as_of=at(2026, 7, 10))
    assert memberkit.state_from_json(memberkit.state_to_json(state)) == state


def test_a_flag_before_joining_is_refused() -> None:
    """Only a profile event may precede joining; a flag dated earlier is an error."""
    with pytest.raises(EventError, match="before the member joined"):
        memberkit.apply(policy(), member(), flag("f1", at(2025, 12, 1)))


def test_earning_reads_the_flags_in_force_at_the_order() -> None:
    """Activated on 10 July through 31 July: 100 + 100 on 31 July, 100 on 1 August."""
    p = policy(OFFER)
    events: list[memberkit.Event] = [
        purchase("o0", at(2026, 7, 9)),  # before activation: 100
        flag("f1", at(2026, 7, 10), through="2026-07-31"),
        purchase("o1", at(2026, 7, 31, 23, 0)),  # in force: 200
        purchase("o2", at(2026, 8, 1, 0, 30)),  # over: 100
    ]
    state = memberkit.replay(p, member(), events, as_of=at(2026, 8, 1, 1, 0))
    assert memberkit.balance(p, state, as_of=at(2026, 8, 1, 1, 0)).available == 400


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"clear": True, "through": "2026-07-31"}, "a flag being cleared takes no validity"),
        (
            {"through": "2026-07-31", "until": "2026-08-01T00:00:00+08:00"},
            "'through' (its last day) or 'until' (an instant)",
        ),
        ({"until": "2026-07-10T08:00:00+08:00"}, "give a later 'until'"),
        ({"through": "2026-07-01"}, "give a later 'through'"),
        ({"flag": "two words"}, "without spaces, e.g. double_this_month"),
    ],
)
def test_a_malformed_flag_event_says_what_to_write(fields: dict[str, Any], says: str) -> None:
    """Each refusal of a flag event names the fix."""
    data = {"type": "flag", "id": "f1", "at": "2026-07-10T09:00:00+08:00", "flag": "x", **fields}
    with pytest.raises(EventError) as caught:
        memberkit.parse_event(data)
    assert says in str(caught.value)


def test_a_flag_through_the_last_supported_day_holds_for_good_and_is_stored() -> None:
    """Through 31 Dec 2999 has no next day to store: the flag has no end and reads back."""
    events: list[memberkit.Event] = [flag("f1", at(2026, 7, 10), through="2999-12-31")]
    state = memberkit.replay(policy(), member(), events, as_of=at(2026, 7, 10))
    assert state.flags[0].until is None
    assert memberkit.state_from_json(memberkit.state_to_json(state)) == state
