"""Reaching the compiled lifecycle section of a policy, and checking the moment asked about."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .._compiled_base import CheckContext
from .._errors import EventError
from .._state import MemberState
from ._compile import CompiledLifecycle, compile_lifecycle
from ._model import LifecycleSection

if TYPE_CHECKING:
    from .._compiled import Policy

__all__ = ["aware", "brought_to", "lifecycle_of", "tier_held_at"]


def aware(moment: datetime, name: str = "as_of") -> None:
    """Refuse a naive moment: a calendar question needs to know which instant is meant."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise EventError("-", f"{name} has no timezone offset", field=name, code="naive_datetime")


def lifecycle_of(policy: Policy, as_of: datetime) -> CompiledLifecycle:
    """The lifecycle section in force at ``as_of``; the defaults when the policy has none."""
    program = policy.at(as_of)
    if program.lifecycle is not None:
        return program.lifecycle
    # Summaries, RFM and KPIs make sense without a lifecycle section; stages do not exist then.
    from ..policy._ids import declared_ids

    ids = declared_ids(policy.document)
    ctx = CheckContext(
        info=program.info, tier_ids=ids["tier_ids"], currency_ids=ids["currency_ids"]
    )
    return compile_lifecycle(LifecycleSection(), program.info, ctx)


def brought_to(policy: Policy, state: MemberState, moment: datetime) -> MemberState:
    """The member at ``moment``, with everything time brought by then carried out.

    A stored state stops at the member's last event; the tier a review took away since must not
    still select the member for an audience of card holders, nor points that expired count. A
    moment before the state's last event is refused (``AsOfError``), like every query.
    """
    from .._agenda import state_at

    return state_at(policy, state, moment)


def tier_held_at(policy: Policy, state: MemberState, moment: datetime) -> str | None:
    """The ladder tier in force at ``moment``, for counts over a period that may have ended.

    The tier history records every change with its moment, so a moment before the last event
    is read from it exactly; a later one is brought forward like any query.
    """
    if state.clock is not None and moment < state.clock:
        return state.tiers.tier_at(moment)
    return brought_to(policy, state, moment).tiers.tier_at(moment)
