"""The tiers part of a member state: the tier history, newest last.

``history`` is the contract other parts read (``tier_at`` / ``current``): the tier in force,
whatever put it there. Beside it the part keeps what it needs to work the ladder: the tier the
figures earned (``earned``), grants and paid periods, the last review done, a downgrade waiting
out its grace period, and a lifetime tier once reached.

Reasons recorded in ``TierChange.reason``: ``initial`` (base tier at joining), ``upgrade``
(figures reached a higher tier), ``requalify`` (the tier was earned again; held longer),
``retain`` (a review kept the tier), ``downgrade`` (a review or validity end moved the member
down), ``refund`` (a refund took the figures below the tier, refunds: at_once), ``lifetime``,
``grant`` / ``grant_end`` (a match, invitation or paid period started or ended).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["TierChange", "TierGrantRecord", "TierState"]


@dataclass(frozen=True, slots=True)
class TierChange:
    """The member entered ``tier`` at ``at`` for ``reason``; held until ``valid_until`` at least."""

    at: datetime
    tier: str
    reason: str
    """initial, upgrade, requalify, retain, downgrade, refund, lifetime, grant, grant_end."""
    valid_until: datetime | None = None
    event_id: str = ""


@dataclass(frozen=True, slots=True)
class TierGrantRecord:
    """A tier granted from outside the ladder (match, invitation, paid period) for a period."""

    event_id: str
    tier: str
    start: datetime
    end: datetime | None
    reason: str
    """match, invitation, paid or manual (from the TierGrant event)."""


@dataclass(frozen=True, slots=True)
class TierState:
    """Every tier change of the member, oldest first (the last one is in force)."""

    history: tuple[TierChange, ...] = ()
    earned: tuple[TierChange, ...] = ()
    """Changes of the tier the figures earned, without grants (the last one holds)."""
    grants: tuple[TierGrantRecord, ...] = ()
    reviewed_until: datetime | None = None
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
