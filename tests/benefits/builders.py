"""Builders for the benefits tests: a policy compiled from a `benefits:` list, members with a tier.

The policy is compiled here rather than through ``parse_policy`` so the tests pin the benefits part
alone: a ladder of tier ids is declared directly instead of through a `tiers:` section.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

import yaml
from tests.builders import at

import memberkit
from memberkit import MemberState, Policy
from memberkit._compiled import CompiledProgram
from memberkit._compiled_base import CheckContext
from memberkit._paths import Finding
from memberkit._program import ProgramInfo, ProgramSection
from memberkit.benefits import BenefitsSection
from memberkit.benefits._compile import check_benefits, compile_benefits
from memberkit.policy import PolicyDocument
from memberkit.tiers._state import TierChange, TierState

TIERS = ("basic", "silver", "gold", "platinum")


class _Loader(yaml.SafeLoader):
    """YAML as the policy loader reads it: exact decimals, dates left as text."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor(
    "tag:yaml.org,2002:float",
    lambda loader, node: Decimal(loader.construct_scalar(node)),  # type: ignore[arg-type]
)


def section(body: str) -> BenefitsSection:
    """The benefits section validated from a YAML list."""
    return BenefitsSection.model_validate(yaml.load(body, Loader=_Loader))


def program(
    *, leap_birthday: Literal["feb28", "mar1"] = "feb28", currency: str = "CNY"
) -> ProgramSection:
    """The test programme: Shanghai time, Chinese by default."""
    return ProgramSection(
        id="test",
        currency=currency,
        timezone="Asia/Shanghai",
        locale="zh_Hans",
        leap_birthday=leap_birthday,
    )


def findings(body: str, *, tiers: tuple[str, ...] = TIERS, currency: str = "CNY") -> list[Finding]:
    """What the cross-checks say about a benefits list."""
    info = ProgramInfo.from_section(program(currency=currency))
    return check_benefits(section(body), CheckContext(info=info, tier_ids=tiers))


def benefits_policy(
    body: str,
    *,
    tiers: tuple[str, ...] = TIERS,
    leap_birthday: Literal["feb28", "mar1"] = "feb28",
) -> Policy:
    """A policy whose only part is the benefits list ``body`` (YAML), checked and compiled."""
    parsed = section(body)
    head = program(leap_birthday=leap_birthday)
    info = ProgramInfo.from_section(head)
    ctx = CheckContext(info=info, tier_ids=tiers)
    problems = check_benefits(parsed, ctx)
    assert problems == [], problems
    compiled = compile_benefits(parsed, info, ctx)
    document = PolicyDocument(memberkit=1, program=head, benefits=parsed)
    version = CompiledProgram(info=info, tiers=None, points=None, benefits=compiled, lifecycle=None)
    return Policy(source="benefits.yaml", document=document, versions=(version,))


def member(
    tier: str | None = None,
    *,
    joined: datetime | None = None,
    birthday: date | None = None,
) -> MemberState:
    """A member who joined (1 Jan 2026 by default) in ``tier``, held since joining."""
    since = joined or at(2026, 1, 1, 0, 0)
    state = memberkit.new_member("m1", since, birthday=birthday)
    if tier is None:
        return state
    return state.evolve(tiers=TierState((TierChange(since, tier, "initial"),)))


def use(event_id: str, when: datetime, benefit: str, **kw: Any) -> memberkit.BenefitUse:
    """A benefit use event."""
    data = {"type": "benefit_use", "id": event_id, "at": when, "benefit": benefit, **kw}
    event = memberkit.parse_event(data)
    assert isinstance(event, memberkit.BenefitUse)
    return event


def used(policy: Policy, state: MemberState, *events: memberkit.BenefitUse) -> MemberState:
    """Apply uses that must all be accepted."""
    for event in events:
        state, outcome = memberkit.apply(policy, state, event)
        assert outcome.accepted, outcome.reasons
    return state


def codes(reasons: tuple[memberkit.Reason, ...]) -> list[str]:
    """The reason codes, in order."""
    return [r.code for r in reasons]
