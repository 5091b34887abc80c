"""Builders for the programme tests: policies from a programme's YAML, and its typical events."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import memberkit
from memberkit import MemberState, Policy


def programme(text: str, name: str) -> Policy:
    """A programme's policy, loaded as a host would load it (``name`` shows in error locations)."""
    return memberkit.parse_policy(text, source=f"{name}.yaml")


def wall(tz: str) -> Any:
    """A maker of moments on the wall clock of ``tz``: ``wall("Asia/Shanghai")(2026, 3, 1)``."""
    zone = ZoneInfo(tz)

    def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
        return datetime(year, month, day, hour, minute, tzinfo=zone)

    return at


def joined(member_id: str, when: datetime, **kw: Any) -> MemberState:
    """A member who joined at ``when``."""
    return memberkit.new_member(member_id, when, **kw)


def activity(event_id: str, when: datetime, kind: str, **attributes: Any) -> memberkit.Activity:
    """An activity of ``kind`` with custom attributes (numbers as int or Decimal)."""
    event = memberkit.parse_event(
        {"type": "activity", "id": event_id, "at": when, "kind": kind, "attributes": attributes}
    )
    assert isinstance(event, memberkit.Activity)
    return event


def order(
    event_id: str, when: datetime, amount: str, *, currency: str = "CNY", category: str = "general"
) -> memberkit.Purchase:
    """A one-line purchase of ``amount``."""
    event = memberkit.parse_event(
        {
            "type": "purchase",
            "id": event_id,
            "at": when,
            "currency": currency,
            "lines": [{"id": "l1", "category": category, "amount": Decimal(amount)}],
        }
    )
    assert isinstance(event, memberkit.Purchase)
    return event


def use(event_id: str, when: datetime, benefit: str, **attributes: Any) -> memberkit.BenefitUse:
    """A benefit use, with attributes such as the stay it is for."""
    event = memberkit.parse_event(
        {
            "type": "benefit_use",
            "id": event_id,
            "at": when,
            "benefit": benefit,
            "attributes": attributes,
        }
    )
    assert isinstance(event, memberkit.BenefitUse)
    return event


def paid(event_id: str, when: datetime, tier: str) -> memberkit.TierGrant:
    """A paid tier bought at ``when`` (its period comes from the policy)."""
    event = memberkit.parse_event(
        {"type": "tier_grant", "id": event_id, "at": when, "tier": tier, "reason": "paid"}
    )
    assert isinstance(event, memberkit.TierGrant)
    return event


def applied(policy: Policy, state: MemberState, *events: memberkit.Event) -> MemberState:
    """The state after events that must all be accepted."""
    for event in events:
        state, outcome = memberkit.apply(policy, state, event)
        assert outcome.accepted, outcome.reasons
    return state
