"""Reasons read later: a decision built with ``later(...)`` reads exactly as one built at once."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal, localcontext
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from tests.builders import member
from tests.core.test_time_laws import KINDS, START, events_of, moments, next_event, policies, run
from tests.core.test_time_laws import steps as histories

import memberkit
from memberkit import MemberState, Policy
from memberkit._decision import later
from memberkit._reasons import Reason
from memberkit.points import PointsQuote

LOCALES = ("en", "zh_Hans", "zh_Hant")


def _quote(reasons: tuple[Reason, ...]) -> PointsQuote:
    return PointsQuote("o1", (), (("points", 5),), reasons, "en")


def test_reasons_read_later_equal_reasons_given_at_once() -> None:
    """A decision whose reasons are built later equals, and explains as, one given them."""
    told = (Reason.of("points.nothing_earned", "points.earn"),)
    deferred = _quote(later(lambda: told))
    assert deferred == _quote(told)
    assert deferred.reasons == told
    assert deferred.explain("zh_Hans") == _quote(told).explain("zh_Hans")


def test_reasons_are_built_once() -> None:
    """Reading the reasons twice builds them once and gives the very same tuple."""
    calls: list[int] = []

    def build() -> list[Reason]:
        calls.append(1)
        return [Reason.of("points.nothing_earned", "points.earn")]

    deferred = _quote(later(build))
    assert calls == []
    first = deferred.reasons
    assert deferred.reasons is first
    assert calls == [1]


def test_reasons_are_built_in_memberkits_decimal_context() -> None:
    """Reasons built after the call returned still compute in memberkit's decimal context, not
    the host's."""

    def build() -> list[Reason]:
        third = Decimal(1) / Decimal(3)
        return [Reason.of("points.nothing_earned", "points.earn", digits=len(str(third)))]

    deferred = _quote(later(build))
    with localcontext() as host:
        host.prec = 5
        read = deferred.reasons
    assert read[0].params["digits"] == 62  # "0." and sixty digits


def test_a_decision_copied_keeps_its_reasons() -> None:
    """``dataclasses.replace`` of a decision with reasons not read yet carries them over."""
    told = (Reason.of("points.nothing_earned", "points.earn"),)
    copied = dataclasses.replace(_quote(later(lambda: told)), order_id="o2")
    assert copied.reasons == told
    assert copied.order_id == "o2"


def _read(decision: Any) -> tuple[Any, ...]:
    return (decision.reasons, *(decision.explain(loc) for loc in LOCALES))


@given(policies, histories, st.sampled_from(KINDS), st.integers(1, 2400), moments, moments)
def test_reasons_read_later_are_the_reasons_read_at_once(
    p: Policy, spec: list[tuple[str, int, int]], kind: str, n: int, first: int, second: int
) -> None:
    """tier_of's and quote_points' reasons (and their text in every locale) read after other
    questions about the member, later moments and a host decimal context, are the reasons read
    as soon as the answer came."""
    state = run(p, member(), events_of(spec))
    base = state.clock or START
    when = base + timedelta(hours=first)
    event = next_event(kind, "x", base + timedelta(hours=second), n, state)
    tier_now = memberkit.tier_of(p, state, when)
    quote_now = memberkit.quote_points(p, state, event)
    at_once = (_read(tier_now), _read(quote_now))
    tier_later = memberkit.tier_of(p, _copy(state), when)
    quote_later = memberkit.quote_points(p, _copy(state), event)
    later_state, _ = memberkit.advance(p, state, when + timedelta(days=400))
    memberkit.tier_of(p, later_state, when + timedelta(days=400))
    memberkit.progress(p, state, when)
    with localcontext() as host:
        host.prec = 3
        assert (_read(tier_later), _read(quote_later)) == at_once
    assert tier_later == tier_now
    assert quote_later == quote_now


def _copy(state: MemberState) -> MemberState:
    """The same member as another object (nothing kept for the original applies to it)."""
    return memberkit.state_from_json(memberkit.state_to_json(state))
