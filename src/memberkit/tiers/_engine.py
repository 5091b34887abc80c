"""How the tiers part reacts to time passing and to events."""

from __future__ import annotations

from datetime import datetime

from .._compiled import CompiledProgram
from .._context import ApplyContext
from .._reasons import Reason
from .._state import MemberState

__all__ = ["advance", "current_tier", "on_event"]


def advance(
    program: CompiledProgram, state: MemberState, until: datetime
) -> tuple[MemberState, list[Reason]]:
    """Apply what time alone brings about up to ``until`` (reviews, expiry)."""
    return state, []


def on_event(ctx: ApplyContext, state: MemberState) -> tuple[MemberState, list[Reason]]:
    """React to the event in ``ctx``; the core has already recorded orders and activities."""
    return state, []


def current_tier(state: MemberState) -> str | None:
    """The tier id recorded as in force in the state (None before any tier is recorded)."""
    return state.tiers.current
