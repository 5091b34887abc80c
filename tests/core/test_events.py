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
        ({"lines": [{"id": "l1", "amount": "-1"}]}, "lines.0.amount", "'-1' should be at least 0"),
        ({"currency": "rmb"}, "currency", "'rmb' is not an ISO 4217 currency code"),
        ({"lines": []}, "lines", "needs at least 1 item"),
        (
            {"lines": [{"id": "a", "amount": "1"}, {"id": "a", "amount": "2"}]},
            "",
            "line id 'a' appears twice",
        ),
        ({"colour": "red"}, "colour", "unknown field 'colour' (fields: at, attributes, "),
        ({"lines": [{"id": "l1", "amonut": "1"}]}, "lines.0.amonut", "did you mean 'amount'?"),
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


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"type": "purchse", "id": "o1", "at": "2026-03-01T10:00:00+08:00"},
            "type",
            "unknown event type 'purchse'; did you mean 'purchase'?",
        ),
        (
            {"id": "o1", "at": "2026-03-01T10:00:00+08:00"},
            "type",
            "an event needs a 'type', one of: activity, adjustment, benefit_use, flag, "
            "opening, points_extension, profile, purchase, redemption, redemption_cancel, refund, "
            "tier_grant, or transfer",
        ),
        (
            {"type": "redemption", "id": "o1", "at": "2026-03-01T10:00:00+08:00", "points": "x"},
            "points",
            "'x' is not a whole number",
        ),
        (
            {"type": "redemption", "id": "o1", "at": "2026-13-01T10:00:00+08:00", "points": 1},
            "at",
            "'2026-13-01T10:00:00+08:00' is not a valid date-time (month value is outside "
            "expected range of 1-12); write YYYY-MM-DDTHH:MM:SS+08:00",
        ),
    ],
)
def test_event_errors_are_in_plain_words(data: dict[str, object], field: str, message: str) -> None:
    """A bad event type, a missing type, a bad number or date read as sentences, not pydantic text."""
    with pytest.raises(EventError) as info:
        memberkit.parse_event(data)
    assert (info.value.field, info.value.message) == (field, message)


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


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en", "unknown event type 'purchse'; did you mean 'purchase'?"),
        ("zh_Hans", "未知事件类型“purchse”，是不是“purchase”？"),
        ("zh_Hant", "未知事件類型「purchse」，是不是「purchase」？"),
    ],
)
def test_an_event_error_explains_itself_in_each_locale(locale: str, text: str) -> None:
    """A bad event's problem carries a reason code, so a host can show it in the member's locale."""
    with pytest.raises(EventError) as info:
        memberkit.parse_event({"type": "purchse", "id": "o1", "at": "2026-03-01T10:00:00+08:00"})
    assert info.value.reason is not None
    assert info.value.reason.code == "event.invalid.unknown_type_hint"
    assert info.value.explain(locale) == text


def test_an_order_in_another_currency_explains_itself_in_each_locale() -> None:
    """An order in HKD for a CNY programme is refused with text in every shipped locale."""
    policy = memberkit.parse_policy(
        "memberkit: 1\nprogram: {id: p, currency: CNY, timezone: Asia/Shanghai, locale: zh_Hans}\n",
        source="p.yaml",
    )
    member = memberkit.new_member("m1", memberkit.parse_event(_order()).at)
    with pytest.raises(EventError) as info:
        memberkit.apply(policy, member, memberkit.parse_event(_order(currency="HKD")))
    assert info.value.code == "wrong_currency"
    assert info.value.explain("zh_Hant") == (
        "訂單幣別為 HKD，本計劃以 CNY 計算；請先換算金額再傳送訂單"
    )
    assert info.value.message == info.value.explain("en")


@pytest.mark.parametrize("kind", ["purchase", "tier_upgrade"])
def test_an_activity_cannot_take_the_name_of_an_engine_trigger(kind: str) -> None:
    """An activity of kind 'tier_upgrade' would earn the upgrade gift each time: refused (fuzz)."""
    data = {"type": "activity", "id": "a2", "at": "2026-04-01T10:00:00+08:00", "kind": kind}
    with pytest.raises(EventError, match="reserved") as caught:
        memberkit.parse_event(data)
    assert (caught.value.event_id, caught.value.code) == ("a2", "invalid_event")


def _digest_as_stored(event: memberkit.Event) -> str:
    """The digest as states of formats 2 and 3 recorded it (the reference definition)."""
    import hashlib
    import json
    from datetime import UTC, date, datetime
    from decimal import Decimal

    def instants(value: object) -> object:
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat()
        if isinstance(value, dict):
            return {k: instants(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [instants(v) for v in value]
        if isinstance(value, Decimal | date):
            return str(value)
        return value

    data = instants(event.model_dump(mode="python", exclude_defaults=False))
    # Fields added later were not there when those states were stored: absent, not null.
    later = {
        "purchase": ("tenders",),
        "redemption": ("order", "discount"),
        "refund": ("amount", "tender"),
    }
    for name in later.get(event.type, ()):
        if data.get(name) in (None, []):
            data.pop(name, None)
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.blake2b(blob, digest_size=12).hexdigest()


@pytest.mark.parametrize(
    "data",
    [
        {
            "type": "purchase",
            "id": "o-1",
            "at": "2026-11-11T10:00:00+08:00",
            "currency": "CNY",
            "channel": "app",
            "attributes": {"城市": "上海", "n": 3, "rate": "0.50", "vip": True},
            "lines": [
                {"id": "l1", "category": "鞋", "amount": "399.90", "quantity": 2, "gross": "500"},
                {"id": "l2", "amount": "1E+2", "tags": ["sale"], "attributes": {"b": 1, "a": 2}},
            ],
        },
        {"type": "refund", "id": "r-1", "at": "2026-11-12T00:00:00Z", "order": "o-1"},
        {"type": "activity", "id": "c-1", "at": "2026-11-12T08:00:00-05:00", "kind": "checkin"},
        {
            "type": "tier_grant",
            "id": "g-1",
            "at": "2026-11-12T08:00:00+08:00",
            "tier": "gold",
            "start": "2026-11-13T00:00:00+08:00",
            "until": "2027-11-13T00:00:00+08:00",
        },
        {
            "type": "profile",
            "id": "p-1",
            "at": "2026-11-12T08:00:00+09:00",
            "birthday": "1990-02-28",
        },
    ],
)
def test_the_fingerprint_is_the_digest_states_recorded(data: dict[str, object]) -> None:
    """The faster digest equals the one stored states hold, so their duplicates are recognised."""
    from memberkit._events import event_fingerprint

    event = memberkit.parse_event(data)
    assert event_fingerprint(event) == _digest_as_stored(event)
