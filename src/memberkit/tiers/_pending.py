"""Upgrades that take effect later than the moment the figures qualify (``upgrade: {effective}``).

Published terms say "your new tier takes effect the day after you qualify" (airlines, hotels,
升级次日生效) or "from the first of the next month" (次月1日生效). The rules, each chosen so that
every answer is as of a moment and a quote never disagrees with the booking:

- The event (or posting, review or version) that makes the figures reach a higher tier does not
  change the tier in force. It records an ``UpgradeDue``: the tier reached, the moment the
  figures qualified, and the moment it takes effect, a local midnight (``effective_at``). That
  moment is an item on the one agenda, so ``due_moments`` lists it and ``advance`` acts on it.
- Until then the old tier is in force: earning multipliers, benefits and conditions read it, and
  ``tier_of`` says which tier takes effect when (``tier.upgrade_scheduled``).
- At the effective moment the figures of the window that qualified, as known then, are judged
  again (``judged``): a refund in between lowers the upgrade to the tier they still reach, or
  withdraws it (``tier.upgrade_lowered``, ``tier.upgrade_withdrawn``). The upgrade is recorded at
  that moment, like one at an event then: its validity, a review anchored on it and a window from
  the last upgrade count from it, and its upgrade bonuses are paid then.
- Reaching a still higher tier before then records a second item, with its own moment; on the
  same moment, the higher tier replaces the lower one. Items are never moved earlier.
- A review in between judges the tier in force (the old one) and never brings a pending upgrade
  forward; at the same moment, the upgrade takes effect first and the review then judges the new
  tier. Figures that reach a tier on their own at a review (a window that moved) take effect
  later too, counted from the review.
- Reaching at least the tier in force cancels an announced downgrade at once: keeping a tier is
  not an upgrade.
- A waiting upgrade comes due at its moment whatever a version starting in between says about
  ``upgrade``, and is judged then by the thresholds in force then; a version's ``renames:``
  carry it to the tier's new id, like an announced downgrade.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from .._evolve import replace
from .._program import ProgramInfo
from .._reasons import Reason
from .._state import MemberState
from ._compile import CompiledTier, CompiledTiers
from ._history import earn, validity_for, with_tiers
from ._ladder import Judged, qualified_rank
from ._model import EffectiveDays
from ._state import UpgradeDue
from ._windows import midnight

__all__ = ["effective_at", "judged", "schedule", "take_effect", "upcoming"]


def effective_at(delay: str | EffectiveDays, info: ProgramInfo, moment: datetime) -> datetime:
    """The local midnight an upgrade qualified at ``moment`` takes effect."""
    day = info.local_date(moment)
    if delay == "next_day":
        return midnight(day + timedelta(days=1), info.tz)
    if delay == "next_month":
        return midnight(day.replace(day=1) + relativedelta(months=1), info.tz)
    assert isinstance(delay, EffectiveDays)
    return midnight(day + timedelta(days=delay.days), info.tz)


def schedule(
    ct: CompiledTiers,
    info: ProgramInfo,
    state: MemberState,
    reached: CompiledTier,
    moment: datetime,
    event_id: str,
    reasons: list[Reason],
    *,
    counted_from: datetime | None = None,
) -> MemberState:
    """Record that the figures reached ``reached`` at ``moment``: it takes effect later.

    ``counted_from``: the moment the delay counts from, when not ``moment`` (a review judges
    the window that ended just before it, and counts from itself).
    """
    assert ct.delay is not None
    due = state.tiers.upgrades_due
    if reached.rank > max((ct.rank(u.tier) for u in due), default=0):
        at = effective_at(ct.delay, info, counted_from or moment)
        # Items come in time order and each is higher than the last: one falling on the same
        # moment as an earlier, lower one replaces it.
        kept = tuple(u for u in due if u.at != at)
        item = UpgradeDue(at, reached.id, moment, event_id)
        state = with_tiers(state, upgrades_due=(*kept, item))
        reasons.append(
            Reason.of(
                "tier.upgrade_scheduled",
                reached.path,
                tier=reached.name,
                qualified=info.local_date(moment),
                on=info.local_date(at),
            )
        )
    if state.tiers.pending is not None:
        # The figures keep at least the tier in force: an announced downgrade is off at once.
        earned = state.tiers.earned_change
        assert earned is not None
        current = ct.by_id[earned.tier]
        reasons.append(Reason.of("tier.downgrade_cancelled", current.path, tier=current.name))
        state = with_tiers(state, pending=None)
    return state


def judged(
    ct: CompiledTiers, info: ProgramInfo, state: MemberState, item: UpgradeDue, as_of: datetime
) -> CompiledTier:
    """The tier ``item`` gives as of ``as_of``: what the qualifying window's figures reach then,
    at most the tier it was recorded for."""
    # The window as it stood when the figures qualified: an upgrade taking effect in between
    # must not move a window counted from the last upgrade past the qualifying orders.
    earned = tuple(c for c in state.tiers.earned if c.at <= item.qualified_at)
    then = state if earned == state.tiers.earned else with_tiers(state, earned=earned)
    reached = qualified_rank(ct, Judged(ct, info, then, item.qualified_at, as_of))
    return ct.ladder[min(reached, ct.rank(item.tier))]


def take_effect(
    ct: CompiledTiers,
    info: ProgramInfo,
    state: MemberState,
    moment: datetime,
    reasons: list[Reason],
) -> MemberState:
    """Carry out the upgrades due at ``moment``, each judged again on the figures then."""
    due = state.tiers.upgrades_due
    now = tuple(u for u in due if u.at <= moment)
    if not now:
        return state
    state = with_tiers(state, upgrades_due=tuple(u for u in due if u.at > moment))
    for item in now:
        earned = state.tiers.earned_change
        assert earned is not None
        current = ct.rank(earned.tier)
        planned = ct.by_id.get(item.tier)
        if planned is None:
            continue
        tier = judged(ct, info, state, item, moment)
        if tier.rank <= current:
            if planned.rank > current:
                reasons.append(
                    Reason.of(
                        "tier.upgrade_withdrawn",
                        planned.path,
                        tier=planned.name,
                        on=info.local_date(moment),
                    )
                )
            continue
        if tier.rank < planned.rank:
            reasons.append(
                Reason.of(
                    "tier.upgrade_lowered",
                    planned.path,
                    tier=planned.name,
                    reached=tier.name,
                    on=info.local_date(moment),
                )
            )
        valid = validity_for(tier, info, moment)
        state = earn(ct, state, moment, tier, "upgrade", valid, item.event_id, reasons)
    return state


def upcoming(
    ct: CompiledTiers, info: ProgramInfo, state: MemberState, as_of: datetime
) -> list[tuple[UpgradeDue, CompiledTier]]:
    """Upgrades judged by ``as_of`` and taking effect after it, with the tier each gives if it
    took effect on the figures known at ``as_of`` (those that would give nothing are left out)."""
    earned = state.tiers.earned_change
    current = ct.rank(earned.tier) if earned is not None else 0
    out: list[tuple[UpgradeDue, CompiledTier]] = []
    for item in state.tiers.upgrades_due:
        if item.at <= as_of or item.tier not in ct.by_id:
            continue
        tier = judged(ct, info, state, item, as_of)
        if tier.rank > current:
            out.append((replace(item, tier=tier.id), tier))
            current = tier.rank
    return out
