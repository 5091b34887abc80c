"""How the points part reacts to time passing and to events."""

from __future__ import annotations

from datetime import datetime

from .._compiled import CompiledProgram
from .._context import ApplyContext
from .._reasons import Reason
from .._state import MemberState

__all__ = ["advance", "on_event", "on_tier_change"]


def advance(
    program: CompiledProgram, state: MemberState, until: datetime
) -> tuple[MemberState, list[Reason]]:
    """Apply what time alone brings about up to ``until`` (reviews, expiry)."""
    return state, []


def on_event(ctx: ApplyContext, state: MemberState) -> tuple[MemberState, list[Reason]]:
    """React to the event in ``ctx``; the core has already recorded orders and activities."""
    return state, []


def on_tier_change(
    ctx: ApplyContext, state: MemberState, old: str | None, new: str | None
) -> tuple[MemberState, list[Reason]]:
    """React to a tier change caused by the event (upgrade bonus, expiry extension)."""
    return state, []
