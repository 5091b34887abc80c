"""How the points part reacts to time passing and to events.

- time: lots whose expiry has come are expired (dated lots at their date, unless a protected
  tier is held; inactivity expiry when the member did nothing that counts for N months);
- a purchase earns (the tier in force at the order's time sets multipliers), a refund takes back
  what each returned line earned, an activity earns its bonuses and may release pending points;
- redemptions (``_spend``) and their cancels (``_cancel``), transfers, exchanges and
  adjustments (``_transfer``) and paid extensions (``_extend``) move points between lots and
  the journal;
- a tier upgrade earns upgrade bonuses and may push the expiry of every held lot.

This module routes each event and owns what earning and refunds book; the ledger (``_ledger``)
owns the lots.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter

from dateutil.relativedelta import relativedelta

from .._compiled import CompiledProgram
from .._context import ApplyContext, Capture, Refused
from .._errors import EventError
from .._events import (
    Activity,
    Adjustment,
    Event,
    Opening,
    PointsExtension,
    Purchase,
    Redemption,
    RedemptionCancel,
    Refund,
    Transfer,
)
from .._evolve import replace
from .._instants import fixed_offset
from .._program import ProgramInfo
from .._reasons import Reason
from .._scan import positions
from .._state import MemberState
from ..tiers._state import TierState
from ._activity import last_activity as _last_activity
from ._cancel import cancel
from ._compile import (
    PENDING_PATH,
    REVERSAL_PATH,
    CompiledCurrency,
    CompiledPoints,
    CompiledRule,
    resolve_currency,
)
from ._earn import Contribution, earn_activity, earn_purchase, earn_redemption, earn_upgrade
from ._extend import apply_campaigns, extend_paid, extend_while_held, push_lots
from ._ledger import (
    add_debt,
    credit,
    dates_reached,
    effective_expiry,
    end_of_day,
    expiry_for,
    first_edge,
    protected_at,
    reached_span,
    released_between,
    replaced,
    spend,
    unprotected_after,
    with_currencies,
)
from ._model import RulePendingSpec
from ._rounding import line_of, tender_of
from ._spend import redeem
from ._state import CapUse, Earning, JournalEntry, Lot, PointsState
from ._timed import TierMoment, next_timed, run_timed
from ._transfer import adjust, open_balances, transfer

__all__ = [
    "inactivity_deadline",
    "next_due",
    "on_agenda_tier",
    "on_event",
    "on_tier_change",
    "run_due",
    "settle",
]

Points = int | Decimal
_INSTANT = timedelta(microseconds=1)


def _last_day(info: ProgramInfo, expires_at: datetime) -> object:
    return info.local_date(expires_at - _INSTANT)


# --- time ----------------------------------------------------------------------------------------


def inactivity_deadline(info: ProgramInfo, last: datetime, months: int) -> datetime:
    """When points lapse after ``months`` without activity, the last activity being at ``last``.

    Programmes count inactivity in days: the points stay valid through the same day ``months``
    later (the whole of it) unless the programme counts in instants (``program.time_basis``).
    """
    if info.time_basis == "instants":
        return fixed_offset(info.local(last) + relativedelta(months=months))
    day = info.local_date(last) + relativedelta(months=months)
    return end_of_day(day, info)


def _live(lot: Lot) -> bool:
    return lot.remaining > 0 and not lot.expired


def _held_throughout(
    points: CompiledPoints,
    tiers: TierState,
    reached: dict[str, tuple[datetime, datetime]],
    until: datetime,
) -> set[str]:
    """Currencies none of whose lots dated by ``until`` is due (``reached``: the span of those
    dates, by currency): a protected tier is held from the earliest date through ``until``, so
    at every later date too."""
    held: set[str] = set()
    if not points.shields:
        return held
    for currency_id, (earliest, _) in reached.items():
        shield = points.shields.get(currency_id)
        if not shield or not protected_at(earliest, shield, tiers):
            continue
        end = unprotected_after(earliest, shield, tiers)
        if end is None or end > until:
            held.add(currency_id)
    return held


def next_due(
    program: CompiledProgram, state: MemberState, after: datetime, until: datetime
) -> datetime | None:
    """The first moment in (``after``, ``until``] at which time alone changes the points.

    Dated lots reaching their date, pending lots becoming spendable, and the inactivity deadline.
    A lot kept past its date by a protected tier falls due when the tier is lost, which is a
    tiers item of the same agenda: every part is brought to every agenda moment.
    """
    points = program.points
    if points is None:
        return None
    lots = state.points.lots
    first = first_edge(lots, after, until)
    if points.shields:
        # Lots kept past their date by a protected tier fall due when the tier is known to end.
        # Only a currency's latest date reached can tell: a lot dated d falls due in (after,
        # until] only if a protected tier is held from d through ``after``, so also from the
        # latest date, and then both fall due at the first moment no protected tier is held.
        for currency_id, (_, latest) in reached_span(lots, after).items():
            shield = points.shields.get(currency_id)
            if not shield:
                continue
            edge = effective_expiry(latest, shield, state.tiers)
            if edge is not None and after < edge <= until and (first is None or edge < first):
                first = edge
    for currency in points.currencies:
        expiry = currency.expiry
        if expiry is None or expiry.inactivity_months is None:
            continue
        if not any(_live(lot) and lot.currency == currency.id for lot in lots):
            continue
        last = _last_activity(state, expiry.activity, until)
        deadline = inactivity_deadline(program.info, last, expiry.inactivity_months)
        if after < deadline <= until and (first is None or deadline < first):
            first = deadline
    if points.timed:
        timed = next_timed(points.timed, program.info, state, after, first or until)
        if timed is not None and (first is None or timed < first):
            first = timed
    return first


def settle(
    program: CompiledProgram,
    state: MemberState,
    moment: datetime,
    reasons: list[Reason] | None,
) -> MemberState:
    """What falls due at the very moment time starts from: campaigns reach the lots held, and
    lots whose protecting tier an event just took away expire then."""
    points = program.points
    if points is None or not (points.shields or points.has_campaigns):
        return state
    return run_due(program, state, moment, moment, reasons)


def run_due(
    program: CompiledProgram,
    state: MemberState,
    after: datetime,
    moment: datetime,
    reasons: list[Reason] | None,
    tiers: TierMoment | None = None,
) -> MemberState:
    """Carry out what falls due by ``moment``: campaigns, pending lots released, expiry, and
    the timed rules (``tiers`` says what the tiers part did at ``moment``).

    ``reasons`` None: nobody reads what happened, so nothing is explained.
    """
    points = program.points
    if points is None:
        return state
    info = program.info
    sink: list[Reason] = [] if reasons is None else reasons
    # Campaigns push expiry before anything is expired, so a lot they cover never lapses.
    if points.has_campaigns:
        state, found = apply_campaigns(points, info, state, moment)
        sink += found
    if reasons is not None and after < moment:
        released: dict[str, Points] = {}
        for _, currency_id, amount in released_between(state.points.lots, after, moment):
            released[currency_id] = released.get(currency_id, 0) + amount
        for currency in points.currencies:
            if currency.id not in released:
                continue
            amount = released[currency.id]
            reasons.append(
                Reason.of(
                    "points.now_available",
                    PENDING_PATH,
                    points=amount,
                    currency=currency.name,
                    date=info.local_date(moment),
                )
            )
    if not points.timed:
        return _expire(program, points, state, moment, sink)
    # Timed extensions act before the moment's expiry (a year extended at its end is not lost),
    # timed expiry after it (a share is taken of what is left). A version's rules act on its
    # own moments only: none before it takes effect.
    start = program.effective_from
    since = after if start is None or start <= after else start - _INSTANT
    state = run_timed(points, info, state, since, moment, reasons, extends=True, tiers=tiers)
    state = _expire(program, points, state, moment, sink)
    return run_timed(points, info, state, since, moment, reasons, extends=False, tiers=tiers)


def _expire(
    program: CompiledProgram,
    points: CompiledPoints,
    state: MemberState,
    until: datetime,
    reasons: list[Reason],
) -> MemberState:
    """Expire every lot whose time has come by ``until``, with a journal entry per lot.

    Lots kept by a tier held at their date (``extend_while_tier``) are pushed back first.
    """
    info = program.info
    if points.extends_while_held:
        state, kept = extend_while_held(points, info, state, until)
        reasons += kept
    due: dict[str, datetime] = {}
    lots_now = state.points.lots
    # Lots whose date has come (a protected tier only ever postpones expiry, so a date still
    # ahead is never due). Lots share expiry dates (a fixed 31 Dec expires a whole year's lots
    # at once), and a protected tier's answer depends only on the date: worked out once per date
    # from the index, so the lots are only scanned when some of them really expire.
    answers: dict[tuple[datetime, str], datetime] = {}
    reached = reached_span(lots_now, until)
    held = _held_throughout(points, state.tiers, reached, until)
    for date_, currency_id in dates_reached(lots_now, until) if len(held) < len(reached) else ():
        expiry = points.by_id[currency_id].expiry
        if expiry is None or expiry.inactivity_months is not None or currency_id in held:
            continue
        moment = effective_expiry(date_, expiry.never_while_tier, state.tiers)
        if moment is not None and moment <= until:
            answers[(date_, currency_id)] = moment
    if answers:
        for lot in lots_now:
            if lot.expires_at is not None and _live(lot):
                found = answers.get((lot.expires_at, lot.currency))
                if found is not None:
                    due[lot.id] = found
    for currency in points.currencies:
        expiry = currency.expiry
        if expiry is None or expiry.inactivity_months is None:
            continue
        lots = [lot for lot in lots_now if lot.currency == currency.id and _live(lot)]
        if not lots:
            continue
        last = _last_activity(state, expiry.activity, until)
        deadline = inactivity_deadline(info, last, expiry.inactivity_months)
        moment = effective_expiry(deadline, expiry.never_while_tier, state.tiers)
        if moment is not None and moment <= until:
            due.update({lot.id: moment for lot in lots if lot.earned_at < deadline})
    if not due:
        return state
    entries: list[JournalEntry] = []
    lots_out: list[Lot] = []
    changes: list[tuple[Lot, Lot | None]] = []
    # One explanation per currency and day, however many lots held the points.
    lost: dict[tuple[date, str], Points] = {}
    for lot in state.points.lots:
        moment = due.get(lot.id)
        if moment is None:
            lots_out.append(lot)
            continue
        lots_out.append(replace(lot, remaining=0, expired=True))
        changes.append((lot, lots_out[-1]))
        # The entry names the lot it expired (``rule``), so a later refund of the order knows
        # which of its points were already lost to expiry.
        entries.append(
            JournalEntry(moment, lot.source, lot.currency, "expire", -lot.remaining, lot.id)
        )
        key = (info.local_date(moment - _INSTANT), lot.currency)
        lost[key] = lost.get(key, 0) + lot.remaining
    for (day, currency_id), amount in sorted(
        lost.items(),
        key=lambda item: (item[0][0], points.currencies.index(points.by_id[item[0][1]])),
    ):
        currency = points.by_id[currency_id]
        reasons.append(
            Reason.of(
                "points.expired", currency.path, points=amount, currency=currency.name, date=day
            )
        )
    entries.sort(key=lambda e: e.at)
    moved = replaced(state.points.lots, tuple(lots_out), changes)
    new = replace(state.points, lots=moved, journal=(*state.points.journal, *entries))
    return state.evolve(points=new)


# --- events --------------------------------------------------------------------------------------


def on_event(ctx: ApplyContext, state: MemberState) -> tuple[MemberState, list[Reason]]:
    """React to the event in ``ctx``; the core has already recorded orders and activities."""
    event = ctx.event
    points = ctx.program.points
    if points is None:
        if isinstance(
            event, Redemption | RedemptionCancel | Transfer | Adjustment | PointsExtension
        ) or (isinstance(event, Opening) and event.balances):
            raise EventError(
                event.id, "the programme has no points section", code="no_points_programme"
            )
        return state, []
    if state.points.closed:
        _refuse_if_closed(points, state, event)
    if isinstance(event, Purchase):
        return _purchase(ctx, points, state, event)
    if isinstance(event, Refund):
        return _refund(ctx, points, state, event)
    if isinstance(event, Activity):
        return _activity(ctx, points, state, event)
    if isinstance(event, Redemption):
        state, reasons = redeem(ctx, points, state, event)
        return _redemption_earns(ctx, points, state, event, reasons)
    if isinstance(event, RedemptionCancel):
        state, reasons = cancel(ctx, points, state, event)
        return _take_back_redemption_earnings(ctx, points, state, event, reasons)
    if isinstance(event, Transfer):
        return transfer(ctx, points, state, event)
    if isinstance(event, Adjustment):
        return adjust(ctx, points, state, event)
    if isinstance(event, Opening):
        return open_balances(ctx, points, state, event)
    if isinstance(event, PointsExtension):
        currency = resolve_currency(points, event.currency, event.id)
        return extend_paid(ctx, points, currency, state, event)
    return state, []


def _refuse_if_closed(points: CompiledPoints, state: MemberState, event: Event) -> None:
    """Refuse an event that would move points of a currency whose account a timed rule closed."""
    currency_id: str | None
    if isinstance(event, Redemption | Transfer | Adjustment | PointsExtension):
        currency_id = resolve_currency(points, event.currency, event.id).id
    elif isinstance(event, RedemptionCancel):
        record = next((r for r in state.points.redemptions if r.id == event.redemption), None)
        currency_id = record.currency if record is not None else None
    else:
        return
    if currency_id is not None and state.points.closed_at(currency_id) is not None:
        currency = points.by_id[currency_id]
        raise Refused(Reason.of("points.closed", currency.path, currency=currency.name))


def _book_earned(
    ctx: ApplyContext,
    points: CompiledPoints,
    state: MemberState,
    earned: tuple[list[Contribution], list[Reason]],
    *,
    lot_suffix: str = "",
    pending: bool = False,
    order: str = "",
) -> tuple[MemberState, list[Reason]]:
    """Book what an earning pass found; its skipped rules are explained first (and captured)."""
    found, skipped = earned
    if ctx.capture is not None:
        ctx.capture.skipped.extend(skipped)
    state, booked = _credit(
        ctx.program.info,
        ctx.capture,
        _Source(ctx.event.id, ctx.event.at),
        points,
        state,
        found,
        lot_suffix=lot_suffix,
        pending=pending,
        order=order,
    )
    return state, skipped + booked


@dataclass(frozen=True, slots=True)
class _Source:
    """What points are credited for: an event, or a tier moment on the agenda (an upgrade at a
    review), by its id and moment."""

    id: str
    at: datetime


def _credit(
    info: ProgramInfo,
    capture: Capture | None,
    event: _Source,
    points: CompiledPoints,
    state: MemberState,
    found: Sequence[Contribution],
    *,
    lot_suffix: str = "",
    pending: bool = False,
    order: str = "",
) -> tuple[MemberState, list[Reason]]:
    """Credit contributions: one lot per currency, journal entries, earnings and cap uses."""
    ps = state.points
    reasons: list[Reason] = []
    if ps.closed and found:
        # Nothing is earned in a currency whose account a timed rule closed.
        shut = {c.currency for c in found if ps.closed_at(c.currency) is not None}
        found = [c for c in found if c.currency not in shut]
        reasons += [
            Reason.of("points.closed", points.by_id[cid].path, currency=points.by_id[cid].name)
            for cid in sorted(shut)
        ]
        if not found:
            return state, reasons
    # A milestone event that earns nothing moves only its count; a milestone paid raises the
    # period's highest paid count, so a refund that lowers the count never pays it twice.
    caps: list[CapUse] = []
    for c in found:
        if c.rule.milestone is not None and c.counts_only:
            caps.append(CapUse(c.rule.count_key, event.id, event.at, 1))
        elif c.raise_paid:
            caps.append(CapUse(c.rule.paid_key, event.id, event.at, c.raise_paid))
    found = [c for c in found if not c.counts_only]
    if not found and not caps:
        return state, reasons
    if capture is not None:
        capture.contributions.extend(found)
    # Only the new entries are gathered here; each history tuple is copied once, at the end.
    journal: list[JournalEntry] = []
    earnings: list[Earning] = []
    # Per currency and pending (None: the section's), what the event credits.
    totals: dict[tuple[str, str], Points] = {}
    per_currency: dict[str, Points] = {}
    for c in found:
        currency = points.by_id[c.currency]
        journal.append(JournalEntry(event.at, event.id, c.currency, c.kind, c.points, c.rule.id))
        own = c.rule.id if c.rule.pending is not None else ""
        totals[(c.currency, own)] = totals.get((c.currency, own), 0) + c.points
        per_currency[c.currency] = per_currency.get(c.currency, 0) + c.points
        if order and capture is None:
            # What a refund of the order takes back (a quoted order is never refunded).
            earnings += _order_earnings(order, c)
        if any(cap.per != "event" for cap in c.rule.caps) and c.points > 0:
            caps.append(CapUse(c.rule.id, event.id, event.at, c.points))
        if capture is None:
            # A quote explains its contributions itself, when its reasons are read.
            reasons.append(c.reason(currency))
    for currency_id, total in per_currency.items():
        if any(cap.per != "event" for cap in points.by_id[currency_id].earn_caps):
            caps.append(CapUse(points.by_id[currency_id].cap_key, event.id, event.at, total))
    if capture is not None:
        return _quoted(state, journal, caps), reasons
    earnings = _net_earnings(earnings)
    ps = replace(
        ps,
        journal=ps.journal + tuple(journal),
        earnings=with_currencies(
            ps.earnings, ps.earnings + tuple(earnings), (e.currency for e in earnings)
        )
        if earnings
        else ps.earnings,
        cap_uses=ps.cap_uses + tuple(caps) if caps else ps.cap_uses,
    )
    rules = {c.rule.id: c.rule for c in found}
    for (currency_id, rule_id), total in _netted(totals).items():
        currency = points.by_id[currency_id]
        own_pending = rules[rule_id].pending if rule_id else None
        available_at: datetime | None
        if own_pending is not None:
            available_at, reason = _rule_available(rules[rule_id], own_pending, event.at, info)
            if reason is not None:
                reasons.append(
                    Reason.of(
                        "points.pending",
                        reason,
                        points=total,
                        currency=currency.name,
                        date=info.local_date(available_at),
                    )
                )
        else:
            available_at, found_reason = _section_available(
                points, currency, total, event.at, info, pending=pending
            )
            reasons += found_reason
        lot = Lot(
            id=f"{event.id}/{currency_id}{lot_suffix}" + (f"/{rule_id}" if rule_id else ""),
            currency=currency_id,
            amount=total,
            remaining=total,
            earned_at=event.at,
            available_at=available_at,
            expires_at=expiry_for(currency.expiry, event.at, info, state.joined_at),
            source=event.id,
        )
        ps = credit(ps, lot)
    return state.evolve(points=ps), reasons


def _quoted(state: MemberState, journal: list[JournalEntry], caps: list[CapUse]) -> MemberState:
    """What a quoted event's credit leaves for the rest of the event to read.

    A quote's state is thrown away once every part has reacted (``apply_captured``), so only
    what a later step of the same event reads is booked: the journal lines (points measures of
    tiers and figures count them, so an upgrade the order causes is judged as on ``apply``) and
    the cap uses (an upgrade bonus the order causes is capped by what the order used). Lots,
    their dates and the reasons are read by no step that decides a contribution or a refusal
    (an upgrade's expiry push moves lots only), so a quote does not build them.
    """
    ps = state.points
    ps = replace(
        ps,
        journal=ps.journal + tuple(journal),
        cap_uses=ps.cap_uses + tuple(caps) if caps else ps.cap_uses,
    )
    return state.evolve(points=ps)


def _order_earnings(order: str, c: Contribution) -> list[Earning]:
    """What a contribution leaves for a refund to take back, line by line."""
    return [
        Earning(order, c.rule.id, c.currency, line_of(key), p, 0, c.kind, tender_of(key))
        for key, p in c.lines
    ]


def _net_earnings(earnings: list[Earning]) -> list[Earning]:
    """An order's earnings with each reducing multiplier's part taken off the line it reduces.

    A refund takes back what each rule left on each returned line; a ×0.4 class's negative part
    is not something to take back, so it lowers the earlier rules' part of its line instead
    (the latest first), and the order's earnings add up to what it credited.
    """
    if all(e.points >= 0 for e in earnings):
        return earnings
    out = [e for e in earnings if e.points >= 0]
    for minus in (e for e in earnings if e.points < 0):
        short = -minus.points
        for i in range(len(out) - 1, -1, -1):
            e = out[i]
            if short <= 0:
                break
            same_share = e.line == minus.line and e.tender == minus.tender
            if e.currency == minus.currency and same_share and e.points > 0:
                take = min(e.points, short)
                out[i] = replace(e, points=e.points - take)
                short -= take
    return [e for e in out if e.points != 0]


def _netted(totals: dict[tuple[str, str], Points]) -> dict[tuple[str, str], Points]:
    """Credits per lot: a reducing multiplier's negative part comes off the points it reduces.

    Multipliers have no pending of their own (the model refuses it), so their part is booked
    with the section's lot; when a multiplier below 1 takes that lot under nothing, the rest
    comes off the lots of the rules with their own pending, in policy order. A lot that nets to
    nothing is not credited.
    """
    out = dict(totals)
    for (currency_id, own), total in totals.items():
        if own or total >= 0:
            continue
        short = -total
        out[(currency_id, own)] = 0
        for key in out:
            if key[0] == currency_id and key[1] and short > 0:
                take = min(out[key], short)
                out[key] -= take
                short -= take
    return {key: total for key, total in out.items() if total > 0}


def _rule_available(
    rule: CompiledRule, spec: RulePendingSpec, at: datetime, info: ProgramInfo
) -> tuple[datetime, str | None]:
    """When a rule with its own pending makes its points spendable, and the path to say so."""
    path = f"{rule.path}.pending"
    if spec.date is not None:
        day = spec.date
        start = fixed_offset(datetime(day.year, day.month, day.day, tzinfo=info.tz))
        return (start, path) if start > at else (at, None)
    if spec.days:
        return fixed_offset(info.local(at) + timedelta(days=spec.days)), path
    return at, None


def _section_available(
    points: CompiledPoints,
    currency: CompiledCurrency,
    total: Points,
    at: datetime,
    info: ProgramInfo,
    *,
    pending: bool,
) -> tuple[datetime | None, list[Reason]]:
    """When points under the section's ``pending`` become spendable, and the reason saying so."""
    spec = points.pending
    if pending and spec.until is not None:
        reason = Reason.of(
            "points.pending_event",
            PENDING_PATH,
            points=total,
            currency=currency.name,
            until=spec.until,
        )
        return None, [reason]
    if pending and spec.days:
        # Days on the programme's calendar: the same instant written with any offset, or
        # across a change of clocks, becomes available at the same moment.
        available_at = fixed_offset(info.local(at) + timedelta(days=spec.days))
        reason = Reason.of(
            "points.pending",
            PENDING_PATH,
            points=total,
            currency=currency.name,
            date=info.local_date(available_at),
        )
        return available_at, [reason]
    return at, []


def _purchase(
    ctx: ApplyContext, points: CompiledPoints, state: MemberState, event: Purchase
) -> tuple[MemberState, list[Reason]]:
    tier = state.tiers.tier_at(event.at)
    earned = earn_purchase(points, ctx.program.info, state, event, tier)
    return _book_earned(ctx, points, state, earned, pending=True, order=event.id)


def _activity(
    ctx: ApplyContext, points: CompiledPoints, state: MemberState, event: Activity
) -> tuple[MemberState, list[Reason]]:
    reasons: list[Reason] = []
    release = points.pending.until
    if release is not None and event.kind == release:
        order = event.attributes.get("order")
        # Points of that order were waiting for this event (e.g. delivery confirmed).
        lots = tuple(
            replace(lot, available_at=event.at)
            if lot.source == order and lot.available_at is None and not lot.expired
            else lot
            for lot in state.points.lots
        )
        if lots != state.points.lots:
            state = state.evolve(points=replace(state.points, lots=lots))
            reasons.append(Reason.of("points.released", PENDING_PATH, order=str(order)))
    tier = state.tiers.tier_at(event.at)
    earned = earn_activity(points, ctx.program.info, state, event, tier)
    new, booked = _book_earned(ctx, points, state, earned)
    return new, reasons + booked


def _redemption_earns(
    ctx: ApplyContext,
    points: CompiledPoints,
    state: MemberState,
    event: Redemption,
    reasons: list[Reason],
) -> tuple[MemberState, list[Reason]]:
    """Book what an accepted redemption earns (rules ``on: redemption``) after the spend."""
    if not any(rule.on == "redemption" for rule in points.rules):
        return state, reasons
    tier = state.tiers.tier_at(event.at)
    earned = earn_redemption(points, ctx.program.info, state, event, tier)
    state, booked = _book_earned(ctx, points, state, earned)
    return state, reasons + booked


def _take_back_redemption_earnings(
    ctx: ApplyContext,
    points: CompiledPoints,
    state: MemberState,
    event: RedemptionCancel,
    reasons: list[Reason],
) -> tuple[MemberState, list[Reason]]:
    """A cancelled redemption earns nothing: what it earned is taken back, as a refund would.

    Its own lots go first; what was spent since comes off the member's other points as the
    policy's ``reversal`` says (a debt under ``negative``, a shortfall otherwise). The cap room
    and the milestone count it used are given back; a milestone it paid stays paid.
    """
    rid = event.redemption
    ps = state.points
    earned: dict[tuple[str, str], Points] = {}
    for entry in ps.journal:
        if entry.event_id == rid and entry.kind in ("earn", "bonus"):
            key = (entry.currency, entry.rule)
            earned[key] = earned.get(key, 0) + entry.points
    if not earned:
        return state, reasons
    paid = {r.paid_key for r in points.rules if r.milestone is not None}
    caps = tuple(
        replace(u, points=0) if u.event_id == rid and u.rule not in paid else u for u in ps.cap_uses
    )
    ps = replace(ps, cap_uses=caps)
    journal: list[JournalEntry] = []
    currencies = sorted({c for c, _ in earned}, key=lambda c: list(points.by_id).index(c))
    for currency_id in currencies:
        currency = points.by_id[currency_id]
        wanted = sum((p for (c, _), p in earned.items() if c == currency_id), 0)
        own = f"{rid}/{currency_id}"
        owns = (own, *(f"{own}/{r.id}" for r in points.rules if r.pending is not None))
        only_own = points.reversal == "pending_only"
        ps, _, short = spend(
            ps,
            currency_id,
            wanted,
            event.at,
            currency.spending_order,
            first=owns,
            only_first=only_own,
        )
        taken = wanted - short
        if points.reversal == "negative" and short > 0:
            ps = add_debt(ps, currency_id, short)
            taken, short = wanted, 0
        left = taken
        for (c, rule_id), part in earned.items():
            if c != currency_id or left <= 0:
                continue
            give = min(part, left)
            left -= give
            journal.append(JournalEntry(event.at, event.id, c, "reverse", -give, rule_id))
        reasons.append(
            Reason.of("points.reversed", REVERSAL_PATH, points=taken, currency=currency.name)
        )
        if short > 0:
            reasons.append(
                Reason.of(
                    "points.cancel_shortfall",
                    REVERSAL_PATH,
                    points=short,
                    currency=currency.name,
                )
            )
    ps = replace(ps, journal=ps.journal + tuple(journal))
    return state.evolve(points=ps), reasons


def _earnings_of(ps: PointsState, order_id: str) -> list[tuple[int, Earning]]:
    """The earnings of one order with their indexes.

    A purchase books all its earnings at once and nothing else adds earnings of that order, so
    they sit side by side; refunds mostly concern recent orders, so the search runs from the end
    and stops at the edge of the order's block.
    """
    earnings = ps.earnings
    end = len(earnings)
    while end and earnings[end - 1].order != order_id:
        end -= 1
    begin = end
    while begin and earnings[begin - 1].order == order_id:
        begin -= 1
    return [(i, earnings[i]) for i in range(begin, end)]


_EVENT_ID = attrgetter("event_id")
_RULE = attrgetter("rule")
_ID = attrgetter("id")
_AT = attrgetter("at")


def _since(records: Sequence[JournalEntry] | Sequence[CapUse], moment: datetime) -> int:
    """Where the records booked at or after ``moment`` start (they are kept in time order)."""
    return bisect_left(records, moment, key=_AT)


def _entries(
    journal: Sequence[JournalEntry], keys: list[str], wanted: Iterable[str]
) -> list[JournalEntry]:
    """The journal lines whose key (``keys``, one per line) is among ``wanted``, in order."""
    found = sorted({i for key in wanted for i in positions(keys, key)})
    return [journal[i] for i in found]


def _refund(
    ctx: ApplyContext, points: CompiledPoints, state: MemberState, event: Refund
) -> tuple[MemberState, list[Reason]]:
    order = state.order(event.order)
    assert order is not None  # the core refused refunds of unknown orders
    refunded = {r.line_id: r for r in ctx.refunded}
    money_back = sum((r.amount for r in ctx.refunded), Decimal(0))
    ps = state.points
    wanted: dict[int, Points] = {}
    mine = _earnings_of(ps, order.id)
    # A rule may keep what it earned from refunds after a day (a promotion's bonus once the
    # promotion ended): those earnings stay, and the outcome says so.
    today = ctx.program.info.local_date(event.at)
    keeps = {r.id: r for r in points.rules if r.kept_after is not None and today > r.kept_after}
    kept: dict[str, Points] = {}
    # A refund to one tender of a split order takes back what that tender's shares earned: the
    # same part of each as the part of the tender's payment that went back to it.
    to_tender = order.tender(event.tender) if event.tender is not None else None
    for index, earning in mine:
        left = earning.points - earning.reversed
        if left <= 0:
            continue
        currency = points.by_id[earning.currency]
        take: Points
        if to_tender is not None and earning.tender:
            if earning.tender != to_tender.method:
                continue
            if to_tender.left == 0:
                take = left
            else:
                share = Decimal(earning.points) * money_back / to_tender.amount
                take = min(left, currency.number(share, ROUND_HALF_UP))
        elif earning.line == "":
            # Order-level bonuses go back in proportion to the money returned; the last refund
            # of the order takes whatever is left, so nothing is stranded by rounding.
            if order.fully_refunded or order.amount == 0:
                take = left
            else:
                share = Decimal(earning.points) * money_back / order.amount
                take = min(left, currency.number(share, ROUND_HALF_UP))
        else:
            returned = refunded.get(earning.line)
            line = order.line(earning.line)
            if returned is None or line is None:
                continue
            if returned.whole_line or line.amount == 0:
                take = left
            else:
                share = Decimal(earning.points) * returned.amount / line.amount
                take = min(left, currency.number(share, ROUND_HALF_UP))
        if take and earning.rule in keeps:
            kept[earning.rule] = kept.get(earning.rule, 0) + take
        elif take:
            wanted[index] = take
    notes = [
        Reason.of(
            "points.refund_kept",
            keeps[rule].path,
            rule=keeps[rule].name,
            points=amount,
            after=keeps[rule].kept_after,
        )
        for rule, amount in kept.items()
    ]
    if not wanted:
        return state, notes
    earnings = list(ps.earnings)
    per_currency: dict[str, Points] = {}
    for index, take in wanted.items():
        earning = earnings[index]
        earnings[index] = replace(earning, reversed=earning.reversed + take)
        per_currency[earning.currency] = per_currency.get(earning.currency, 0) + take
    # Cap room the order used is given back with its points, for each rule and for the
    # member's caps across all rules of the currency.
    by_rule: dict[str, Points] = {}
    for index, take in wanted.items():
        by_rule[earnings[index].rule] = by_rule.get(earnings[index].rule, 0) + take
    for currency_id, take in per_currency.items():
        by_rule[points.by_id[currency_id].cap_key] = take
    caps_out = list(ps.cap_uses)
    milestones = {r.count_key for r in points.rules if r.milestone is not None}
    whole = order.fully_refunded
    # Only the order's own uses change. Uses are booked in time order at their event's moment,
    # so they are looked for only among those from the order's moment on, with a scan in C.
    since = _since(ps.cap_uses, order.at)
    for i in positions(list(map(_EVENT_ID, caps_out[since:])), order.id):
        i += since
        u = caps_out[i]
        if whole and u.rule in milestones:
            # An order returned in full no longer counts towards a milestone; the highest
            # count paid stays, so reaching that count again does not pay twice.
            u = replace(u, points=0)
        back = by_rule.get(u.rule, 0)
        if back:
            # The same event may hold two uses of one key (an upgrade bonus booked under the
            # purchase that caused it); what is given back is given back once.
            give = min(back, u.points)
            by_rule[u.rule] = back - give
            u = replace(u, points=u.points - give)
        caps_out[i] = u
    caps = tuple(caps_out)
    ps = replace(ps, earnings=with_currencies(ps.earnings, tuple(earnings), ()), cap_uses=caps)
    reasons: list[Reason] = []
    # The reversal lines this refund books, added to the journal once at the end.
    journal: list[JournalEntry] = []
    earlier_refunds = {r.id for r in order.refunds if r.id != event.id}
    # The journal lines of the order's lots and earlier refunds, found by a scan kept in C.
    # Both come after the order (the journal is in time order), so only those lines are read;
    # a refund of a recent order reads a few, however long the member's journal.
    recent = ps.journal[_since(ps.journal, order.at) :]
    rules_of: list[str] | None = None
    events_of: list[str] | None = None
    for currency_id, wanted_points in per_currency.items():
        currency = points.by_id[currency_id]
        own = f"{order.id}/{currency_id}"
        # Lots are not kept in time order (a cancelled redemption gives points back in lots
        # dated as they were), so the order's own is searched for among all of them.
        lot_ids = list(map(_ID, ps.lots))
        own_lot = ps.lots[lot_ids.index(own)] if own in lot_ids else None
        # Rules with a pending of their own credit lots of their own; a refund takes from the
        # order's lots before the member's others.
        owns = (own, *(f"{own}/{r.id}" for r in points.rules if r.pending is not None))
        # Points of the order that expired are gone already: a refund never takes them again
        # from the member's other points. All refunds of an order together take at most what
        # it earned less what of it expired.
        earned_total = sum((e.points for _, e in mine if e.currency == currency_id), Decimal(0))
        if rules_of is None:
            rules_of = list(map(_RULE, recent))
            # The first refund of an order has no earlier one to look for.
            events_of = list(map(_EVENT_ID, recent)) if earlier_refunds else []
        assert events_of is not None
        lost = -sum(
            (
                j.points
                for j in _entries(recent, rules_of, owns)
                if j.kind == "expire" and j.currency == currency_id
            ),
            Decimal(0),
        )
        taken_before = -sum(
            (
                j.points
                for j in _entries(recent, events_of, earlier_refunds)
                if j.kind == "reverse" and j.currency == currency_id
            ),
            Decimal(0),
        )
        room = max(Decimal(0), Decimal(earned_total) - Decimal(lost) - Decimal(taken_before))
        amount = currency.number(min(Decimal(wanted_points), room), ROUND_HALF_UP)
        if amount < wanted_points:
            reasons.append(
                Reason.of(
                    "points.reversal_expired",
                    REVERSAL_PATH,
                    points=wanted_points - amount,
                    currency=currency.name,
                )
            )
        if amount <= 0:
            continue
        still_pending = own_lot is not None and (
            own_lot.available_at is None or own_lot.available_at > event.at
        )
        if points.reversal == "pending_only" and not still_pending:
            ps, _, short = ps, (), amount
        else:
            ps, _, short = spend(
                ps,
                currency_id,
                amount,
                event.at,
                currency.spending_order,
                first=owns,
                only_first=points.reversal == "pending_only",
            )
        taken = amount - short
        if points.reversal == "negative" and short > 0:
            ps = add_debt(ps, currency_id, short)
            taken = amount
            short = 0
        # The journal records what was really taken, rule by rule in policy order.
        left = taken
        for index in sorted(wanted):
            earning = earnings[index]
            if earning.currency != currency_id or left <= 0:
                continue
            part = min(wanted[index], left)
            left -= part
            journal.append(
                JournalEntry(event.at, event.id, currency_id, "reverse", -part, earning.rule)
            )
        reasons.append(
            Reason.of("points.reversed", REVERSAL_PATH, points=taken, currency=currency.name)
        )
        if short > 0:
            reasons.append(
                Reason.of(
                    "points.reversal_shortfall",
                    REVERSAL_PATH,
                    points=short,
                    currency=currency.name,
                )
            )
    ps = replace(ps, journal=ps.journal + tuple(journal))
    return state.evolve(points=ps), reasons + notes


# --- tier changes --------------------------------------------------------------------------------


def on_tier_change(
    ctx: ApplyContext, state: MemberState, old: str | None, new: str | None
) -> tuple[MemberState, list[Reason]]:
    """On an upgrade: the upgrade bonuses, and expiry pushed back where the policy says so; on a
    step down: the timed rules at ``tier_down``."""
    points = ctx.program.points
    if points is None or new is None:
        return state, []
    order = points.tier_order
    rank_new = order.index(new) if new in order else 0
    rank_old = order.index(old) if old in order else 0
    if rank_new < rank_old and points.timed:
        # A step down at an event (a refund, say) is a tier moment like one at a review.
        told: list[Reason] = []
        at = ctx.event.at
        down = TierMoment(down=True)
        for extends in (True, False):
            state = run_timed(
                points, ctx.program.info, state, at, at, told, extends=extends, tiers=down
            )
        return state, told
    if rank_new <= rank_old:
        return state, []
    return _upgraded(
        ctx.program, ctx.capture, _Source(ctx.event.id, ctx.event.at), points, state, new
    )


def on_agenda_tier(
    program: CompiledProgram,
    state: MemberState,
    moment: datetime,
    before: TierState,
    reasons: list[Reason] | None,
) -> MemberState:
    """A tier reached on the agenda (an upgrade at a review, on a version's lowered thresholds, a
    grant starting) pays its upgrade bonuses and extends expiry as one reached at an event does;
    a grant pays only the bonuses that say ``on_grant``."""
    points = program.points
    new, old = state.tiers.current, before.current
    if points is None or new is None or state.tiers.history is before.history:
        return state
    order = points.tier_order
    rank_new = order.index(new) if new in order else 0
    rank_old = order.index(old) if old in order else 0
    if rank_new <= rank_old:
        return state
    source = _Source(f"upgrade@{moment.isoformat()}", moment)
    state, told = _upgraded(program, None, source, points, state, new)
    if reasons is not None:
        reasons.extend(told)
    return state


def _upgraded(
    program: CompiledProgram,
    capture: Capture | None,
    source: _Source,
    points: CompiledPoints,
    state: MemberState,
    new: str,
) -> tuple[MemberState, list[Reason]]:
    """What moving up to ``new`` does to the points: expiry pushed back, upgrade bonuses."""
    info = program.info
    # The points held when the member moves up live longer; the upgrade's own bonus is credited
    # afterwards, so it starts from its own earning date rather than being pushed as well.
    reasons: list[Reason] = []
    ps = state.points
    for currency in points.currencies:
        months = currency.expiry.extend_on_upgrade_months if currency.expiry else 0
        if not months or capture is not None:
            # A quote skips the push: it moves lots and journals an entry of 0 points, which
            # no measure, cap or condition of the upgrade's bonuses reads (``_quoted``).
            continue
        ps, moved = push_lots(
            ps, currency, info, lambda lot: True, f"{source.id}/upgrade", months=months
        )
        if moved:
            # Like campaigns and paid extensions, the push is journaled (0 points, its cause).
            entry = JournalEntry(source.at, source.id, currency.id, "extend", 0, "tier_upgrade")
            ps = replace(ps, journal=(*ps.journal, entry))
            reasons.append(
                Reason.of(
                    "points.expiry_extended",
                    f"{currency.path}.expiry.extend_on_upgrade_months",
                    points=sum(moved.values()),
                    currency=currency.name,
                    months=months,
                )
            )
    state = state.evolve(points=ps)
    # A status match or an opening is not an upgrade earned: it pays only bonuses that say so.
    reached = state.tiers.reached_by_at(source.at)
    found, skipped = earn_upgrade(
        points, info, state, source.at, new, earned=reached not in ("granted", "paid", "opening")
    )
    if capture is not None:
        capture.skipped.extend(skipped)
    state, booked = _credit(info, capture, source, points, state, found, lot_suffix="/upgrade")
    return state, skipped + booked + reasons
