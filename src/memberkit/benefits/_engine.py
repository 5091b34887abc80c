"""How the benefits part reacts to time passing and to events.

Time alone changes nothing here: quotas renew because what is left is always computed from the
recorded uses and the period holding the moment asked about. The one event that concerns benefits
is ``BenefitUse``: it is checked against the tier now in force and refused, with the reasons, when
the member is not entitled or the quota is spent.
"""

from __future__ import annotations

from datetime import datetime

from .._compiled import CompiledProgram
from .._context import ApplyContext, Refused
from .._errors import EventError
from .._events import BenefitUse
from .._reasons import Reason
from .._state import MemberState
from ..tiers._engine import current_tier
from ._compile import CompiledBenefit, decimal_places
from ._decide import decide, quota_reasons, use_key
from ._query import context_values, unknown_benefit_message
from ._state import BenefitState, BenefitUseRecord

__all__ = ["advance", "on_event"]


def advance(
    program: CompiledProgram, state: MemberState, until: datetime
) -> tuple[MemberState, list[Reason]]:
    """Apply what time alone brings about up to ``until``: nothing, quotas are derived."""
    return state, []


def on_event(ctx: ApplyContext, state: MemberState) -> tuple[MemberState, list[Reason]]:
    """Record a benefit use the member is entitled to; refuse it with reasons otherwise."""
    event = ctx.event
    if not isinstance(event, BenefitUse):
        return state, []
    benefit = _benefit(ctx.program, event)
    _check_value(ctx.program, benefit, event)
    context = context_values(event)
    keys = []
    for quota in benefit.quotas:
        key = use_key(quota, context)
        if quota.each is not None and key is None:
            raise EventError(
                event.id,
                f"benefit {benefit.id!r} is counted for each {quota.each}; give "
                f"attributes.{quota.each} (which {quota.each} this use is for)",
                field=f"attributes.{quota.each}",
                code="missing_attribute",
            )
        if quota.each is not None and key is not None:
            keys.append((quota.each, key))
    info = ctx.program.info
    tier = current_tier(state)
    decision = decide(
        info, benefit, state, event.at, tier, context_values(event), requested=event.value
    )
    if not decision.allowed:
        raise Refused(*decision.reasons)
    record = BenefitUseRecord(event.id, benefit.id, event.at, event.value, tuple(keys))
    new = state.evolve(benefits=BenefitState((*state.benefits.uses, record)))
    after = decide(info, benefit, new, event.at, tier, context_values(event))
    reasons = [Reason.of("benefit.used", benefit.path, name=benefit.name)]
    reasons.extend(quota_reasons(info, benefit, after.quotas))
    return new, reasons


def _benefit(program: CompiledProgram, event: BenefitUse) -> CompiledBenefit:
    benefits = program.benefits
    benefit = benefits.get(event.benefit) if benefits is not None else None
    if benefit is None:
        known = tuple(benefits.by_id) if benefits is not None else ()
        raise EventError(
            event.id,
            unknown_benefit_message(event.benefit, known),
            field="benefit",
            code="unknown_benefit",
        )
    return benefit


def _check_value(program: CompiledProgram, benefit: CompiledBenefit, event: BenefitUse) -> None:
    if not any(q.unit == "value" for q in benefit.quotas):
        return
    if event.value is None or event.value == 0:
        raise EventError(
            event.id,
            f"benefit {benefit.id!r} is capped by value; give the value "
            "this use takes (more than 0)",
            field="value",
            code="missing_value",
        )
    decimals = program.info.currency_decimals
    if decimal_places(event.value) > decimals:
        raise EventError(
            event.id,
            f"value {event.value} has more decimals than "
            f"{program.info.currency} allows ({decimals})",
            field="value",
            code="too_many_decimals",
        )
