"""The planned copy of frozen records gives what ``dataclasses.replace`` gives."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import memberkit
from memberkit._evolve import replace
from memberkit._facts import Facts
from memberkit.points._state import Lot

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 1, 1, 10, tzinfo=SHANGHAI)


@given(
    remaining=st.integers(min_value=-10, max_value=10**6),
    expired=st.booleans(),
    days=st.integers(min_value=0, max_value=800),
    extensions=st.lists(st.text(min_size=1, max_size=4), max_size=3).map(tuple),
)
def test_a_lot_copied_with_changes_equals_the_generic_copy(
    remaining: int, expired: bool, days: int, extensions: tuple[str, ...]
) -> None:
    lot = Lot(
        id="o1/points",
        currency="points",
        amount=100,
        remaining=100,
        earned_at=START,
        available_at=START,
        expires_at=START + timedelta(days=400),
        source="o1",
    )
    changes = {
        "remaining": remaining,
        "expired": expired,
        "expires_at": START + timedelta(days=days),
        "extensions": extensions,
    }
    ours = replace(lot, **changes)
    theirs = dataclasses.replace(lot, **changes)
    assert ours == theirs
    assert type(ours) is Lot
    assert lot.remaining == 100  # the original is untouched
    assert replace(lot) == lot


def test_a_member_state_copied_with_changes_equals_the_generic_copy() -> None:
    state = memberkit.new_member("m1", START)
    later = START + timedelta(days=3)
    ours = replace(state, clock=later, tags=frozenset({"vip"}))
    assert ours == dataclasses.replace(state, clock=later, tags=frozenset({"vip"}))
    assert ours.clock == later
    assert state.clock is None


def test_an_unknown_field_is_refused_as_the_generic_copy_refuses_it() -> None:
    state = memberkit.new_member("m1", START)
    with pytest.raises(TypeError, match="colck"):
        replace(state, colck=START)
    with pytest.raises(TypeError):
        replace(object())


def test_a_record_whose_construction_checks_its_fields_is_built_by_its_constructor() -> None:
    facts = Facts(START, {"amount": Decimal(1)})
    with pytest.raises(ValueError, match="timezone-aware"):
        replace(facts, at=datetime(2026, 1, 1))
    assert replace(facts, values={}) == Facts(START, {})
