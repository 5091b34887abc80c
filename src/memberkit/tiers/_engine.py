"""How the tiers part reacts to time passing and to events.

A member starts in the base (first) tier: the first ``advance`` (which the engine runs before
every event, and the queries before answering) records an ``initial`` change at the joining
moment. From then on:

- ``advance`` carries out, in time order, what falls due up to a moment (reviews in ``_review``): grace periods ending
  (the decided downgrade takes effect), grants starting and ending, reviews, and validity ends
  (a tier held "until 28 Feb" is reviewed then, on the better of the window just ended and the
  one before it), credits posting (a measure's ``posts:``), which upgrade at that moment
  when the programme upgrades at once, and upgrades judged earlier taking effect
  (``upgrade: {effective: ...}``, in ``_pending``).
- ``on_event`` upgrades at once when the programme says so (several steps if the figures reach
  them; or records the upgrade to take effect later), extends the validity of a tier earned again, records grants, and demotes at once on a
  refund when ``refunds: at_once``.

Every change of the tier in force is appended to ``TierState.history`` with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from .._compiled import CompiledProgram
from .._context import ApplyContext
from .._errors import EventError
from .._events import Opening, Refund, TierGrant
from .._program import ProgramInfo
from .._reasons import Reason
from .._state import MemberState
from ._compile import CompiledTiers
from ._history import earn, start, sync, validity_for, with_tiers
from ._ladder import TICK, Judged, earned_since, qualified_rank
from ._measures import next_posting
from ._model import ValidityFromUpgrade
from ._opening import open_member
from ._pending import schedule, take_effect
from ._review import review
from ._state import TierChange, TierGrantRecord
from ._windows import midnight, next_review

__all__ = [
    "Judge",
    "begin",
    "current_tier",
    "next_due",
    "on_event",
    "on_version",
    "reviews_at",
    "run_due",
]


Judge = Callable[[MemberState], tuple[CompiledTiers, tuple[Reason, ...]]]
"""Chooses the tiers edition (and the reasons saying so) that judges a member's review."""


def current_tier(state: MemberState) -> str | None:
    """The tier id recorded as in force in the state (None before any tier is recorded)."""
    return state.tiers.current


# --- time --------------------------------------------------------------------------------------
# The core's agenda (``memberkit._agenda``) asks each part for its next due moment and then has
# every part carry out what is due at that moment, in one fixed order; nothing here loops on its
# own, so a review never reads a points or version state from another moment.


def begin(program: CompiledProgram, state: MemberState) -> MemberState:
    """The state with the base tier recorded at joining, if no tier is recorded yet."""
    ct = program.tiers
    return state if ct is None else start(ct, state)


def next_due(
    program: CompiledProgram, state: MemberState, after: datetime, until: datetime
) -> datetime | None:
    """The first moment in (``after``, ``until``] at which time alone changes the tiers."""
    ct = program.tiers
    if ct is None or not state.tiers.history:
        return None
    due = _next_due(ct, program.info, state, after, until)
    return None if due is None else due[0]


def reviews_at(program: CompiledProgram, state: MemberState, moment: datetime) -> bool:
    """Whether the tiers part reviews the member at ``moment`` (a review date or a validity end)."""
    ct = program.tiers
    if ct is None:
        return False
    due = _next_due(ct, program.info, start(ct, state), moment - TICK, moment)
    return due is not None and due[0] == moment and due[1]


def run_due(
    program: CompiledProgram,
    state: MemberState,
    moment: datetime,
    reasons: list[Reason],
    judge: Judge | None = None,
) -> MemberState:
    """Carry out what falls due at ``moment``: a grace period's end, grant edges, a review.

    ``judge`` chooses the tiers edition a review is judged by from the member's status (a
    version's ``reviews:``, ``memberkit._judging``); without it, the edition in force.
    """
    ct = program.tiers
    if ct is None:
        return state
    state = start(ct, state)
    due = _next_due(ct, program.info, state, moment - TICK, moment, rises=False)
    if due is not None:
        pending = state.tiers.pending
        if pending is not None and pending.at <= moment:
            state = _apply_pending(ct, state, pending, reasons)
        # An upgrade judged earlier takes effect before a review at the same moment, which
        # then judges the new tier (as it would have, had the upgrade been at once).
        state = take_effect(ct, program.info, state, moment, reasons)
        state = sync(ct, state, moment, "grant_end", "", reasons)
        if due[1]:
            judged, said = (ct, ()) if judge is None else judge(state)
            reasons.extend(said)
            reach = None if judged is ct else ct
            state = review(judged, program.info, state, moment, reasons, reach)
        state = with_tiers(state, reviewed_until=moment)
    # Whether the figures rise to a tier above the one held is asked after the review: a review
    # landing lower at this moment leaves a posting (or a month ending) that reaches the tier
    # it held due now.
    if _rise_due(ct, program.info, state, moment - TICK, moment) == moment:
        # A credit posting now, or a month ending for a ladder counting whole months, may reach
        # a tier: the upgrade happens at that moment, as it would at an event then (after a
        # review due at the same moment, whose window the credit, posted in the next one, does
        # not belong to).
        earned = state.tiers.earned_change
        if earned is not None and earned.tier in ct.by_id:
            state = _qualify_now(ct, program.info, state, moment, "", reasons)
    return state


def _rise_due(
    ct: CompiledTiers, info: ProgramInfo, state: MemberState, done: datetime, until: datetime
) -> datetime | None:
    """The first moment in (``done``, ``until``] the figures may rise without an event.

    A credit posts (a measure's ``posts:``); or a month ends under a tier judged on whole months
    before the current one, bringing the month just ended into its window: that moment is due
    when the figures then reach a tier above the one held.
    """
    if ct.upgrade != "immediate":
        return None
    earned = state.tiers.earned_change
    if earned is None or earned.tier not in ct.by_id:
        return None
    # An upgrade already judged (taking effect later) is not reached again by rising figures.
    waiting = max((ct.rank(u.tier) for u in state.tiers.upgrades_due), default=0)
    held = max(ct.by_id[earned.tier].rank, waiting)
    posted = _upgrading_posting(ct, info, state, done, until, held) if ct.posting else None
    if not ct.rises_monthly:
        return posted
    # Only the first month end can bring anything in: no event falls after ``done``, and a
    # credit posting first is due first (the month after it is looked at from there).
    month = _month_after(info, done)
    if month > until or (posted is not None and posted <= month):
        return posted
    if qualified_rank(ct, Judged(ct, info, state, month, month)) > held:
        return month
    return posted


def _upgrading_posting(
    ct: CompiledTiers,
    info: ProgramInfo,
    state: MemberState,
    done: datetime,
    until: datetime,
    held: int,
) -> datetime | None:
    """The first credit posting in (``done``, ``until``] that takes the member above ``held``.

    A posting that reaches no higher tier changes nothing then (the figures read it whenever
    asked), so it is not a due moment.
    """
    after = done
    while True:
        posted = next_posting(ct.measures, state.activities, after, until, info.tz)
        if posted is None:
            return None
        if qualified_rank(ct, Judged(ct, info, state, posted, posted)) > held:
            return posted
        after = posted


def _month_after(info: ProgramInfo, moment: datetime) -> datetime:
    """The first local midnight starting a month after ``moment``."""
    local = info.local(moment).date()
    return midnight((local.replace(day=1) + relativedelta(months=1)), info.tz)


def on_version(
    program: CompiledProgram, state: MemberState, moment: datetime, reasons: list[Reason]
) -> MemberState:
    """A new policy version takes effect at ``moment``: its thresholds apply to everyone now.

    With immediate upgrades, a member whose figures meet a lowered threshold moves up on the
    version's first day, not at their next purchase.
    """
    ct = program.tiers
    if ct is None or ct.upgrade != "immediate":
        return state
    state = start(ct, state)
    if state.tiers.earned_change is None or state.tiers.earned_change.tier not in ct.by_id:
        return state
    return _qualify_now(ct, program.info, state, moment, "", reasons)


def _next_due(
    ct: CompiledTiers,
    info: ProgramInfo,
    state: MemberState,
    done: datetime,
    until: datetime,
    *,
    rises: bool = True,
) -> tuple[datetime, bool] | None:
    """The next moment after ``done`` (up to ``until``) something falls due, and whether a review.

    ``rises``: whether figures rising without an event (a credit posting, a month ending; the
    upgrade they may bring) count as due.
    """
    local_done = info.local(done)
    local_until = info.local(until)
    candidates: list[tuple[datetime, bool]] = []
    earned = state.tiers.earned_change
    upgraded = _last_upgrade_at(state)
    anchor = ct.review_anchor_of(state)
    review = (
        next_review(ct.review, ct.window, local_done, anchor, upgraded)
        if anchor is not None
        else None
    )
    if review is not None and review <= local_until:
        candidates.append((review, True))
    if earned is not None and earned.valid_until is not None and done < earned.valid_until <= until:
        candidates.append((earned.valid_until, True))
    pending = state.tiers.pending
    if pending is not None and done < pending.at <= until:
        candidates.append((pending.at, False))
    candidates.extend((u.at, False) for u in state.tiers.upgrades_due if done < u.at <= until)
    candidates.extend(
        (edge, False)
        for grant in state.tiers.grants
        for edge in (grant.start, grant.end)
        if edge is not None and done < edge <= until
    )
    rise = _rise_due(ct, info, state, done, until) if rises else None
    if rise is not None:
        candidates.append((rise, False))
    if not candidates:
        return None
    first = min(c[0] for c in candidates)
    return first, any(review for moment, review in candidates if moment == first)


def _last_upgrade_at(state: MemberState) -> datetime | None:
    for change in reversed(state.tiers.earned):
        if change.reason in ("upgrade", "opening"):
            return change.at
    return None


def _apply_pending(
    ct: CompiledTiers, state: MemberState, pending: TierChange, reasons: list[Reason]
) -> MemberState:
    tier = ct.by_id[pending.tier]
    return earn(ct, state, pending.at, tier, "downgrade", pending.valid_until, "", reasons)


# --- events ------------------------------------------------------------------------------------


def on_event(ctx: ApplyContext, state: MemberState) -> tuple[MemberState, list[Reason]]:
    """React to the event in ``ctx``; the core has already recorded orders and activities."""
    ct = ctx.program.tiers
    event = ctx.event
    if ct is None:
        if isinstance(event, TierGrant) or (
            isinstance(event, Opening) and (event.tier is not None or event.figures)
        ):
            raise EventError(
                event.id,
                "the programme has no tiers: section, so no tier can be granted or opened "
                "with; give only balances",
                field="tier",
                code="no_tiers",
            )
        return state, []
    info = ctx.program.info
    reasons: list[Reason] = []
    state = start(ct, state)
    if isinstance(event, TierGrant):
        return _grant(ct, info, state, event, reasons), reasons
    if isinstance(event, Opening):
        state = open_member(ct, info, state, event, reasons)
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
    judged = Judged(ct, info, state, moment, moment)
    reached = qualified_rank(ct, judged)
    if reached > current.rank and ct.delay is not None:
        # ``upgrade: {effective: ...}``: judged now, in force from a later local midnight.
        return schedule(ct, info, state, ct.ladder[reached], moment, event_id, reasons)
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
    span = judged.span(current.qualify_window)
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
    # A tier carried over at opening was not earned on these figures: a return cannot take it
    # back at once; its review at the end of its term judges the figures.
    if current.rank == 0 or since is None or order is None or earned.reason == "opening":
        return state
    judged = Judged(ct, info, state, since, event.at)
    # Only a refund of an order in the window that earned the tier can take the tier away.
    if not judged.span(current.qualify_window).holds(order.at):
        return state
    reached = qualified_rank(ct, judged)
    floor = ct.rank(state.tiers.lifetime) if state.tiers.lifetime else 0
    target = max(reached, floor)
    if target >= current.rank:
        return state
    tier = ct.ladder[target]
    return earn(ct, state, event.at, tier, "refund", None, event.id, reasons)


def _grant(
    ct: CompiledTiers,
    info: ProgramInfo,
    state: MemberState,
    event: TierGrant,
    reasons: list[Reason],
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
    if event.through is not None:
        # "Valid through 31 Dec": held until that day ends on the programme's calendar.
        end = midnight(event.through + timedelta(days=1), info.tz)
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
        reasons.append(
            Reason.of(
                "tier.granted",
                tier.path,
                tier=tier.name,
                start=start,
                end=end,
                through=info.local_date(end - TICK),
            )
        )
    return sync(ct, state, event.at, "grant", event.id, reasons)
