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

__all__ = ["aware", "brought_to", "lifecycle_of"]


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
    """The state with the tier reviews due by ``moment`` carried out.

    A stored state stops at the member's last event; the tier a review took away since must not
    still select the member for an audience of card holders. A moment before the state's clock
    is read from the history as recorded. Only the tiers are brought forward: points figures
    read lots by their expiry dates, which need no expiry run.
    """
    if state.clock is not None and moment < state.clock:
        return state
    program = policy.at(moment)
    ct = program.tiers
    if ct is None:
        return state
    held = state.tiers.earned_change
    if (
        ct.upgrade == "immediate"
        and (held is None or held.tier == ct.base.id)
        and not state.tiers.grants
        and state.tiers.pending is None
    ):
        # A member in the base tier with nothing granted: reviews move no one up when upgrades
        # are immediate, so there is nothing to bring forward (most of a population, cheaply).
        return state
    # Imported here: the tiers engine imports the compiled policy, which imports this package.
    from ..tiers._engine import advance

    return advance(program, state, moment)[0]
