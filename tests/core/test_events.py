"""Events are validated once at the edge; bad input names the event id and the field."""

from __future__ import annotations

from datetime import datetime

import pytest
from tests.builders import at, purchase

import memberkit
from memberkit import EventError


def _order(**over: object) -> dict[str, object]:
    data: dict[str, object] = {
        "type": "purchase",
        "id": "o1",
        "at": "2026-03-01T10:00:00+08:00",
        "currency": "CNY",
        "lines": [{"id": "l1", "amount": "10.50"}],
    }
    data.update(over)
    return data


def test_purchase_from_json_text() -> None:
    """A purchase given as JSON text is parsed with exact Decimal amounts."""
    event = memberkit.parse_event(
        '{"type": "purchase", "id": "o1", "at": "2026-03-01T10:00:00+08:00",'
        ' "currency": "CNY", "lines": [{"id": "l1", "amount": "10.10"}]}'
    )
    assert isinstance(event, memberkit.Purchase)
    assert str(event.amount) == "10.10"


@pytest.mark.parametrize(
    ("over", "field", "fragment"),
    [
        ({"at": "2026-03-01T10:00:00"}, "at", "timezone"),
        ({"lines": [{"id": "l1", "amount": "-1"}]}, "lines.0.amount", "greater than or equal to 0"),
        ({"currency": "rmb"}, "currency", "should match pattern"),
        ({"lines": []}, "lines", "at least 1 item"),
        (
            {"lines": [{"id": "a", "amount": "1"}, {"id": "a", "amount": "2"}]},
            "",
            "line id 'a' appears twice",
        ),
        ({"colour": "red"}, "colour", "Extra inputs are not permitted"),
    ],
)
def test_bad_purchase_names_event_and_field(
    over: dict[str, object], field: str, fragment: str
) -> None:
    """Each malformed purchase raises EventError naming the event id, the field and the problem."""
    with pytest.raises(EventError) as info:
        memberkit.parse_event(_order(**over))
    assert info.value.event_id == "o1"
    assert info.value.field == field
    assert fragment in info.value.message


def test_naive_datetime_object_is_refused() -> None:
    """A datetime without a zone is refused even when given as a Python object."""
    with pytest.raises(EventError, match="timezone"):
        memberkit.parse_event(_order(at=datetime(2026, 3, 1, 10)))


def test_unknown_event_type_is_refused() -> None:
    """An unknown event type is an error that lists nothing silently."""
    with pytest.raises(EventError) as info:
        memberkit.parse_event({"type": "teleport", "id": "x1", "at": "2026-03-01T10:00:00+08:00"})
    assert info.value.event_id == "x1"
    assert (
        "teleport" in info.value.message
        or "discriminator" in info.value.message
        or "tag" in info.value.message
    )


def test_invalid_json_is_an_event_error() -> None:
    """Text that is not JSON is reported, not raised as a JSON decoder traceback."""
    with pytest.raises(EventError, match="not valid JSON"):
        memberkit.parse_event("{oops")


def test_redemption_needs_exactly_one_target() -> None:
    """A redemption names points to pay with or a reward, not both and not neither."""
    with pytest.raises(EventError, match="exactly one"):
        memberkit.parse_event({"type": "redemption", "id": "r", "at": "2026-03-01T10:00:00+08:00"})


def test_fingerprint_tells_content_apart() -> None:
    """Two events with one id but different content have different fingerprints."""
    from memberkit._events import event_fingerprint

    a = purchase("o1", at(2026, 3, 1), ("l1", "x", "1"))
    b = purchase("o1", at(2026, 3, 1), ("l1", "x", "2"))
    assert event_fingerprint(a) != event_fingerprint(b)
    assert event_fingerprint(a) == event_fingerprint(
        purchase("o1", at(2026, 3, 1), ("l1", "x", "1"))
    )


@pytest.mark.parametrize("kind", ["purchase", "tier_upgrade"])
def test_an_activity_cannot_take_the_name_of_an_engine_trigger(kind: str) -> None:
    """An activity of kind 'tier_upgrade' would earn the upgrade gift each time: refused (fuzz)."""
    data = {"type": "activity", "id": "a2", "at": "2026-04-01T10:00:00+08:00", "kind": kind}
    with pytest.raises(EventError, match="reserved") as caught:
        memberkit.parse_event(data)
    assert (caught.value.event_id, caught.value.code) == ("a2", "invalid_event")
