"""The tiers part of a member state: the tier history, newest last."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["TierChange", "TierState"]


@dataclass(frozen=True, slots=True)
class TierChange:
    """The member entered ``tier`` at ``at`` for ``reason``; held until ``valid_until`` at least."""

    at: datetime
    tier: str
    reason: str
    """qualified, upgrade, review, downgrade, grant, paid, lapse, initial, ..."""
    valid_until: datetime | None = None
    event_id: str = ""


@dataclass(frozen=True, slots=True)
class TierState:
    """Every tier change of the member, oldest first (the last one is in force)."""

    history: tuple[TierChange, ...] = ()

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
