"""Builders for the tiers tests: ladders as YAML, growth-value journal entries, grants."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from tests.builders import policy

import memberkit
from memberkit import MemberState, Policy
from memberkit.points._state import JournalEntry, PointsState

RETAIL = """
tiers:
  window: {window}
  ladder:
    - {{id: basic, name: {{zh_Hans: 普通会员, en: Member}}}}
    - {{id: silver, name: {{zh_Hans: 银卡会员, en: Silver}}, qualify: {{any: [{{spend: 2000}}, {{orders: 6}}]}}}}
    - id: gold
      name: {{zh_Hans: 金卡会员, zh_Hant: 金卡會員, en: Gold}}
      qualify: {{any: [{{spend: 8000}}, {{orders: 20}}]}}
      retain: {{spend: 6000}}
    - {{id: platinum, name: {{zh_Hans: 白金会员, en: Platinum}}, qualify: {{spend: 20000}}, retain: {{spend: 15000}}}}
"""


def ladder(extra: str = "", *, window: str = "calendar_year") -> Policy:
    """The four-step retail ladder (2000/8000/20000 spend, or 6/20 orders) plus ``extra`` keys."""
    return policy(RETAIL.format(window=window) + extra)


def tiers_yaml(body: str) -> Policy:
    """A policy with the test programme and a `tiers:` section given as indented YAML."""
    return policy("tiers:\n" + body)


def with_growth(state: MemberState, *entries: tuple[datetime, int]) -> MemberState:
    """The state with growth-value journal entries (kind earn) added, as the points part would."""
    journal = list(state.points.journal)
    for i, (when, points) in enumerate(entries):
        kind = "earn" if points >= 0 else "reverse"
        journal.append(JournalEntry(when, f"g{len(journal) + i}", "growth", kind, points, "growth"))
    return state.evolve(points=PointsState(journal=tuple(journal)))


def grant(event_id: str, when: datetime, tier: str, **kw: Any) -> memberkit.TierGrant:
    """A TierGrant event (reason manual unless told otherwise)."""
    event = memberkit.parse_event(
        {"type": "tier_grant", "id": event_id, "at": when, "tier": tier, **kw}
    )
    assert isinstance(event, memberkit.TierGrant)
    return event


def amount(text: str) -> Decimal:
    """An exact decimal."""
    return Decimal(text)


PAID = (
    "  paid:\n"
    "    - {id: plus, name: PLUS会员, months: 12}\n"
    "    - {id: club, name: {zh_Hans: 俱乐部, en: Club}, months: 1, placement: alongside}\n"
)
"""Paid tiers for ``ladder``: plus (12 months, above the ladder), club (1 month, alongside)."""


def club_member(p: Policy, *events: memberkit.Event) -> MemberState:
    """A member (joined 1 Jan 2026) who spent 2,000 on 1 Feb (silver) and bought club on 1 Mar."""
    from tests.builders import at, member, purchase

    first = (
        purchase("o1", at(2026, 2, 1), ("l1", "general", "2000")),
        grant("club1", at(2026, 3, 1), "club", reason="paid"),
    )
    return memberkit.replay(p, member(), (*first, *events))
