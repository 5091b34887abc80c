"""The tiers part of a member state: the tier history, newest last.

``history`` is the contract other parts read (``tier_at`` / ``current``): the ladder tier in
force, whatever put it there (figures, a grant, a paid tier placed above the ladder). A paid tier
held *alongside* the ladder never enters the history; ``tiers_at`` adds it to the ladder tier,
for the parts that ask "does the member hold this tier" (benefits, points multipliers, the rules
language's ``tier`` field). Beside it the part keeps what it needs to work the ladder: the tier the
figures earned (``earned``), grants and paid periods, the last review done, a downgrade waiting
out its grace period, and a lifetime tier once reached.

Reasons recorded in ``TierChange.reason``: ``initial`` (base tier at joining), ``upgrade``
(figures reached a higher tier), ``requalify`` (the tier was earned again; held longer),
``retain`` (a review kept the tier), ``downgrade`` (a review or validity end moved the member
down), ``refund`` (a refund took the figures below the tier, refunds: at_once), ``lifetime``,
``grant`` / ``grant_end`` (a match, invitation or paid period started or ended), ``renamed``
(a version renamed the tier, policy ``renames:``: the same standing under the new id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import ConfigDict, with_config

from .._state_checks import StateMoment

__all__ = ["TierChange", "TierGrantRecord", "TierState"]


_CLOSED = ConfigDict(extra="forbid")
"""A stored state with a key memberkit does not know is refused, never read without it."""


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class TierChange:
    """The member entered ``tier`` at ``at`` for ``reason``; held until ``valid_until`` at least."""

    at: StateMoment
    tier: str
    reason: str
    """initial, upgrade, requalify, retain, downgrade, refund, lifetime, grant, grant_end, renamed."""
    valid_until: StateMoment | None = None
    event_id: str = ""


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class TierGrantRecord:
    """A tier granted from outside the ladder (match, invitation, paid period) for a period."""

    event_id: str
    tier: str
    start: StateMoment
    end: StateMoment | None
    reason: str
    """match, invitation, paid or manual (from the TierGrant event)."""
    alongside: bool = False
    """A paid tier held beside the ladder tier (placement: alongside), never in its place."""

    def holds(self, moment: datetime) -> bool:
        """Whether the grant is in force at ``moment`` (start included, end excluded)."""
        return self.start <= moment and (self.end is None or moment < self.end)


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class TierState:
    """Every tier change of the member, oldest first (the last one is in force)."""

    history: tuple[TierChange, ...] = ()
    earned: tuple[TierChange, ...] = ()
    """Changes of the tier the figures earned, without grants (the last one holds)."""
    grants: tuple[TierGrantRecord, ...] = ()
    reviewed_until: StateMoment | None = None
    """The latest review (or validity end) already carried out."""
    pending: TierChange | None = None
    """A downgrade decided at a review, taking effect when its grace period ends."""
    lifetime: str | None = None
    """A tier held for life once reached; reviews never go below it."""

    @property
    def current(self) -> str | None:
        """The tier in force after the last recorded change."""
        return self.history[-1].tier if self.history else None

    def tier_at(self, moment: datetime) -> str | None:
        """The tier in force at ``moment`` according to the recorded history."""
        found: str | None = None
        for change in self.history:
            if change.at > moment:
                break
            found = change.tier
        return found

    def alongside_at(self, moment: datetime) -> frozenset[str]:
        """Paid tiers held alongside the ladder at ``moment`` (a paid club next to the ladder)."""
        return frozenset(g.tier for g in self.grants if g.alongside and g.holds(moment))

    def tiers_at(self, moment: datetime) -> frozenset[str]:
        """Every tier in force at ``moment``: the ladder tier (``tier_at``) and paid tiers alongside."""
        ladder = self.tier_at(moment)
        alongside = self.alongside_at(moment)
        return alongside | {ladder} if ladder is not None else alongside

    def change_at(self, moment: datetime) -> TierChange | None:
        """The change in force at ``moment`` (the last one at or before it)."""
        found: TierChange | None = None
        for change in self.history:
            if change.at > moment:
                break
            found = change
        return found

    @property
    def earned_change(self) -> TierChange | None:
        """The last change of the earned tier."""
        return self.earned[-1] if self.earned else None
