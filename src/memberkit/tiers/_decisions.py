"""The answers of the tiers part: the tier in force, and the way to the next one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from .._decision import Explained, reasons_read_later
from .._reasons import LocalizedText, Reason

__all__ = ["Need", "PathProgress", "TierDecision", "TierProgress"]


@reasons_read_later
@dataclass(frozen=True, slots=True)
class TierDecision(Explained):
    """Which tier a member holds at ``as_of``, since when, until when, and on what figures.

    ``figures`` are the qualifying measures in the window holding ``as_of`` (``window_start`` to
    ``window_end``, local; None ends are open). ``earned`` is the tier the figures earned, which a
    grant or a paid tier may cover; ``paid`` lists paid tiers held alongside the ladder.
    """

    tier: str
    name: LocalizedText
    since: datetime
    valid_until: datetime | None
    """The first moment the tier is no longer held whatever the figures (None: no stated end)."""
    earned: str
    granted: bool
    paid: tuple[str, ...]
    figures: Mapping[str, Decimal]
    window_start: datetime | None
    window_end: datetime | None
    pending_tier: str | None
    pending_at: datetime | None
    as_of: datetime
    reasons: tuple[Reason, ...]
    default_locale: str = "en"
    valid_through: date | None = None
    """The last day the tier is held whatever the figures, in the programme's timezone: the day
    a member reads ("valid through 31 Dec 2026"); ``valid_until`` is the instant after it."""
    pending_on: date | None = None
    """The first day of an announced downgrade (the local day of ``pending_at``)."""
    reached_by: str | None = None
    """How the tier in force was reached: earned, retained, joined, lifetime, granted, paid or
    opening (the rules field ``tier_reached_by``)."""
    upgrade_tier: str | None = None
    """A higher tier the figures reached that takes effect later (``upgrade: {effective: ...}``),
    as the figures known at ``as_of`` give it; None when there is none."""
    upgrade_at: datetime | None = None
    """The moment ``upgrade_tier`` takes effect (a local midnight)."""


@dataclass(frozen=True, slots=True)
class Need:
    """One threshold on a path: the measure, what it takes, what the member has, what is missing."""

    measure: str
    threshold: Decimal
    have: Decimal
    missing: Decimal
    path: str


@dataclass(frozen=True, slots=True)
class PathProgress:
    """One way of meeting a threshold; ``met`` when nothing is missing."""

    needs: tuple[Need, ...]

    @property
    def met(self) -> bool:
        """Whether every threshold of the path is met."""
        return all(n.missing == 0 for n in self.needs)


@dataclass(frozen=True, slots=True)
class TierProgress(Explained):
    """How far a member is from the next tier, and what keeps the current one at the next review.

    ``next_tier`` is None at the top of the ladder. ``paths`` are the alternatives to reach it
    (any one suffices). ``review_at`` is the next review of the current tier (None when it is held
    for life or the base tier); ``retain_paths`` what the current window still needs to keep it.
    """

    tier: str
    next_tier: str | None
    paths: tuple[PathProgress, ...]
    review_at: datetime | None
    retain_paths: tuple[PathProgress, ...]
    as_of: datetime
    reasons: tuple[Reason, ...]
    default_locale: str = "en"
    upgrade_at: datetime | None = None
    """When the next upgrade already judged takes effect (``upgrade: {effective: ...}``), a
    local midnight; None when none is waiting."""
