"""Queries: may this member use a benefit now, and which benefits do they have at all."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from .._errors import EventError
from .._facts import event_values
from .._limits import memberkit_context
from .._reasons import Reason
from .._state import MemberState
from ._compile import CompiledBenefit
from ._decide import decide
from ._decisions import BenefitDecision, BenefitWindow, Entitlements

if TYPE_CHECKING:
    from .._compiled import CompiledProgram, Policy
    from .._events import Event

__all__ = ["benefit_window", "check_benefit", "context_values", "entitlements"]

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


def _at(policy: Policy, state: MemberState, as_of: datetime) -> MemberState:
    """The member at ``as_of`` (the core's agenda; a moment before the last event is refused)."""
    from .._agenda import state_at

    return state_at(policy, state, as_of)


def _benefit(program: CompiledProgram, benefit_id: str) -> CompiledBenefit:
    """The benefit with this id in the version in force; an unknown id is an ``EventError``."""
    benefits = program.benefits
    benefit = benefits.get(benefit_id) if benefits is not None else None
    if benefit is None:
        known = tuple(benefits.by_id) if benefits is not None else ()
        raise EventError(
            "-", unknown_benefit_message(benefit_id, known), field="benefit", code="unknown_benefit"
        )
    return benefit


def _aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise EventError("-", "as_of has no timezone offset", field="as_of", code="naive_datetime")


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
    benefit = _benefit(program, benefit_id)
    now = _at(policy, state, as_of)
    tier = now.tiers.tier_at(as_of)
    return decide(program.info, benefit, now, as_of, tier, context_values(context))


@memberkit_context
def entitlements(policy: Policy, state: MemberState, as_of: datetime) -> Entitlements:
    """Every benefit of the programme for the member at ``as_of``, allowed or not, with reasons."""
    _aware(as_of)
    program = policy.at(as_of)
    state = _at(policy, state, as_of)
    tier = state.tiers.tier_at(as_of)
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


_CALENDAR_FAILURES = frozenset(
    {
        "benefit.not_yet_valid",
        "benefit.expired",
        "benefit.condition_failed",
        "benefit.outside_birthday_window",
    }
)
"""Refusals that depend on the day: outside the validity dates, a condition such as the
birthday month not met, or outside the birthday window. Tier and quota refusals are the
member's, not the calendar's."""


@memberkit_context
def benefit_window(
    policy: Policy,
    state: MemberState,
    benefit_id: str,
    as_of: datetime,
    *,
    days: int = 400,
) -> BenefitWindow:
    """When ``benefit_id`` opens and closes for the member, looking ``days`` days ahead.

    Each day is judged by the same decision ``check_benefit`` makes (at the start of the day,
    at ``as_of`` for the day asked), so the window and the checkout answer never disagree about
    a day. A birthday-month gift asked on 20 Oct for a November birthday opens on 1 Nov and
    closes on 30 Nov.
    """
    _aware(as_of)
    program = policy.at(as_of)
    benefit = _benefit(program, benefit_id)
    info = program.info
    now = _at(policy, state, as_of)
    tier = now.tiers.tier_at(as_of)
    today = info.local_date(as_of)
    opens = None
    closes = None
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        moment = as_of if offset == 0 else datetime(day.year, day.month, day.day, tzinfo=info.tz)
        found = decide(info, benefit, now, moment, tier, {})
        calendar_ok = not any(r.code in _CALENDAR_FAILURES for r in found.reasons)
        if calendar_ok and opens is None:
            opens = day
        elif not calendar_ok and opens is not None:
            closes = day - timedelta(days=1)
            break
    open_now = opens == today
    if opens is None:
        reasons = [Reason.of("benefit.window_none", benefit.path, name=benefit.name, days=days)]
    elif closes is None:
        reasons = [Reason.of("benefit.window_open", benefit.path, name=benefit.name, opens=opens)]
    else:
        reasons = [
            Reason.of("benefit.window", benefit.path, name=benefit.name, opens=opens, closes=closes)
        ]
    return BenefitWindow(benefit_id, as_of, open_now, opens, closes, tuple(reasons), info.locale)
