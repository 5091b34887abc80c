"""How the tiers part reacts to time passing and to events.

A member starts in the base (first) tier: the first ``advance`` (which the engine runs before
every event, and the queries before answering) records an ``initial`` change at the joining
moment. From then on:

- ``advance`` carries out, in time order, what falls due up to a moment: grace periods ending
  (the decided downgrade takes effect), grants starting and ending, reviews, and validity ends
  (a tier held "until 28 Feb" is reviewed then, on the better of the window just ended and the
  one before it).
- ``on_event`` upgrades at once when the programme says so (several steps if the figures reach
  them), extends the validity of a tier earned again, records grants, and demotes at once on a
  refund when ``refunds: at_once``.

Every change of the tier in force is appended to ``TierState.history`` with its reason.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from .._compiled import CompiledProgram
from .._context import ApplyContext
from .._errors import EventError
from .._events import Refund, TierGrant
from .._program import ProgramInfo
from .._reasons import Reason
from .._state import MemberState
from ._compile import CompiledTier, CompiledTiers
from ._history import earn, start, sync, validity_for, with_tiers
from ._ladder import (
    TICK,
    earned_since,
    figures_in,
    qualified_rank,
    retained_rank,
    span_at,
)
from ._model import ValidityFromUpgrade
from ._state import TierChange, TierGrantRecord
from ._thresholds import met
from ._windows import Span, review_moments

__all__ = ["advance", "current_tier", "on_event"]


def current_tier(state: MemberState) -> str | None:
    """The tier id recorded as in force in the state (None before any tier is recorded)."""
    return state.tiers.current


# --- time --------------------------------------------------------------------------------------


def advance(
    program: CompiledProgram, state: MemberState, until: datetime
) -> tuple[MemberState, list[Reason]]:
    """Apply what time alone brings about up to ``until`` (reviews, grace ends, grants, validity)."""
    ct = program.tiers
    if ct is None:
        return state, []
    info = program.info
    reasons: list[Reason] = []
    state = start(ct, state)
    done = state.tiers.reviewed_until or state.joined_at
    if until <= done:
        return state, reasons
    while True:
        due = _next_due(ct, info, state, done, until)
        if due is None:
            break
        moment, review = due
        pending = state.tiers.pending
        if pending is not None and pending.at <= moment:
            state = _apply_pending(ct, state, pending, reasons)
        state = sync(ct, state, moment, "grant_end", "", reasons)
        if review:
            state = _review(ct, info, state, moment, reasons)
        done = moment
        state = with_tiers(state, reviewed_until=done)
    return with_tiers(state, reviewed_until=until), reasons


def _next_due(
    ct: CompiledTiers, info: ProgramInfo, state: MemberState, done: datetime, until: datetime
) -> tuple[datetime, bool] | None:
    """The next moment after ``done`` (up to ``until``) something falls due, and whether a review."""
    local_done = info.local(done)
    local_until = info.local(until)
    candidates: list[tuple[datetime, bool]] = []
    earned = state.tiers.earned_change
    upgraded = _last_upgrade_at(state)
    for moment in review_moments(
        ct.review, ct.window, local_done, local_until, state.joined_at, upgraded
    ):
        candidates.append((moment, True))
        break
    if earned is not None and earned.valid_until is not None and done < earned.valid_until <= until:
        candidates.append((earned.valid_until, True))
    pending = state.tiers.pending
    if pending is not None and done < pending.at <= until:
        candidates.append((pending.at, False))
    candidates.extend(
        (edge, False)
        for grant in state.tiers.grants
        for edge in (grant.start, grant.end)
        if edge is not None and done < edge <= until
    )
    if not candidates:
        return None
    first = min(c[0] for c in candidates)
    return first, any(review for moment, review in candidates if moment == first)


def _last_upgrade_at(state: MemberState) -> datetime | None:
    for change in reversed(state.tiers.earned):
        if change.reason == "upgrade":
            return change.at
    return None


def _apply_pending(
    ct: CompiledTiers, state: MemberState, pending: TierChange, reasons: list[Reason]
) -> MemberState:
    tier = ct.by_id[pending.tier]
    return earn(ct, state, pending.at, tier, "downgrade", pending.valid_until, "", reasons)


def _review(
    ct: CompiledTiers,
    info: ProgramInfo,
    state: MemberState,
    moment: datetime,
    reasons: list[Reason],
) -> MemberState:
    """A review at ``moment``: figures of the window just ended decide up, stay or down."""
    earned = state.tiers.earned_change
    assert earned is not None
    current = ct.by_id[earned.tier]
    just_ended = span_at(ct, info, state, moment - TICK)
    figs = figures_in(ct, info, state, just_ended, moment - TICK)
    reached = qualified_rank(ct, figs)
    if reached > current.rank:
        tier = ct.ladder[reached]
        return earn(
            ct, state, moment, tier, "upgrade", validity_for(tier, info, moment - TICK), "", reasons
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
    kept = retained_rank(ct, figs, current.rank)
    # The moment whose window earned the tier kept (or landed on): a tier held for a stated
    # time runs its term from the window that earned it.
    earned_in = moment - TICK
    if valid_until is not None and just_ended.start is not None and just_ended.end != moment:
        # A validity end inside a window (28 Feb of a calendar-year ladder) would judge a few
        # weeks of figures; the last full window counts too.
        before = span_at(ct, info, state, just_ended.start - TICK)
        kept_before = retained_rank(ct, figures_in(ct, info, state, before, moment), current.rank)
        if kept_before > kept or kept == 0:
            # Silver kept (or landed on) at the end of February on last year's nights is held
            # for the term last year earns, to the end of next February, not one from today.
            kept = max(kept, kept_before)
            earned_in = just_ended.start - TICK
    if kept >= current.rank:
        if current.validity is None:
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
    then = figures_in(ct, info, state, span_at(ct, info, state, earned.at), moment - TICK)
    return qualified_rank(ct, then) < current.rank


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
    """
    if isinstance(tier.validity, ValidityFromUpgrade):
        return validity_for(tier, info, moment)
    return validity_for(tier, info, earned_in)


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


# --- events ------------------------------------------------------------------------------------


def on_event(ctx: ApplyContext, state: MemberState) -> tuple[MemberState, list[Reason]]:
    """React to the event in ``ctx``; the core has already recorded orders and activities."""
    ct = ctx.program.tiers
    event = ctx.event
    if ct is None:
        if isinstance(event, TierGrant):
            raise EventError(
                event.id,
                "the programme has no tiers: section, so no tier can be granted",
                field="tier",
                code="no_tiers",
            )
        return state, []
    info = ctx.program.info
    reasons: list[Reason] = []
    state = start(ct, state)
    if isinstance(event, TierGrant):
        return _grant(ct, state, event, reasons), reasons
    if isinstance(event, Refund) and ct.refunds == "at_once":
        state = _refund_at_once(ct, info, state, event, reasons)
    if ct.upgrade == "immediate":
        state = _qualify_now(ct, info, state, event.at, event.id, reasons)
    return state, reasons


def _qualify_now(
    ct: CompiledTiers,
    info: ProgramInfo,
    state: MemberState,
    moment: datetime,
    event_id: str,
    reasons: list[Reason],
) -> MemberState:
    earned = state.tiers.earned_change
    assert earned is not None
    current = ct.by_id[earned.tier]
    span = span_at(ct, info, state, moment)
    figs = figures_in(ct, info, state, span, moment)
    reached = qualified_rank(ct, figs)
    if reached > current.rank:
        tier = ct.ladder[reached]
        return earn(
            ct, state, moment, tier, "upgrade", validity_for(tier, info, moment), event_id, reasons
        )
    # Earned again: a tier held "for the rest of this year and next" runs on from this year.
    # Only figures of a window begun after the tier was earned earn it again: a rolling window
    # still holding the upgrade's own figures does not move a "12 months from upgrade" term.
    # A term "N months from the upgrade" is reviewed at its end on the figures then, never
    # moved by figures met again on the way.
    fresh = (
        span.start is not None
        and span.start > earned.at
        and not isinstance(current.validity, ValidityFromUpgrade)
    )
    if reached == current.rank and current.rank > 0 and fresh:
        valid = validity_for(current, info, moment)
        if valid is not None and earned.valid_until is not None and valid > earned.valid_until:
            return earn(ct, state, moment, current, "requalify", valid, event_id, reasons)
    if reached >= current.rank and state.tiers.pending is not None:
        reasons.append(Reason.of("tier.downgrade_cancelled", current.path, tier=current.name))
        return with_tiers(state, pending=None)
    return state


def _refund_at_once(
    ct: CompiledTiers,
    info: ProgramInfo,
    state: MemberState,
    event: Refund,
    reasons: list[Reason],
) -> MemberState:
    earned = state.tiers.earned_change
    assert earned is not None
    current = ct.by_id[earned.tier]
    since = earned_since(state.tiers.earned)
    order = state.order(event.order)
    if current.rank == 0 or since is None or order is None:
        return state
    span = span_at(ct, info, state, since)
    # Only a refund of an order in the window that earned the tier can take the tier away.
    if not span.holds(order.at):
        return state
    reached = qualified_rank(ct, figures_in(ct, info, state, span, event.at))
    floor = ct.rank(state.tiers.lifetime) if state.tiers.lifetime else 0
    target = max(reached, floor)
    if target >= current.rank:
        return state
    tier = ct.ladder[target]
    return earn(ct, state, event.at, tier, "refund", None, event.id, reasons)


def _grant(
    ct: CompiledTiers, state: MemberState, event: TierGrant, reasons: list[Reason]
) -> MemberState:
    tier = ct.by_id.get(event.tier)
    if tier is None:
        import difflib

        close = difflib.get_close_matches(event.tier, list(ct.by_id), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else f" (tiers: {', '.join(ct.by_id)})"
        raise EventError(
            event.id, f"unknown tier {event.tier!r}{hint}", field="tier", code="unknown_tier"
        )
    start = event.start or event.at
    if event.start is None and tier.paid:
        # A renewal bought before the period ends runs on from the end of the period held.
        for held in state.tiers.grants:
            if held.tier == tier.id and held.end is not None and held.start <= start < held.end:
                start = held.end
    end = event.until
    if end is None and tier.paid:
        end = start + relativedelta(months=tier.months)
    if end is not None and end <= start:
        raise EventError(
            event.id, "the grant ends before it starts", field="until", code="bad_range"
        )
    record = TierGrantRecord(
        event.id, tier.id, start, end, event.reason, alongside=tier.placement == "alongside"
    )
    state = with_tiers(state, grants=(*state.tiers.grants, record))
    if end is None:
        reasons.append(Reason.of("tier.granted_open", tier.path, tier=tier.name, start=start))
    else:
        reasons.append(Reason.of("tier.granted", tier.path, tier=tier.name, start=start, end=end))
    return sync(ct, state, event.at, "grant", event.id, reasons)
