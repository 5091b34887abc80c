"""The tiers part of a member state: the tier history, newest last.

``history`` is the contract other parts read (``tier_at`` / ``current``): the ladder tier in
force, whatever put it there (figures, a grant, a paid tier placed above the ladder). A paid tier
held *alongside* the ladder never enters the history; ``tiers_at`` adds it to the ladder tier,
for the parts that ask "does the member hold this tier" (benefits, points multipliers, the rules
language's ``tier`` field). Beside it the part keeps what it needs to work the ladder: the tier the
figures earned (``earned``), grants and paid periods, the last review done, a downgrade waiting
out its grace period, upgrades judged but taking effect later, and a lifetime tier once reached.

Reasons recorded in ``TierChange.reason``: ``initial`` (base tier at joining), ``upgrade``
(figures reached a higher tier), ``requalify`` (the tier was earned again; held longer),
``retain`` (a review kept the tier), ``downgrade`` (a review or validity end moved the member
down), ``refund`` (a refund took the figures below the tier, refunds: at_once), ``lifetime``,
``grant`` / ``grant_end`` (a match, invitation or paid period started or ended), ``renamed``
(a version renamed the tier, policy ``renames:``: the same standing under the new id),
``opening`` (an ``opening`` event placed a member brought in mid-story on the ladder).

How the tier in force was reached, as of a moment, is ``TierState.reached_by_at``: one of
``REACHED_BY``, the value conditions read as the field ``tier_reached_by``.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from operator import attrgetter

from pydantic import ConfigDict, with_config

from .._rows import Rows
from .._state_checks import StateMoment

__all__ = [
    "REACHED_BY",
    "OpeningRecord",
    "RolloverRecord",
    "TierChange",
    "TierGrantRecord",
    "TierState",
    "UpgradeDue",
]

REACHED_BY = ("earned", "granted", "joined", "lifetime", "opening", "paid", "retained")
"""How a tier in force was reached: ``joined`` (the base tier since joining), ``earned`` (the
figures: an upgrade, earned again, or a landing after a review or a refund), ``retained`` (a
review kept it), ``lifetime``, ``granted`` (a match, invitation or manual grant), ``paid`` (a
bought tier), ``opening`` (placed by an ``opening`` event)."""

_BY_CHANGE = {
    "initial": "joined",
    "upgrade": "earned",
    "requalify": "earned",
    "downgrade": "earned",
    "refund": "earned",
    "retain": "retained",
    "lifetime": "lifetime",
    "opening": "opening",
}


_CLOSED = ConfigDict(defer_build=True, extra="forbid")
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
class OpeningRecord:
    """Figures a member brought in mid-story opened with, counted as if earned at ``at``."""

    event_id: str
    at: StateMoment
    figures: tuple[tuple[str, Decimal], ...] = ()
    """(measure id, figure) pairs, in the order the event gave them."""


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class RolloverRecord:
    """Figures carried into the window starting at ``at`` from the one that ended then."""

    at: StateMoment
    figures: tuple[tuple[str, Decimal], ...] = ()
    """(measure id, amount carried) pairs, in the order of the policy's ``rollover``."""


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class UpgradeDue:
    """An upgrade the figures reached at ``qualified_at``, taking effect at ``at``.

    Policy ``upgrade: {effective: ...}``: at ``at`` the figures of the window holding
    ``qualified_at``, as known then, are judged again; ``tier`` is the most they give.
    """

    at: StateMoment
    tier: str
    qualified_at: StateMoment
    event_id: str = ""
    """The event whose figures qualified (empty: a review, a posting or a version did)."""


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class TierState:
    """Every tier change of the member, oldest first (the last one is in force)."""

    history: Rows[TierChange] = ()
    earned: Rows[TierChange] = ()
    """Changes of the tier the figures earned, without grants (the last one holds)."""
    grants: Rows[TierGrantRecord] = ()
    reviewed_until: StateMoment | None = None
    """The latest review (or validity end) already carried out."""
    pending: TierChange | None = None
    """A downgrade decided at a review, taking effect when its grace period ends."""
    lifetime: str | None = None
    """A tier held for life once reached; reviews never go below it."""
    opening: OpeningRecord | None = None
    """The opening figures of a member brought in mid-story (an ``opening`` event)."""
    rollovers: Rows[RolloverRecord] = ()
    """Figures carried from one window into the next (policy ``rollover``), oldest first."""
    upgrades_due: Rows[UpgradeDue] = ()
    """Upgrades judged but not yet in force (``upgrade: {effective: ...}``), soonest first; each
    one higher than the one before it."""

    @property
    def current(self) -> str | None:
        """The tier in force after the last recorded change."""
        return self.history[-1].tier if self.history else None

    def tier_at(self, moment: datetime) -> str | None:
        """The tier in force at ``moment`` according to the recorded history."""
        change = self.change_at(moment)
        return change.tier if change is not None else None

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
        # Changes are recorded in time order (the engine moves forward), so a search finds it:
        # a long membership's history is not walked at every question.
        k = bisect_right(self.history, moment, key=_AT)
        return self.history[k - 1] if k else None

    def reached_by_at(self, moment: datetime) -> str | None:
        """How the ladder tier in force at ``moment`` was reached (one of ``REACHED_BY``)."""
        k = bisect_right(self.history, moment, key=_AT)
        # A renamed tier is the same standing under a new id: reached as the old id was.
        while k > 1 and self.history[k - 1].reason == "renamed":
            k -= 1
        if not k:
            return None
        change = self.history[k - 1]
        if change.reason == "grant":
            grant = next((g for g in self.grants if g.event_id == change.event_id), None)
            return "paid" if grant is not None and grant.reason == "paid" else "granted"
        if change.reason == "grant_end":
            # The tier in force again when a grant ends is the earned one, reached as it was.
            earned = [c for c in self.earned if c.at <= moment and c.reason != "renamed"]
            return _BY_CHANGE.get(earned[-1].reason, "earned") if earned else "joined"
        return _BY_CHANGE.get(change.reason, "earned")

    @property
    def earned_change(self) -> TierChange | None:
        """The last change of the earned tier."""
        return self.earned[-1] if self.earned else None


_AT = attrgetter("at")
