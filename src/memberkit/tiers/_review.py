"""A review of the tier: the figures of the window just ended decide up, stay or down.

The business rules of a review, in the order they apply: an upgrade the figures reach; a
lifetime tier earned (years held, lifetime figures); a tier held for a stated term kept until
then (unless returns undid the figures that earned the term); retention; and a downgrade, at
most ``max_steps`` down (a soft landing) and never below a lifetime tier, onto a tier held for
its own term.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from .._program import ProgramInfo
from .._reasons import Reason
from .._state import MemberState
from ._compile import CompiledTier, CompiledTiers
from ._history import earn, validity_for, with_tiers
from ._ladder import TICK, Judged, figures_in, qualified_rank, retained_rank
from ._model import ValidityFromUpgrade
from ._pending import schedule
from ._rollover import roll
from ._state import TierChange
from ._thresholds import met
from ._windows import Span, validity_end

__all__ = ["review"]


def review(
    ct: CompiledTiers,
    info: ProgramInfo,
    state: MemberState,
    moment: datetime,
    reasons: list[Reason],
    reach: CompiledTiers | None = None,
) -> MemberState:
    """A review at ``moment``: figures of the window just ended decide up, stay or down.

    ``reach``: the edition whose thresholds decide an upgrade here, when an older edition
    judges the rest (a version's ``reviews:``); upgrades always follow the edition in force.
    """
    earned = state.tiers.earned_change
    assert earned is not None
    current = ct.by_id[earned.tier]
    judged = Judged(ct, info, state, moment - TICK, moment - TICK)
    just_ended = judged.span()
    state = roll(ct, info, state, moment, judged, reasons)
    up = reach or ct
    reached = qualified_rank(
        up, judged if up is ct else Judged(up, info, state, moment - TICK, moment - TICK)
    )
    if reached > up.rank(current.id) and up.delay is not None:
        # An upgrade the review finds takes effect later, like one found at an event; the
        # review goes on to judge the tier in force.
        tier = up.ladder[reached]
        state = schedule(up, info, state, tier, moment - TICK, "", reasons, counted_from=moment)
    elif reached > up.rank(current.id):
        tier = up.ladder[reached]
        return earn(
            up, state, moment, tier, "upgrade", validity_for(tier, info, moment - TICK), "", reasons
        )
    if current.rank == 0:
        return state
    state = _maybe_lifetime(ct, info, state, moment, current, reasons)
    floor = ct.rank(state.tiers.lifetime) if state.tiers.lifetime else 0
    if floor >= current.rank:
        return state
    valid_until = earned.valid_until
    if valid_until is not None and _taken_back(
        ct, info, state, earned, current, just_ended, moment
    ):
        # Returns in the window that earned the term took it back: the term it granted is
        # void, and the term held before it (none, for an upgrade) is what remains.
        valid_until = _term_before(state, earned)
    # A tier held for a stated time is kept until then, whatever the figures say.
    if valid_until is not None and valid_until > moment:
        return state
    kept = retained_rank(ct, judged, current.rank)
    # The moment whose window earned the tier kept (or landed on): a tier held for a stated
    # time runs its term from the window that earned it.
    earned_in = moment - TICK
    if valid_until is not None and just_ended.start is not None and just_ended.end != moment:
        # A validity end inside a window (28 Feb of a calendar-year ladder) would judge a few
        # weeks of figures; the last full window counts too (for the tiers judged over such a
        # window: see _kept_before).
        kept_before, full = _kept_before(ct, info, judged, moment, current.rank)
        if full is not None and (kept_before > kept or kept == 0):
            # Silver kept (or landed on) at the end of February on last year's nights is held
            # for the term last year earns, to the end of next February, not one from today.
            kept = max(kept, kept_before)
            earned_in = full
    if kept >= current.rank:
        # A tier without a term stays as it is; an opening tier kept at the end of its term is
        # held as the ladder holds it from then on.
        untimed = current.validity is None and current.review_validity is None
        if untimed and earned.reason != "opening":
            return state
        return earn(
            ct,
            state,
            moment,
            current,
            "retain",
            _term(current, info, earned_in, moment),
            "",
            reasons,
        )
    target = kept
    if ct.max_steps is not None:
        # Soft landing: one review moves a member down at most max_steps steps.
        target = max(target, current.rank - ct.max_steps)
    target = max(target, floor)
    tier = ct.ladder[target]
    # The lower tier is reached like any other: one with a stated term is held for it.
    landed_valid = _term(tier, info, earned_in, moment) if target > 0 else None
    if landed_valid is not None and landed_valid <= moment:
        landed_valid = None
    if ct.grace_days:
        if state.tiers.pending is not None:
            # A downgrade already announced keeps its date; a later review does not push it back.
            return state
        when = moment + timedelta(days=ct.grace_days)
        reasons.append(Reason.of("tier.downgrade_scheduled", tier.path, tier=tier.name, at=when))
        return with_tiers(state, pending=TierChange(when, tier.id, "downgrade", landed_valid))
    return earn(ct, state, moment, tier, "downgrade", landed_valid, "", reasons)


def _kept_before(
    ct: CompiledTiers, info: ProgramInfo, judged: Judged, moment: datetime, current: int
) -> tuple[int, datetime | None]:
    """The highest rank up to ``current`` kept on the last full window of its retain window.

    Only a tier whose retain window a validity end at ``moment`` cuts short (a calendar year on
    28 Feb) reads the window before; a rolling window or the term held is whole at any moment,
    and figures that have left it keep nothing. The window before keeps a tier only when the
    term it earns runs past ``moment``. Also the moment whose window kept the tier (None when no
    tier's window is cut short).
    """
    found: tuple[int, datetime | None] = (0, None)
    before: dict[datetime, Judged] = {}
    for tier in reversed(ct.ladder[1 : current + 1]):
        window = ct.retain_window(tier)
        span = judged.span(window)
        if span.start is None or span.end == moment:
            continue
        last = span.start - TICK
        if found[1] is None:
            found = (0, last)
        if tier.retain is None:
            continue
        then = before.setdefault(last, Judged(ct, info, judged.state, last, moment))
        if not met(tier.retain, then.figures(window), tier.retain_inclusive):
            continue
        term = _term(tier, info, last, moment)
        # The window before keeps a tier only for a term it earns beyond now: a term it earned
        # to this very day is the one ending (gold earned in 2026 "to 28 Feb next year" is not
        # kept again on 2026 on 1 March 2027).
        if term is None or term > moment:
            return tier.rank, last
    return found


def _taken_back(
    ct: CompiledTiers,
    info: ProgramInfo,
    state: MemberState,
    earned: TierChange,
    current: CompiledTier,
    just_ended: Span,
    moment: datetime,
) -> bool:
    """Whether refunds undid the upgrade or requalification made in the window just ended.

    The figures are those of the window the tier was earned in, as of the review: returns dated
    since take their part back, while figures that merely left a rolling window since do not.
    A beauty retailer's VIB earned again in 2027 with an order later returned is not earned: at
    the 1 January review the year's spend, net of returns, decides.
    """
    if (
        ct.refunds == "never"
        or earned.reason not in ("upgrade", "requalify")
        or not just_ended.holds(earned.at)
    ):
        return False
    return qualified_rank(ct, Judged(ct, info, state, earned.at, moment - TICK)) < current.rank


def _term_before(state: MemberState, earned: TierChange) -> datetime | None:
    """The term the tier had before ``earned`` set a new one (None when ``earned`` reached it)."""
    if earned.reason != "requalify":
        return None
    changes = state.tiers.earned
    before = changes[-2] if len(changes) > 1 and changes[-1] is earned else None
    if before is None or before.tier != earned.tier:
        return None
    return before.valid_until


def _term(
    tier: CompiledTier, info: ProgramInfo, earned_in: datetime, moment: datetime
) -> datetime | None:
    """The term of a tier kept or reached at the review at ``moment``, on figures of ``earned_in``.

    A term counted from the upgrade day counts from the review day itself (reviewed on 15 March,
    held to the end of 14 March next year); the others follow the window that earned the tier.
    A tier reached at a review is held for ``validity_after_review`` when the policy gives one.
    """
    validity = tier.review_validity or tier.validity
    if validity is None:
        return None
    if isinstance(validity, ValidityFromUpgrade):
        return validity_end(validity, info.local(moment))
    return validity_end(validity, info.local(earned_in))


def _held_long_enough(
    ct: CompiledTiers, state: MemberState, tier: CompiledTier, years: int, moment: datetime
) -> bool:
    """Whether the member has held ``tier`` or above for ``years`` by ``moment``.

    Counted as the current unbroken run, or (``lifetime_years: total``) as all the spells at
    that tier or above added up: ten years at Platinum need not be consecutive in a hotel
    programme.
    """
    earned = state.tiers.earned
    if not tier.lifetime_total:
        since: datetime | None = None
        for change in reversed(earned):
            if ct.rank(change.tier) < tier.rank:
                break
            since = change.at
        return since is not None and since + relativedelta(years=years) <= moment
    held = timedelta(0)
    for change, following in zip(earned, (*earned[1:], None), strict=True):
        if ct.rank(change.tier) < tier.rank or change.at >= moment:
            continue
        end = moment if following is None else min(following.at, moment)
        held += end - change.at
    # Years of the calendar: the spells are added up as a duration, compared with the
    # years counted on from the first day held, so leap days count as they fall.
    first = next((c.at for c in earned if ct.rank(c.tier) >= tier.rank), None)
    return first is not None and first + held >= first + relativedelta(years=years)


def _maybe_lifetime(
    ct: CompiledTiers,
    info: ProgramInfo,
    state: MemberState,
    moment: datetime,
    current: CompiledTier,
    reasons: list[Reason],
) -> MemberState:
    """Grant a lifetime tier to a member who has held it (or higher) long enough.

    A tier may ask for years held, for figures over the whole membership (``lifetime_requires``,
    e.g. 600 nights ever), or for both, as hotel programmes do.
    """
    lifetime_figures: dict[str, Decimal] | None = None
    for tier in reversed(ct.ladder[1 : current.rank + 1]):
        years = tier.lifetime_after_years
        needs = tier.lifetime_requires
        if (years is None and needs is None) or ct.rank(state.tiers.lifetime) >= tier.rank:
            continue
        if years is not None and not _held_long_enough(ct, state, tier, years, moment):
            continue
        if needs is not None:
            if lifetime_figures is None:
                lifetime_figures = figures_in(ct, info, state, Span(None, None), moment - TICK)
            if not met(needs, lifetime_figures, tier.inclusive):
                continue
        reasons.append(Reason.of("tier.lifetime", tier.path, tier=tier.name, at=moment))
        state = with_tiers(state, lifetime=tier.id)
        if tier.rank == current.rank:
            return earn(ct, state, moment, current, "lifetime", None, "", reasons)
        return state
    return state
