"""The state at a query's moment, kept per state object: asked again, it answers the same."""

from __future__ import annotations

from datetime import UTC, timedelta

from hypothesis import given
from tests.builders import member
from tests.core.test_time_laws import START, answers, events_of, moments, policies, run, steps

import memberkit
from memberkit import MemberState, Policy
from memberkit._agenda import state_at


def _copy(state: MemberState) -> MemberState:
    """The same member as another object (nothing kept for the original applies to it)."""
    return memberkit.state_from_json(memberkit.state_to_json(state))


@given(policies, policies, steps, moments)
def test_queries_asked_again_answer_as_on_a_fresh_state(
    p: Policy, other: Policy, spec: list[tuple[str, int, int]], hours: int
) -> None:
    """Every query asked twice about one state object, and asked under another policy between,
    answers as on a copy of the state nothing was asked about before."""
    state = run(p, member(), events_of(spec))
    when = (state.clock or START) + timedelta(hours=hours)
    first = answers(p, state, when)
    answers(other, state, when)
    assert answers(p, state, when) == first
    assert answers(p, _copy(state), when) == first


@given(policies, steps, moments)
def test_the_state_kept_carries_the_moment_as_asked(
    p: Policy, spec: list[tuple[str, int, int]], hours: int
) -> None:
    """The same instant asked with another UTC offset gives a state advanced to that instant
    written with the offset asked, equal to one worked out afresh."""
    state = run(p, member(), events_of(spec))
    when = (state.clock or START) + timedelta(hours=hours)
    local = state_at(p, state, when)
    utc = state_at(p, state, when.astimezone(UTC))
    assert local.advanced_to is not None
    assert utc.advanced_to is not None
    assert utc.advanced_to.utcoffset() == timedelta(0)
    assert local.advanced_to.utcoffset() == when.utcoffset()
    assert utc == state_at(p, _copy(state), when.astimezone(UTC))
    assert state_at(p, state, when) is local
