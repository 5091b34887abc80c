"""Where the figures put a member on the ladder: shared by the engine hooks and the queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from .._money import Money
from .._program import ProgramInfo
from .._state import MemberState
from ._compile import CompiledTiers
from ._measures import figures, next_posting
from ._model import WindowSpec
from ._state import TierChange, TierGrantRecord
from ._thresholds import met
from ._windows import Span, window_span

__all__ = [
    "Effective",
    "Judged",
    "active_grants",
    "earned_since",
    "effective",
    "figures_in",
    "last_upgrade",
    "qualified_rank",
    "retained_rank",
    "shown",
    "span_at",
]

TICK = timedelta(microseconds=1)


def shown(ct: CompiledTiers, info: ProgramInfo, measure: str, amount: Decimal) -> object:
    """A figure of ``measure`` as explanations show it: money in the programme's currency."""
    m = ct.measures.get(measure)
    if m is not None and m.money:
        return Money(amount, info.currency)
    return amount


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
    ct: CompiledTiers,
    info: ProgramInfo,
    state: MemberState,
    span: Span,
    as_of: datetime,
    window: WindowSpec | None = None,
) -> dict[str, Decimal]:
    """Every measure's figure in ``span`` (of ``window``, the ladder's by default) at ``as_of``.

    Figures rolled over from the window before count in the ladder's windows only.
    """
    return figures(
        ct.measures,
        state,
        span,
        as_of,
        info.tz,
        currency=info.currency,
        deduct_refunds=ct.refunds != "never",
        tallies=ct.tallies,
        rolled=window is None or window == ct.window,
        lane=window,
    )


def term_start(ct: CompiledTiers, info: ProgramInfo, state: MemberState) -> datetime:
    """When the term of the tier held began: the last change the figures made (or the joining).

    The event that reached or renewed the tier counts towards reaching it, not towards the term
    it opened, and so does a credit posting at the moment it did; a review or an opening starts
    a term that counts from its own moment.
    """
    earned = state.tiers.earned_change
    if earned is None:
        return state.joined_at
    if earned.reason not in ("upgrade", "requalify"):
        return earned.at
    if earned.event_id or (
        ct.posting
        and next_posting(ct.measures, state.activities, earned.at - TICK, earned.at, info.tz)
        == earned.at
    ):
        return earned.at + TICK
    return earned.at


class Judged:
    """The figures each window of the ladder holds at one moment, as known at another.

    Tiers may be judged over windows of their own (``window: {qualify: .., retain: ..}``);
    each window's figures are counted once, when first asked for.
    """

    __slots__ = ("_ct", "_figures", "_info", "_spans", "as_of", "at", "state")

    def __init__(
        self,
        ct: CompiledTiers,
        info: ProgramInfo,
        state: MemberState,
        at: datetime,
        as_of: datetime,
    ) -> None:
        self._ct = ct
        self._info = info
        self.state = state
        self.at = at
        self.as_of = as_of
        # By the window object (a policy's windows are a few compiled objects; hashing a model
        # costs more than counting a tallied window): (window, value) by ``id(window)``.
        self._spans: dict[int, tuple[WindowSpec, Span]] = {}
        self._figures: dict[int, tuple[WindowSpec, dict[str, Decimal]]] = {}

    def span(self, window: WindowSpec | None = None) -> Span:
        """The span of ``window`` (the ladder's by default) holding ``at``."""
        window = window or self._ct.window
        kept = self._spans.get(id(window))
        if kept is not None and kept[0] is window:
            return kept[1]
        if window.kind == "validity":
            found = Span(term_start(self._ct, self._info, self.state), self.at + TICK)
        else:
            found = window_span(
                window,
                self._info.local(self.at),
                self.state.joined_at,
                last_upgrade(self.state),
                whole_days=self._info.time_basis == "days",
            )
        self._spans[id(window)] = (window, found)
        return found

    def figures(self, window: WindowSpec | None = None) -> dict[str, Decimal]:
        """Every measure's figure over ``window`` (the ladder's by default)."""
        window = window or self._ct.window
        kept = self._figures.get(id(window))
        if kept is not None and kept[0] is window:
            return kept[1]
        ct = self._ct
        lane = None if window is ct.window or window == ct.window else window
        found = figures_in(ct, self._info, self.state, self.span(window), self.as_of, lane)
        self._figures[id(window)] = (window, found)
        return found


def qualified_rank(ct: CompiledTiers, judged: Judged) -> int:
    """The highest ladder rank whose qualify thresholds the figures meet (0, the base, at least)."""
    best = 0
    for tier in ct.ladder[1:]:
        if tier.qualify is not None and met(
            tier.qualify, judged.figures(tier.qualify_window), tier.inclusive
        ):
            best = tier.rank
    return best


def retained_rank(ct: CompiledTiers, judged: Judged, current: int) -> int:
    """The highest rank up to ``current`` whose retain thresholds the figures meet."""
    for tier in reversed(ct.ladder[1 : current + 1]):
        if tier.retain is not None and met(
            tier.retain, judged.figures(tier.retain_window), tier.retain_inclusive
        ):
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
