"""Input beyond the supported range is refused at the edge, never a crash deeper in the engine.

Each row is one class of crash found by fuzzing (issue 16): before the bounds, these raised
decimal.InvalidOperation, OverflowError, RecursionError, ValueError or TypeError.
"""

from __future__ import annotations

import decimal
from datetime import date, datetime
from importlib import resources
from typing import Any

import pytest

import memberkit
from memberkit import EventError, PolicyError

from ..builders import at, member

_AT = "2026-03-01T12:00:00+08:00"


def _retail() -> memberkit.Policy:
    return memberkit.load_policy(str(resources.files("memberkit") / "examples" / "retail.yaml"))


def _purchase(**line: Any) -> dict[str, Any]:
    return {
        "type": "purchase",
        "id": "o1",
        "at": _AT,
        "currency": "CNY",
        "lines": [{"id": "l1", "amount": "10", **line}],
    }


_EVENTS: list[tuple[str, object, str]] = [
    ("amount 1E+28", _purchase(amount="1E+28"), "lines.0.amount"),
    ("amount 1E+999999", _purchase(amount="1E+999999"), "lines.0.amount"),
    ("amount 1E-999999", _purchase(amount="1E-999999"), "lines.0.amount"),
    ("shipping 10**30", {**_purchase(), "shipping": 10**30}, "shipping"),
    (
        "redemption of 10**28 points",
        {"type": "redemption", "id": "o1", "at": _AT, "points": 10**28},
        "points",
    ),
    (
        "transfer of 10**30 points",
        {
            "type": "transfer",
            "id": "o1",
            "at": _AT,
            "points": 10**30,
            "direction": "in",
            "counterparty": "m2",
        },
        "points",
    ),
    (
        "adjustment of -10**30 points",
        {"type": "adjustment", "id": "o1", "at": _AT, "points": -(10**30), "reason": "x"},
        "points",
    ),
    ("a date near 9999", {**_purchase(), "at": "9999-12-31T23:00:00+08:00"}, "at"),
    ("a date in year 1", {**_purchase(), "at": "0001-01-01T00:00:00+00:00"}, "at"),
    (
        "a grant until 9999",
        {
            "type": "tier_grant",
            "id": "o1",
            "at": _AT,
            "tier": "gold",
            "until": "9999-12-31T00:00:00+00:00",
        },
        "until",
    ),
    (
        "a birthday in year 9999",
        {"type": "profile", "id": "o1", "at": _AT, "birthday": "9999-01-01"},
        "birthday",
    ),
    ("a line quantity of 10**20", _purchase(quantity=10**20), "lines.0.quantity"),
    ("a sku of 100,000 characters", _purchase(sku="x" * 100_000), "lines.0.sku"),
    ("10,000 tags", {**_purchase(), "tags": ["t"] * 10_000}, "tags"),
    ("an attribute of 10**30", {**_purchase(), "attributes": {"miles": 10**30}}, "attributes"),
]


@pytest.mark.parametrize(("case", "data", "field"), _EVENTS, ids=[c[0] for c in _EVENTS])
def test_out_of_range_events_are_refused_by_name(case: str, data: object, field: str) -> None:
    """An event beyond the bounds raises EventError naming the event and the field."""
    with pytest.raises(EventError) as caught:
        memberkit.apply(_retail(), member(), memberkit.parse_event(data))
    assert (caught.value.event_id, caught.value.field.split(".")[0]) == ("o1", field.split(".")[0])
    assert caught.value.field.startswith(field)


_TEXTS: list[tuple[str, str | bytes, str]] = [
    ("100,000-deep JSON array", "[" * 100_000 + "]" * 100_000, "too_deep"),
    ("100,000-deep JSON object", '{"a":' * 100_000 + "1" + "}" * 100_000, "too_deep"),
    ("17 levels of nesting", '{"id": "o1", "x": ' + "[" * 17 + "]" * 17 + "}", "too_deep"),
    ("an event of 2 MB", '{"id": "o1", "pad": "' + "x" * 2_000_000 + '"}', "too_large"),
]


@pytest.mark.parametrize(("case", "text", "code"), _TEXTS, ids=[c[0] for c in _TEXTS])
def test_hostile_event_texts_are_refused(case: str, text: str, code: str) -> None:
    """Deep or huge event JSON raises EventError with its code, not RecursionError or MemoryError."""
    with pytest.raises(EventError) as caught:
        memberkit.parse_event(text)
    assert caught.value.code == code


def test_a_4301_digit_integer_in_json_is_refused_by_field() -> None:
    """A 4,301-digit integer in event JSON is refused as out of range for its field."""
    text = (
        '{"type": "adjustment", "id": "o1", "at": "2026-03-01T12:00:00+08:00", "reason": "x", '
        '"points": ' + "9" * 4301 + "}"
    )
    with pytest.raises(EventError) as caught:
        memberkit.parse_event(text)
    assert (caught.value.event_id, caught.value.field) == ("o1", "points")


@pytest.mark.parametrize("items", [None, 5, "[]", b"[]", {"id": "o1"}])
def test_parse_events_refuses_what_is_not_a_list(items: Any) -> None:
    """parse_events of None, a number, a text or one mapping raises a clear EventError."""
    with pytest.raises(EventError, match="parse_events takes a list of events"):
        memberkit.parse_events(items)


_HEAD = "memberkit: 1\nprogram: {id: t, currency: CNY, timezone: Asia/Shanghai}\n"
_RULES = "points:\n  earn:\n    - {id: base, on: purchase, per: 1 CNY, points: 1}\n"
_POLICIES: list[tuple[str, str, int, str]] = [
    (
        "points: 1e309",
        _HEAD + "points:\n  earn:\n    - {id: b, on: purchase, per: 1 CNY, points: 1e309}\n",
        5,
        "points.earn[0].points",
    ),
    (
        "multiply: 1e999999999",
        _HEAD + _RULES + "    - {id: m, multiply: 1e999999999}\n",
        6,
        "points.earn[1].multiply",
    ),
    (
        "multiply: 1000",
        _HEAD + _RULES + "    - {id: m, multiply: 1000}\n",
        6,
        "points.earn[1].multiply",
    ),
    (
        "points: 10**10",
        _HEAD + "points:\n  earn:\n    - {id: b, on: purchase, per: 1 CNY, points: 10000000000}\n",
        5,
        "points.earn[0].points",
    ),
    (
        "quota.count: 1e309",
        _HEAD + "benefits:\n  - {id: gift, quota: {count: 1e309, per: year}}\n",
        4,
        "benefits[0].quota.count",
    ),
    (
        "a 4,301-digit integer",
        _HEAD
        + "points:\n  earn:\n    - {id: b, on: purchase, per: 1 CNY, points: "
        + "9" * 4301
        + "}\n",
        5,
        "points.earn[0].points",
    ),
    (
        "a per of 1e-999999",
        _HEAD + "points:\n  earn:\n    - {id: b, on: purchase, per: 1e-999999, points: 1}\n",
        5,
        "points.earn[0].per",
    ),
    (
        "a date in year 9999",
        _HEAD + "versions:\n  - {effective_from: 9999-12-31, announced: 2026-01-01}\n",
        4,
        "versions[0].effective_from",
    ),
]


@pytest.mark.parametrize(("case", "text", "line", "path"), _POLICIES, ids=[c[0] for c in _POLICIES])
def test_out_of_range_policy_numbers_are_located(
    case: str, text: str, line: int, path: str
) -> None:
    """A policy number or date beyond the bounds is a PolicyError at its line and path."""
    with pytest.raises(PolicyError) as caught:
        memberkit.parse_policy(text, source="p.yaml")
    assert [(i.line, i.path) for i in caught.value.issues][:1] == [(line, path)]


@pytest.mark.parametrize(
    "setting",
    [
        {"prec": 3},
        {"prec": 1, "rounding": decimal.ROUND_UP},
        {"traps": [decimal.Inexact, decimal.Rounded, decimal.InvalidOperation]},
        {"Emax": 10, "Emin": -10},
        {"capitals": 0},
    ],
    ids=["prec 3", "prec 1 rounding up", "trap inexact", "tiny exponents", "lower-case e"],
)
def test_host_decimal_settings_change_nothing(setting: dict[str, Any]) -> None:
    """The same events give the same state, quote and text whatever the host's decimal context."""
    policy = _retail()
    events = [
        memberkit.parse_event(_purchase(amount="12345.67")),
        memberkit.parse_event(
            {**_purchase(amount="0.01"), "id": "o2", "at": "2026-03-02T12:00:00+08:00"}
        ),
    ]

    def run() -> tuple[str, str]:
        state = member()
        for event in events:
            state, _ = memberkit.apply(policy, state, event)
        shown = memberkit.balance(policy, state, as_of=at(2026, 4, 1)).explain("en")
        return memberkit.state_to_json(state), shown

    expected = run()
    with decimal.localcontext(decimal.Context(**setting)):
        assert run() == expected


@pytest.mark.parametrize("day", ["02-30", "04-31", "02-29", "13-01", "00-10"])
def test_an_expiry_day_some_years_lack_is_refused(day: str) -> None:
    """expiry.fixed names a day every year has; 02-30 or 04-31 is refused at validation."""
    text = _HEAD + _RULES + f'  expiry: {{fixed: "{day}"}}\n'
    with pytest.raises(PolicyError) as caught:
        memberkit.parse_policy(text, source="p.yaml")
    assert [i.path for i in caught.value.issues] == ["points.expiry.fixed"]


@pytest.mark.parametrize(
    ("member_id", "joined", "birthday", "match"),
    [
        ("x" * 129, at(2026, 1, 1), None, "at most 128"),
        ("   ", at(2026, 1, 1), None, "must not be empty"),
        ("m1", at(2026, 1, 1).replace(year=9999), None, "joined_at is outside"),
        ("m1", at(2026, 1, 1), date(1, 1, 1), "birthday is outside"),
    ],
    ids=["129-character id", "blank id", "joined in 9999", "born in year 1"],
)
def test_new_member_refuses_what_the_state_could_not_hold(
    member_id: str, joined: datetime, birthday: date | None, match: str
) -> None:
    """new_member refuses an overlong or blank id and dates outside the supported years."""
    with pytest.raises(memberkit.StateError, match=match):
        memberkit.new_member(member_id, joined, birthday=birthday)
