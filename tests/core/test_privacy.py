"""Error messages and explanations name members by id, never by their personal data.

A member with a birthday and an order carrying a phone number and an e-mail address goes through
the bundled programmes: every explanation in every locale, every reason's parameters and the
message of every refused event are scanned for those personal values.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Any

import pytest

import memberkit
from memberkit.i18n._catalog import LOCALES

from ..builders import SHANGHAI

PHONE = "13800138000"
EMAIL = "alice.wong@example.com"
BIRTHDAY = date(1987, 5, 29)
PERSONAL = (PHONE, EMAIL, "alice.wong", "1987", "5月29", "May 29", "29 May", "05-29")
"""What must never appear: the phone, the e-mail, the birthday in any rendering (no event of the
test falls on 29 May, so a date shown is never the birthday by chance)."""

_PII = {"phone": PHONE, "email": EMAIL}


def _policy(name: str) -> memberkit.Policy:
    return memberkit.load_policy(str(resources.files("memberkit") / "examples" / f"{name}.yaml"))


def _when(day: int, hour: int = 12) -> str:
    return (datetime(2026, 5, 1, hour, tzinfo=SHANGHAI) + timedelta(days=day)).isoformat()


def _events() -> list[dict[str, Any]]:
    line = {"id": "l1", "category": "general", "amount": "3000", "attributes": _PII}
    return [
        {"type": "profile", "id": "p1", "at": _when(0), "birthday": BIRTHDAY.isoformat()},
        {
            "type": "purchase",
            "id": "o1",
            "at": _when(1),
            "currency": "CNY",
            "lines": [line],
            "attributes": _PII,
        },
        {"type": "activity", "id": "a1", "at": _when(2), "kind": "checkin", "attributes": _PII},
        {"type": "refund", "id": "r1", "at": _when(3), "order": "o1"},
        {
            "type": "purchase",
            "id": "o2",
            "at": _when(16),
            "currency": "CNY",
            "lines": [line],
            "attributes": _PII,
        },
        {"type": "redemption", "id": "x1", "at": _when(17), "points": 100, "order_amount": "500"},
        {"type": "benefit_use", "id": "b1", "at": _when(18), "benefit": "birthday-gift"},
    ]


def _bad_events() -> list[dict[str, Any]]:
    """Events refused for a reason, each carrying personal data somewhere."""
    good = _events()[1]
    return [
        {**good, "id": "e1", "currency": "USD"},
        {**good, "id": "e2", "lines": [{**good["lines"][0], "amount": "1.001"}]},
        {**good, "id": "o2", "at": _when(20)},  # the id of an applied order, other content
        {"type": "refund", "id": "e3", "at": _when(20), "order": "o404"},
        {"type": "profile", "id": "e4", "at": _when(20), "birthday": "9987-05-29"},
        {"type": "profile", "id": "e5", "at": _when(20), "birthday": "1987-02-30"},
        {**good, "id": "e6", "attributes": {**_PII, "note": "x" * 300}},
        {**good, "id": "e7", "at": _when(-30)},  # older than the member's last event
        {"type": "redemption", "id": "e8", "at": _when(20), "points": 10**9, "order_amount": "9"},
    ]


def _texts(policy: memberkit.Policy) -> Iterator[str]:
    state = memberkit.new_member("m-42", datetime(2026, 1, 1, tzinfo=SHANGHAI))
    outcomes = []
    for raw in _events():
        event = memberkit.parse_event(raw)
        if isinstance(event, memberkit.BenefitUse) and policy.at(event.at).benefits is None:
            continue
        state, outcome = memberkit.apply(policy, state, event)
        outcomes.append(outcome)
    assert state.birthday == BIRTHDAY
    moment = datetime(2026, 5, 25, tzinfo=SHANGHAI)
    decisions: list[Any] = [*outcomes]
    if policy.at(moment).tiers is not None:
        decisions += [
            memberkit.tier_of(policy, state, moment),
            memberkit.progress(policy, state, moment),
        ]
    if policy.at(moment).points is not None:
        decisions.append(memberkit.balance(policy, state, moment))
        quote = memberkit.parse_event({**_events()[1], "id": "q1", "at": _when(25)})
        assert isinstance(quote, memberkit.Purchase)
        decisions.append(memberkit.quote_points(policy, state, quote))
    decisions += list(memberkit.entitlements(policy, state, moment).items)
    if policy.at(moment).lifecycle is not None:
        decisions.append(memberkit.lifecycle_stage(policy, state, moment))
    for decision in decisions:
        for locale in LOCALES:
            yield decision.explain(locale)
        yield repr([dict(r.params) for r in decision.reasons])
    for raw in _bad_events():
        try:
            state, outcome = memberkit.apply(policy, state, memberkit.parse_event(raw))
        except memberkit.EventError as exc:
            yield str(exc)
        else:
            assert outcome.refused, raw["id"]
            for locale in LOCALES:
                yield outcome.explain(locale)


@pytest.mark.parametrize("programme", ["retail", "ecommerce"])
def test_no_personal_data_in_messages_or_explanations(programme: str) -> None:
    """No explanation, reason or error message shows the member's phone, e-mail or birthday."""
    texts = list(_texts(_policy(programme)))
    assert len(texts) > 40
    leaks = [(value, text) for text in texts for value in PERSONAL if value in text]
    assert leaks == []


def test_errors_name_the_event_and_the_member_can_be_found() -> None:
    """A refused event's error names the event id, which leads back to the member's records."""
    with pytest.raises(memberkit.EventError) as caught:
        memberkit.parse_event(_bad_events()[4])
    assert caught.value.event_id == "e4"
    assert caught.value.field == "birthday"
