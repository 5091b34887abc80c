"""Queries: may this member use a benefit now, and which benefits do they have at all."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from .._errors import EventError
from .._facts import event_values
from .._limits import memberkit_context
from .._reasons import Reason
from .._state import MemberState
from ._decide import decide
from ._decisions import BenefitDecision, Entitlements

if TYPE_CHECKING:
    from .._compiled import CompiledProgram, Policy
    from .._events import Event

__all__ = ["check_benefit", "context_values", "entitlements"]

Context = Mapping[str, object]


def context_values(context: Context | Event | None) -> dict[str, object]:
    """The event fields a condition reads, from an event or a mapping of field names to values.

    In a mapping, lists and sets become sets (for ``category``, ``sku``, ``tags``) and floats
    become exact decimals, so ``{"category": ["gift_card"], "amount": 99.9}`` reads as written.
    """
    if context is None:
        return {}
    if not isinstance(context, Mapping):
        return event_values(context)
    values: dict[str, object] = {}
    for key, value in context.items():
        if isinstance(value, list | tuple | set | frozenset):
            value = frozenset(value)
        elif isinstance(value, float):
            value = Decimal(str(value))
        values[key] = value
    return values


def _aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise EventError("-", "as_of has no timezone offset", field="as_of", code="naive_datetime")


def _tier_at(program: CompiledProgram, state: MemberState, as_of: datetime) -> str | None:
    """The tier in force at ``as_of``, after the reviews time alone brings up to then."""
    # Imported here: the tiers engine imports the compiled policy, which imports this package.
    from ..tiers._engine import advance

    if state.clock is None or as_of >= state.clock:
        state, _ = advance(program, state, as_of)
    return state.tiers.tier_at(as_of)


@memberkit_context
def check_benefit(
    policy: Policy,
    state: MemberState,
    benefit_id: str,
    as_of: datetime,
    context: Context | Event | None = None,
) -> BenefitDecision:
    """Whether the member may use ``benefit_id`` at ``as_of``, how much is left, and why.

    ``context`` describes the order or request at hand (an event, or field values such as
    ``{"channel": "app", "category": ["shoes"]}``) for conditions that read it; without it such a
    condition cannot be known to hold. An unknown benefit id raises ``EventError``.
    """
    _aware(as_of)
    program = policy.at(as_of)
    benefits = program.benefits
    benefit = benefits.get(benefit_id) if benefits is not None else None
    if benefit is None:
        known = tuple(benefits.by_id) if benefits is not None else ()
        raise EventError(
            "-", unknown_benefit_message(benefit_id, known), field="benefit", code="unknown_benefit"
        )
    tier = _tier_at(program, state, as_of)
    return decide(program.info, benefit, state, as_of, tier, context_values(context))


@memberkit_context
def entitlements(policy: Policy, state: MemberState, as_of: datetime) -> Entitlements:
    """Every benefit of the programme for the member at ``as_of``, allowed or not, with reasons."""
    _aware(as_of)
    program = policy.at(as_of)
    tier = _tier_at(program, state, as_of)
    items = tuple(
        decide(program.info, benefit, state, as_of, tier, {})
        for benefit in (program.benefits.items if program.benefits is not None else ())
    )
    reasons: tuple[Reason, ...] = tuple(r for item in items for r in item.reasons)
    return Entitlements(as_of, items, reasons, program.info.locale)


def unknown_benefit_message(benefit_id: str, known: tuple[str, ...]) -> str:
    """'unknown benefit' with the nearest known id, or the list of ids when none is near."""
    close = difflib.get_close_matches(benefit_id, list(known), n=1, cutoff=0.6)
    if close:
        return f"unknown benefit {benefit_id!r}; did you mean {close[0]!r}?"
    if known:
        return f"unknown benefit {benefit_id!r} (benefits: {', '.join(known)})"
    return f"unknown benefit {benefit_id!r}: the programme declares no benefits"
