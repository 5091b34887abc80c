"""Recording tier changes: the earned tier, and the tier in force derived from it and grants."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .._evolve import replace
from .._program import ProgramInfo
from .._reasons import Reason
from .._state import MemberState
from ._compile import CompiledTier, CompiledTiers
from ._ladder import effective
from ._state import TierChange
from ._windows import validity_end

__all__ = ["CHANGE_CODES", "earn", "start", "sync", "validity_for", "with_tiers"]

CHANGE_CODES = {
    "upgrade": "tier.upgraded",
    "downgrade": "tier.downgraded",
    "refund": "tier.demoted_by_refund",
    "grant": "tier.grant_started",
    "grant_end": "tier.grant_ended",
}
"""The reason code announcing a change of the tier in force, by the change's cause."""


def with_tiers(state: MemberState, **changes: Any) -> MemberState:
    """The state with some fields of its tier part changed."""
    return state.evolve(tiers=replace(state.tiers, **changes))


def start(ct: CompiledTiers, state: MemberState) -> MemberState:
    """The state with the base tier recorded at joining, if nothing is recorded yet."""
    if state.tiers.history:
        return state
    first = TierChange(state.joined_at, ct.base.id, "initial")
    return with_tiers(state, history=(first,), earned=(first,))


def sync(
    ct: CompiledTiers,
    state: MemberState,
    moment: datetime,
    reason: str,
    event_id: str,
    reasons: list[Reason],
) -> MemberState:
    """Record a change of the tier in force at ``moment``, if there is one."""
    eff = effective(ct, state, moment)
    last = state.tiers.history[-1]
    if eff.tier == last.tier and eff.valid_until == last.valid_until:
        return state
    why = "grant" if eff.grant is not None else reason
    change = TierChange(
        moment, eff.tier, why, eff.valid_until, eff.grant.event_id if eff.grant else event_id
    )
    if eff.tier != last.tier:
        tier = ct.by_id[eff.tier]
        reasons.append(
            Reason.of(
                CHANGE_CODES.get(why, "tier.changed"),
                tier.path,
                tier=tier.name,
                previous=ct.by_id[last.tier].name if last.tier in ct.by_id else last.tier,
                at=moment,
            )
        )
    return with_tiers(state, history=(*state.tiers.history, change))


def earn(
    ct: CompiledTiers,
    state: MemberState,
    moment: datetime,
    tier: CompiledTier,
    reason: str,
    valid_until: datetime | None,
    event_id: str,
    reasons: list[Reason],
) -> MemberState:
    """Record a change of the earned tier (clearing any announced downgrade), then sync."""
    change = TierChange(moment, tier.id, reason, valid_until, event_id)
    state = with_tiers(state, earned=(*state.tiers.earned, change), pending=None)
    return sync(ct, state, moment, reason, event_id, reasons)


def validity_for(tier: CompiledTier, info: ProgramInfo, moment: datetime) -> datetime | None:
    """When a tier reached at ``moment`` stops being held whatever the figures (None: at review)."""
    if tier.validity is None:
        return None
    return validity_end(tier.validity, info.local(moment))
