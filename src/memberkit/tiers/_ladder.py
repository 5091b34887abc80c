"""Where the figures put a member on the ladder: shared by the engine hooks and the queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from .._program import ProgramInfo
from .._state import MemberState
from ._compile import CompiledTiers
from ._measures import figures
from ._state import TierChange, TierGrantRecord
from ._thresholds import met
from ._windows import Span, window_span

__all__ = [
    "Effective",
    "active_grants",
    "earned_since",
    "effective",
    "figures_in",
    "last_upgrade",
    "qualified_rank",
    "retained_rank",
    "span_at",
]

TICK = timedelta(microseconds=1)


def last_upgrade(state: MemberState) -> datetime | None:
    """When the member last moved up the ladder on their figures (or was opened on it)."""
    for change in reversed(state.tiers.earned):
        if change.reason in ("upgrade", "opening"):
            return change.at
    return None


def span_at(ct: CompiledTiers, info: ProgramInfo, state: MemberState, moment: datetime) -> Span:
    """The qualification window holding ``moment``."""
    return window_span(
        ct.window,
        info.local(moment),
        state.joined_at,
        last_upgrade(state),
        whole_days=info.time_basis == "days",
    )


def figures_in(
    ct: CompiledTiers, info: ProgramInfo, state: MemberState, span: Span, as_of: datetime
) -> dict[str, Decimal]:
    """Every measure's figure in ``span`` as known at ``as_of``."""
    return figures(
        ct.measures,
        state,
        span,
        as_of,
        info.tz,
        currency=info.currency,
        deduct_refunds=ct.refunds != "never",
        tallies=ct.tallies,
        rolled=True,
    )


def qualified_rank(ct: CompiledTiers, figs: dict[str, Decimal]) -> int:
    """The highest ladder rank whose qualify thresholds the figures meet (0, the base, at least)."""
    best = 0
    for tier in ct.ladder[1:]:
        if tier.qualify is not None and met(tier.qualify, figs, tier.inclusive):
            best = tier.rank
    return best


def retained_rank(ct: CompiledTiers, figs: dict[str, Decimal], current: int) -> int:
    """The highest rank up to ``current`` whose retain thresholds the figures meet."""
    for tier in reversed(ct.ladder[1 : current + 1]):
        if tier.retain is not None and met(tier.retain, figs, tier.retain_inclusive):
            return tier.rank
    return 0


def earned_since(history: tuple[TierChange, ...], upto: datetime | None = None) -> datetime | None:
    """When the member entered the tier held last (at or before ``upto``), across renewals."""
    changes = [c for c in history if upto is None or c.at <= upto]
    if not changes:
        return None
    tier = changes[-1].tier
    since = changes[-1].at
    for index in range(len(changes) - 1, -1, -1):
        change = changes[index]
        if change.tier != tier:
            break
        since = change.at
        if change.reason == "renamed" and index > 0:
            # A renamed tier is the same standing under a new id: held since the old id was.
            tier = changes[index - 1].tier
    return since


def active_grants(grants: tuple[TierGrantRecord, ...], moment: datetime) -> list[TierGrantRecord]:
    """Grants in force at ``moment``."""
    return [g for g in grants if g.holds(moment)]


class Effective:
    """The tier in force and where it comes from (the figures, or a grant)."""

    __slots__ = ("grant", "tier", "valid_until")

    def __init__(self, tier: str, valid_until: datetime | None, grant: TierGrantRecord | None):
        self.tier = tier
        self.valid_until = valid_until
        self.grant = grant


def effective(ct: CompiledTiers, state: MemberState, moment: datetime) -> Effective:
    """The tier in force at ``moment``: the earned tier, or a higher granted one."""
    earned = state.tiers.earned_change
    tier = earned.tier if earned is not None else ct.base.id
    best = Effective(tier, earned.valid_until if earned else None, None)
    rank = ct.rank(tier)
    for grant in active_grants(state.tiers.grants, moment):
        grant_rank = ct.rank(grant.tier)
        if grant_rank > rank:
            best, rank = Effective(grant.tier, grant.end, grant), grant_rank
    return best
