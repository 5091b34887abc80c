"""Builders for the points tests: a policy from a `points:` body, members in a tier, events.

The policy is compiled here rather than through ``parse_policy`` so the tests pin the points part
alone: the retail ladder's tier ids are declared directly instead of through a `tiers:` section.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.benefits.builders import program
from tests.builders import at

import memberkit
from memberkit import MemberState, Policy
from memberkit._compiled import CompiledProgram
from memberkit._compiled_base import CheckContext
from memberkit._paths import Finding
from memberkit._program import ProgramInfo
from memberkit.points import PointsSection
from memberkit.points._compile import check_points, compile_points
from memberkit.policy import PolicyDocument
from memberkit.policy._yaml import read_yaml
from memberkit.tiers._state import TierChange, TierState

TIERS = ("basic", "silver", "gold", "platinum")


def section(body: str) -> PointsSection:
    """The points section validated from YAML, read as the policy loader reads it."""
    return PointsSection.model_validate(read_yaml(body, "points.yaml").data)


def findings(body: str, *, tiers: tuple[str, ...] = TIERS) -> list[Finding]:
    """What the cross-checks say about a points section."""
    info = ProgramInfo.from_section(program())
    return check_points(section(body), CheckContext(info=info, tier_ids=tiers))


def points_policy(body: str, *, tiers: tuple[str, ...] = TIERS, currency: str = "CNY") -> Policy:
    """A policy whose only part is the points section ``body`` (YAML), checked and compiled."""
    parsed = section(body)
    head = program(currency=currency)
    info = ProgramInfo.from_section(head)
    ctx = CheckContext(info=info, tier_ids=tiers)
    problems = check_points(parsed, ctx)
    assert problems == [], problems
    compiled = compile_points(parsed, info, ctx)
    document = PolicyDocument(memberkit=1, program=head, points=parsed)
    version = CompiledProgram(info=info, tiers=None, points=compiled, benefits=None, lifecycle=None)
    return Policy(source="points.yaml", document=document, versions=(version,))


def member(tier: str | None = None, *, joined: datetime | None = None, **kw: Any) -> MemberState:
    """A member who joined (1 Jan 2026 by default) in ``tier``, held since joining."""
    since = joined or at(2026, 1, 1, 0, 0)
    state = memberkit.new_member("m1", since, **kw)
    if tier is None:
        return state
    return state.evolve(tiers=TierState((TierChange(since, tier, "initial"),)))


def event(kind: str, event_id: str, when: datetime, **kw: Any) -> memberkit.Event:
    """Any event by its type name (redemption, transfer, adjustment...)."""
    return memberkit.parse_event({"type": kind, "id": event_id, "at": when, **kw})


def applied(policy: Policy, state: MemberState, *events: memberkit.Event) -> MemberState:
    """Apply events that must all be accepted."""
    for item in events:
        state, outcome = memberkit.apply(policy, state, item)
        assert outcome.accepted, outcome.reasons
    return state


def total(state: MemberState, currency: str = "points") -> int:
    """The sum of the journal of one currency."""
    return sum(int(e.points) for e in state.points.journal if e.currency == currency)
