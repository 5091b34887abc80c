"""The member state is an immutable value that survives a JSON round trip exactly."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import at, member

import memberkit
from memberkit import StateError
from memberkit._state import (
    STATE_FORMAT,
    ActivityRecord,
    LineRecord,
    OrderRecord,
    RefundRecord,
    read_birth_year,
)

zones = st.sampled_from(
    [UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5, minutes=-30))]
)
moments = st.builds(
    lambda base, tz: base.replace(tzinfo=UTC).astimezone(tz),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    zones,
)
money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
ids = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=8
)
attrs = st.lists(
    st.tuples(text, st.one_of(text, st.integers(), money, st.booleans())), max_size=3
).map(lambda xs: tuple(sorted(dict(xs).items())))
lines = st.builds(
    LineRecord,
    id=ids,
    sku=text,
    category=text,
    quantity=st.integers(1, 50),
    amount=money,
    gross=st.none() | money,
    tags=st.lists(text, max_size=2).map(tuple),
    attributes=attrs,
    refunded_quantity=st.integers(0, 1),
    refunded_amount=money,
)
orders = st.builds(
    OrderRecord,
    id=ids,
    at=moments,
    currency=st.just("CNY"),
    lines=st.lists(lines, min_size=1, max_size=3).map(tuple),
    shipping=money,
    tax=money,
    channel=text,
    store=text,
    payment_method=text,
    tags=st.lists(text, max_size=2).map(tuple),
    attributes=attrs,
    refunds=st.lists(st.builds(RefundRecord, id=ids, at=moments, amount=money), max_size=2).map(
        tuple
    ),
)
activities = st.builds(
    ActivityRecord, id=ids, at=moments, kind=text, channel=text, attributes=attrs
)
states = st.builds(
    lambda m, j, o, a, b, c, tags: member(m, j).evolve(
        orders=tuple(o), activities=tuple(a), birthday=b, clock=c, tags=tuple(tags)
    ),
    st.text(min_size=1, max_size=8).filter(str.strip),  # new_member refuses a blank id
    moments,
    st.lists(orders, max_size=3),
    st.lists(activities, max_size=3),
    st.none() | st.dates(),
    st.none() | moments,
    st.lists(text, max_size=3),
)


@given(states)
def test_json_round_trip_is_lossless(state: memberkit.MemberState) -> None:
    """Serialising a state and reading it back gives an equal state, offsets and all."""
    text = memberkit.state_to_json(state)
    back = memberkit.state_from_json(text)
    assert back == state

    # Moments in the home offset travel as seconds, the others in ISO 8601: each comes back in
    # the offset it had, and the state writes the same text again.
    def offsets(s: memberkit.MemberState) -> list[object]:
        return [
            *(o.at.utcoffset() for o in s.orders),
            *(r.at.utcoffset() for o in s.orders for r in o.refunds),
            *(a.at.utcoffset() for a in s.activities),
            None if s.clock is None else s.clock.utcoffset(),
        ]

    assert offsets(back) == offsets(state)
    assert memberkit.state_to_json(back) == text
    assert all(type(line.amount) is Decimal for o in back.orders for line in o.lines)


def test_state_is_frozen() -> None:
    """A state cannot be changed in place; evolve gives a changed copy."""
    state = member()
    with pytest.raises(AttributeError):
        state.tags = ("x",)  # type: ignore[misc]
    assert state.evolve(tags=("x",)).tags == ("x",)
    assert state.tags == ()


def test_unknown_format_version_is_refused() -> None:
    """A state from an unknown layout version is refused, not misread."""
    text = memberkit.state_to_json(member()).replace(f'"format":{STATE_FORMAT}', '"format":99')
    with pytest.raises(StateError, match="format 99 is not supported"):
        memberkit.state_from_json(text)


def test_malformed_state_says_where() -> None:
    """A state with a bad field says which field, without a pydantic traceback."""
    text = memberkit.state_to_json(member()).replace(
        '"joined_at":"2026-01-01T00:00:00+08:00"', '"joined_at":"soon"'
    )
    with pytest.raises(StateError, match="at joined_at"):
        memberkit.state_from_json(text)


def test_naive_join_time_is_refused() -> None:
    """A member cannot join at a moment without a timezone."""
    with pytest.raises(StateError, match="timezone"):
        memberkit.new_member("m1", datetime(2026, 1, 1))


def test_join_time_keeps_its_offset() -> None:
    """The join time comes back with the offset it was given."""
    state = member(joined=at(2026, 1, 1, 0, 0))
    assert memberkit.state_from_json(
        memberkit.state_to_json(state)
    ).joined_at.utcoffset() == timedelta(hours=8)


def _rich_state() -> memberkit.MemberState:
    """A member with an order, a lot, a journal entry and a tier change, to break field by field."""
    policy = memberkit.load_policy(str(resources.files("memberkit") / "examples" / "retail.yaml"))
    event = memberkit.parse_event(
        {
            "type": "purchase",
            "id": "o1",
            "at": "2026-03-01T12:00:00+08:00",
            "currency": "CNY",
            "lines": [{"id": "l1", "amount": "30000"}],
        }
    )
    state, _ = memberkit.apply(policy, member(), event)
    return state


def _break(path: tuple[str | int, ...], value: object) -> dict[str, object]:
    # Records are rows (format 5): a record's field is its position in the dataclass.
    data = json.loads(memberkit.state_to_json(_rich_state()))
    node = data
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return data


_STRICT = [
    (("joined_at",), "2026-01-01T00:00:00", "joined_at", "timezone offset"),
    (("clock",), "2026-03-01T12:00:00", "clock", "timezone offset"),
    (("orders", 0, 1), "2026-03-01T12:00:00", "orders.0.at", "timezone offset"),
    (("points", "lots", 0, 4), "2026-03-01T12:00", "points.lots.0.earned_at", "offset"),
    (("points", "journal", 0, 0), "2026-03-01T12:00:00", "points.journal.0.at", "offset"),
    (("tiers", "history", 0, 0), "2026-03-01T12:00:00", "tiers.history.0.at", "offset"),
    (("member_id",), "", "member_id", "id is empty"),
    (("orders", 0, 0), "", "orders.0.id", "id is empty"),
    (("orders", 0, 3, 0, 0), "", "orders.0.lines.0.id", "id is empty"),
    (("points", "lots", 0, 0), "", "points.lots.0.id", "id is empty"),
    (("seen", 0, 0), "", "seen.0.0", "id is empty"),
    (("clock",), "9999-12-31T23:00:00+00:00", "clock", "supported years"),
    (("clock",), "1000-01-01T00:00:00+00:00", "clock", "supported years"),
    (("clock",), 10**15, "clock", "not a supported moment"),
    (("clock",), int(datetime(9500, 1, 1, tzinfo=UTC).timestamp()), "clock", "supported years"),
    (("clock",), True, "clock", "datetime"),
    (("orders", 0, 1), -(10**12), "orders.0.at", "not a supported moment"),
    (
        ("points", "lots", 0),
        ["x", "points", 1, 1, 0, None, None, "o1", False, [], 9],
        "points.lots.0",
        "at most 10 values",
    ),
]


@pytest.mark.parametrize(
    ("path", "value", "where", "message"), _STRICT, ids=[s[2] + " " + s[3] for s in _STRICT]
)
def test_strict_loading_refuses_naive_times_and_empty_ids(
    path: tuple[str | int, ...], value: object, where: str, message: str
) -> None:
    """A stored state with a naive datetime or an empty id is a StateError naming the field."""
    broken = _break(path, value)
    with pytest.raises(StateError, match=f"at {re.escape(where)}: .*{message}"):
        memberkit.state_from_json(broken)
    with pytest.raises(StateError, match=f"at {re.escape(where)}: .*{message}"):
        memberkit.state_from_json(json.dumps(broken))


def test_a_rich_state_still_loads() -> None:
    """The unbroken state of the strict-loading table loads back equal to itself."""
    state = _rich_state()
    assert memberkit.state_from_json(memberkit.state_to_json(state)) == state


def test_a_state_with_moments_derived_past_2999_loads_back() -> None:
    """An order on the last supported day earns points available in 3000; the state loads back."""
    policy = memberkit.load_policy(str(resources.files("memberkit") / "examples" / "retail.yaml"))
    event = memberkit.parse_event(
        {
            "type": "purchase",
            "id": "o1",
            "at": "2999-12-30T12:00:00+08:00",
            "currency": "CNY",
            "lines": [{"id": "l1", "amount": "100"}],
        }
    )
    state, _ = memberkit.apply(policy, member(), event)
    assert max(lot.available_at or lot.earned_at for lot in state.points.lots).year == 3000
    assert memberkit.state_from_json(memberkit.state_to_json(state)) == state


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (1899, "birth_year is outside the supported years 1900 to 2999"),
        ("1990", "birth_year is a whole number"),
        (True, "birth_year is a whole number"),
    ],
)
def test_new_member_refuses_a_birth_year_that_is_no_year(value: object, says: str) -> None:
    """A wrong birth year is a StateError naming the field, never a TypeError or the value."""
    with pytest.raises(StateError) as caught:
        memberkit.new_member("m1", at(2026, 1, 1), birth_year=value)  # type: ignore[arg-type]
    assert str(caught.value).startswith(says)
    assert str(value) not in str(caught.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1990, 1990), ("1990", 1990), (1990.0, 1990), (2999, 2999)],
)
def test_a_birth_year_given_as_data_reads_as_a_profile_event_reads_it(
    value: object, expected: int
) -> None:
    """Data (a member line, a sample line) may give the year as a number or its text."""
    assert read_birth_year(value) == expected
    event = memberkit.parse_event(
        {"type": "profile", "id": "p", "at": "2026-01-01T00:00:00+08:00", "birth_year": value}
    )
    assert event.birth_year == expected  # type: ignore[union-attr]
