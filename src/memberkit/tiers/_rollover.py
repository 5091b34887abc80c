"""Rollover: figures earned above the level reached carry into the next window, capped, once.

Airline programmes write it as "status miles earned above the threshold of the tier reached in
the qualification year roll over to the next year, up to 25,000; rolled-over miles do not roll
over again". The review that closes a window works it out for each measure of the policy's
``rollover``:

- the level reached is the highest tier whose qualify thresholds the window's figures meet (what
  rolled in included); its threshold for the measure is the one its qualify names, else that of
  the nearest tier below naming it, else 0 (a member who reached no tier carries the figure);
- what rolled in counts first towards that threshold and never rolls again, so the carry is the
  figure above the threshold but at most what was earned in the window itself, and at most the
  cap;
- the carry is fixed at that review: it counts in the next window from its first moment, and a
  refund dated later of an order of the old window changes neither the carry nor the new window.

The state keeps one record per review that carried something: one number per measure.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from .._program import ProgramInfo
from .._reasons import Reason
from .._state import MemberState
from ._compile import CompiledTiers
from ._history import with_tiers
from ._ladder import TICK, Judged, qualified_rank, shown
from ._measures import rolled_into
from ._state import RolloverRecord
from ._thresholds import leaves

__all__ = ["roll", "threshold_of"]


def threshold_of(ct: CompiledTiers, rank: int, measure: str) -> Decimal:
    """The qualify threshold of ``measure`` at the level of ``rank``: the nearest tier naming it."""
    for tier in reversed(ct.ladder[1 : rank + 1]):
        if tier.qualify is None:
            continue
        for leaf in leaves(tier.qualify):
            if leaf.measure == measure:
                return leaf.value
    return Decimal(0)


def roll(
    ct: CompiledTiers,
    info: ProgramInfo,
    state: MemberState,
    moment: datetime,
    judged: Judged,
    reasons: list[Reason],
) -> MemberState:
    """Carry the figures above the level reached into the window starting at ``moment``.

    ``judged`` holds the figures of the window just ended (a ladder with rollover judges every
    tier over the ladder's window).
    """
    if not ct.rollover:
        return state
    just_ended = judged.span()
    # Only the review that closes a window rolls: a validity end inside one closes nothing.
    if just_ended.end != moment or just_ended.start is None:
        return state
    figs = judged.figures()
    reached = qualified_rank(ct, judged)
    came_in: dict[str, Decimal] = {}
    for name, value in rolled_into(state, just_ended, moment - TICK):
        came_in[name] = came_in.get(name, Decimal(0)) + value
    carried: list[tuple[str, Decimal]] = []
    for name, cap in ct.rollover.items():
        if name not in ct.measures:
            continue
        figure = figs.get(name, Decimal(0))
        earned = figure - came_in.get(name, Decimal(0))
        threshold = threshold_of(ct, reached, name)
        amount = min(figure - threshold, earned, cap)
        if amount <= 0:
            continue
        carried.append((name, amount))
        measure = ct.measures[name]
        reasons.append(
            Reason.of(
                "tier.rolled_over",
                f"tiers.rollover.{name}",
                measure=measure.label,
                value=shown(ct, info, name, amount),
                cap=shown(ct, info, name, cap),
                start=info.local_date(moment),
            )
        )
    if not carried:
        return state
    record = RolloverRecord(moment, tuple(carried))
    return with_tiers(state, rollovers=(*state.tiers.rollovers, record))
