"""A member brought in mid-story: the tier held elsewhere placed on the ladder, with the figures.

A programme migrating its members, or taking over another's, knows each member's status, how long
it runs, and the figures so far this year. The ``opening`` event carries them, and the ladder
treats the tier like one it awarded: held until its term ends, then reviewed by the retention
rules (soft landing, grace period, lifetime) on the figures of the window, opening figures
included. The opening figures count as if earned at the opening moment, in every window holding
it, and leave a rolling window when that moment does.
"""

from __future__ import annotations

import difflib
from datetime import datetime, timedelta
from decimal import Decimal

from .._errors import EventError
from .._events import Opening
from .._program import ProgramInfo
from .._reasons import Reason
from .._state import MemberState
from ._compile import CompiledTier, CompiledTiers
from ._history import earn, validity_for, with_tiers
from ._ladder import TICK
from ._state import OpeningRecord
from ._windows import midnight

__all__ = ["open_member"]


def open_member(
    ct: CompiledTiers,
    info: ProgramInfo,
    state: MemberState,
    event: Opening,
    reasons: list[Reason],
) -> MemberState:
    """Place a member brought in mid-story: the opening tier, its term, the opening figures."""
    tier = _tier(ct, event)
    figures = _figures(ct, info, event)
    if tier.rank == 0 and event.through is not None:
        raise EventError(
            event.id,
            f"{tier.id!r} is the base tier, held without a term: leave out 'through', or name "
            "the tier the member holds in 'tier'",
            field="through",
            code="opening_base_through",
        )
    valid: datetime | None
    if event.through is not None:
        # "Gold through 31 Mar 2027": held until that day ends on the programme's calendar.
        valid = midnight(event.through + timedelta(days=1), info.tz)
    else:
        valid = validity_for(tier, info, event.at)
    state = with_tiers(state, opening=OpeningRecord(event.id, event.at, figures))
    reasons.append(Reason.of("tier.opened", tier.path, tier=tier.name, at=event.at))
    if valid is not None:
        reasons.append(
            Reason.of(
                "tier.valid_until", tier.path, tier=tier.name, until=info.local_date(valid - TICK)
            )
        )
    if tier.rank == 0:
        return state
    return earn(ct, state, event.at, tier, "opening", valid, event.id, [])


def _tier(ct: CompiledTiers, event: Opening) -> CompiledTier:
    if event.tier is None:
        return ct.base
    tier = ct.by_id.get(event.tier)
    if tier is None:
        ladder = [t.id for t in ct.ladder]
        close = difflib.get_close_matches(event.tier, ladder, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else f" (tiers: {', '.join(ladder)})"
        raise EventError(
            event.id, f"unknown tier {event.tier!r}{hint}", field="tier", code="unknown_tier"
        )
    if tier.paid:
        raise EventError(
            event.id,
            f"{tier.id!r} is a paid tier, not a step of the ladder: open the member on the "
            "ladder and give the paid period with a tier_grant event (reason: paid)",
            field="tier",
            code="opening_paid_tier",
        )
    return tier


def _figures(
    ct: CompiledTiers, info: ProgramInfo, event: Opening
) -> tuple[tuple[str, Decimal], ...]:
    out: list[tuple[str, Decimal]] = []
    for name, value in event.figures.items():
        measure = ct.measures.get(name)
        if measure is None:
            known = list(ct.measures)
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else f" (measures: {', '.join(known)})"
            raise EventError(
                event.id,
                f"unknown measure {name!r} in figures{hint}",
                field="figures",
                code="unknown_measure",
            )
        if measure.whole and value != value.to_integral_value():
            raise EventError(
                event.id,
                f"the figure of {name!r} counts {measure.of}: give a whole number, not {value}",
                field="figures",
                code="opening_fraction",
            )
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        if measure.money and places > info.currency_decimals:
            raise EventError(
                event.id,
                f"the figure of {name!r} is an amount of {info.currency}, which has "
                f"{info.currency_decimals} decimals: give at most that many, not {value}",
                field="figures",
                code="opening_decimals",
            )
        if measure.counts_opening_balance and measure.currency in event.balances:
            raise EventError(
                event.id,
                f"measure {name!r} already counts the opening balance of "
                f"{measure.currency!r}: give its figure once, in 'figures' or as the balance",
                field="figures",
                code="opening_counted_twice",
            )
        out.append((name, value))
    return tuple(out)
