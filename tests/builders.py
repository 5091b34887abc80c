"""Builders shared by the tests: policies, members and events with sensible defaults."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import memberkit
from memberkit import Policy

SHANGHAI = ZoneInfo("Asia/Shanghai")

PROGRAM = "program: {id: test, currency: CNY, timezone: Asia/Shanghai, locale: zh_Hans}\n"


def policy(body: str = "", *, source: str = "test.yaml") -> Policy:
    """A policy with the standard test programme section followed by ``body`` (YAML)."""
    return memberkit.parse_policy("memberkit: 1\n" + PROGRAM + body, source=source)


def at(
    year: int, month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0
) -> datetime:
    """A moment on the Shanghai wall clock."""
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def member(
    member_id: str = "m1", joined: datetime | None = None, **kw: Any
) -> memberkit.MemberState:
    """A newly joined member (1 Jan 2026, Shanghai, unless told otherwise)."""
    return memberkit.new_member(member_id, joined or at(2026, 1, 1, 0, 0), **kw)


def purchase(
    event_id: str,
    when: datetime,
    *lines: tuple[str, str, str] | tuple[str, str, str, int],
    **kw: Any,
) -> memberkit.Purchase:
    """A purchase with lines given as (line id, category, amount[, quantity])."""
    built = []
    for spec in lines or (("l1", "general", "100"),):
        line: dict[str, Any] = {"id": spec[0], "category": spec[1], "amount": Decimal(spec[2])}
        if len(spec) > 3:
            line["quantity"] = spec[3]
        built.append(line)
    data = {"type": "purchase", "id": event_id, "at": when, "currency": "CNY", "lines": built, **kw}
    event = memberkit.parse_event(data)
    assert isinstance(event, memberkit.Purchase)
    return event


def refund(
    event_id: str, when: datetime, order: str, *lines: tuple[str, int | None]
) -> memberkit.Refund:
    """A refund of some lines (line id, quantity or None for the rest) or, with none, the order."""
    data: dict[str, Any] = {
        "type": "refund",
        "id": event_id,
        "at": when,
        "order": order,
        "lines": [{"line": lid, "quantity": q} for lid, q in lines],
    }
    event = memberkit.parse_event(data)
    assert isinstance(event, memberkit.Refund)
    return event


def activity(event_id: str, when: datetime, kind: str, **kw: Any) -> memberkit.Activity:
    """An activity such as a check-in or a referral."""
    event = memberkit.parse_event(
        {"type": "activity", "id": event_id, "at": when, "kind": kind, **kw}
    )
    assert isinstance(event, memberkit.Activity)
    return event


def days(n: int) -> timedelta:
    """A span of whole days."""
    return timedelta(days=n)


def state_on(
    p: Policy,
    events: list[memberkit.Event] | tuple[memberkit.Event, ...],
    when: datetime,
    start: memberkit.MemberState | None = None,
) -> memberkit.MemberState:
    """The member replayed with the events dated up to ``when`` (how to ask about a past moment)."""
    known = [e for e in events if e.at <= when]
    return memberkit.replay(p, start or member(), known, as_of=when)


def without_horizons(text: str) -> str:
    """A policy text with its ``program.refund_days`` and ``journal_days`` lines left out."""
    return "".join(
        line
        for line in text.splitlines(keepends=True)
        if not line.startswith(("  refund_days:", "  journal_days:"))
    )
