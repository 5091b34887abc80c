"""Queries: what an event would earn, what the member holds and when it expires, what expired,
and whether a redemption would go through.

Every query answers as of a moment through the core's agenda (``memberkit._agenda``): the state
is brought to that moment exactly as ``apply`` would bring it, and a moment before the state's
last event is refused. Quotes and redemption checks run ``apply`` itself on a copy, so a quote
never disagrees with the booking.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from .._decision import later
from .._errors import EventError
from .._events import Redemption
from .._evolve import replace
from .._limits import memberkit_context
from .._reasons import Reason
from ._compile import EARN_PATH, CompiledCurrency, CompiledPoints, resolve_currency
from ._decisions import (
    Balance,
    ExpiredPoints,
    ExpiringPoints,
    HeldLot,
    HeldLots,
    PointsQuote,
    QuoteLine,
    RedemptionCheck,
)
from ._ledger import Holdings, effective_expiry, holdings, last_day, protected_at
from ._spend import choose, order_room, rows_taken

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .._compiled import CompiledProgram, Policy
    from .._events import Event
    from .._program import ProgramInfo
    from .._state import MemberState
    from ._state import JournalEntry, Lot

# The engine, the agenda and the member state import this package; they are imported when a
# query runs so that importing memberkit has no cycle.

__all__ = [
    "balance",
    "expired",
    "expiring",
    "held_lots",
    "max_redeemable",
    "quote_points",
    "redemption_check",
]

_INSTANT = timedelta(microseconds=1)
Points = int | Decimal


def _points(program: CompiledProgram) -> CompiledPoints:
    if program.points is None:
        raise EventError("-", "the programme has no points section", code="no_points_programme")
    return program.points


def _currency(points: CompiledPoints, currency: str | None) -> CompiledCurrency:
    return resolve_currency(points, currency, "-")


def _at(policy: Policy, state: MemberState, as_of: datetime) -> MemberState:
    from .._agenda import state_at

    return state_at(policy, state, as_of)


def _start_of(day: date, info: ProgramInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=info.tz)


@memberkit_context
def quote_points(policy: Policy, state: MemberState, event: Event) -> PointsQuote:
    """What ``event`` would earn if applied now, rule by rule in booking order; changes nothing.

    Any kind of event: a purchase, an activity (a check-in, a stay, a flight), an upgrade it
    would cause (the upgrade bonus is a line too). The quote *is* ``apply`` run on a copy, so it
    refuses what ``apply`` refuses (``EventError``), and a refused event is a quote of nothing
    with the refusal's reasons (``accepted`` False). Run as a quote, ``apply`` skips only what
    no later step of the event reads (the lots credited, their dates, the record of the event).
    """
    from .._context import Capture
    from .._engine import apply_captured

    program = policy.at(event.at)
    points = _points(program)
    capture = Capture()
    _, outcome = apply_captured(policy, state, event, capture)
    if outcome.refused:
        return PointsQuote(event.id, (), (), outcome.reasons, program.info.locale, accepted=False)
    found = tuple(capture.contributions)
    lines = tuple(
        QuoteLine(c.rule.id, c.rule.name, c.rule.path, c.kind, c.currency, c.points, c.factor)
        for c in found
    )
    totals: dict[str, Points] = {}
    for c in found:
        totals[c.currency] = totals.get(c.currency, 0) + c.points
    told = outcome.reasons if outcome.duplicate else ()
    skipped = tuple(capture.skipped)

    def reasons() -> list[Reason]:
        out = list(told)
        out.extend(c.reason(points.by_id[c.currency]) for c in found)
        out.extend(skipped)
        out.extend(
            Reason.of(
                "points.quote_total", EARN_PATH, points=total, currency=points.by_id[cid].name
            )
            for cid, total in totals.items()
        )
        if not found:
            out.append(Reason.of("points.nothing_earned", EARN_PATH))
        return out

    return PointsQuote(event.id, lines, tuple(totals.items()), later(reasons), program.info.locale)


def _lost_by_day(
    entries: Iterable[JournalEntry], currency: str, info: ProgramInfo
) -> tuple[tuple[date, Points], ...]:
    """Points of ``currency`` expired or forfeited in ``entries``, by their last valid day."""
    by_day: dict[date, Points] = {}
    for entry in entries:
        if entry.kind in ("expire", "forfeit") and entry.currency == currency:
            day = info.local_date(entry.at - _INSTANT)
            by_day[day] = by_day.get(day, 0) - entry.points
    return tuple(sorted(by_day.items()))


def _protection(
    points: CompiledPoints,
    chosen: CompiledCurrency,
    state: MemberState,
    held: Holdings,
    at: datetime,
) -> list[Reason]:
    """Why dated points are kept past their date: a protected tier held at ``at``, named
    (``never_while_tier``, or ``extend_while_tier`` pushing them again at each date)."""
    expiry = chosen.expiry
    key, shield = "never_while_tier", expiry.never_while_tier if expiry is not None else ()
    if expiry is not None and expiry.extend_while_tier is not None:
        key, shield = "extend_while_tier", expiry.extend_while_tier.tiers
    held_now = protected_at(at, shield, state.tiers)
    if not held.protected or not held_now:
        return []
    # Name the protected tier held now, the highest of the ladder when several are held.
    rank = points.tier_order
    tier = max(sorted(held_now), key=lambda t: rank.index(t) if t in rank else -1)
    return [
        Reason.of(
            "points.protected_by_tier",
            f"{chosen.path}.expiry.{key}",
            points=held.protected,
            currency=chosen.name,
            tier=points.tier_name(tier),
        )
    ]


@memberkit_context
def balance(
    policy: Policy, state: MemberState, as_of: datetime, currency: str | None = None
) -> Balance:
    """Available and pending points of ``currency`` at ``as_of``, and when the rest expires."""
    now = _at(policy, state, as_of)
    program = policy.at(as_of)
    points = _points(program)
    chosen = _currency(points, currency)
    held = holdings(now.points, chosen, as_of, program.info, now.tiers)
    if _moves_dates(points, chosen):
        held = replace(held, schedule=_forecast(policy, now, chosen, as_of, held))
    reasons = [
        Reason.of(
            "points.balance",
            chosen.path,
            available=held.available,
            pending=held.pending,
            currency=chosen.name,
        )
    ]
    reasons += [
        Reason.of("points.expires_on", chosen.path, points=amount, currency=chosen.name, date=day)
        for day, amount in held.schedule
    ]
    reasons += _protection(points, chosen, now, held, as_of)
    return Balance(
        as_of,
        chosen.id,
        held.available,
        held.pending,
        held.schedule,
        tuple(reasons),
        program.info.locale,
    )


def _moves_dates(points: CompiledPoints, chosen: CompiledCurrency) -> bool:
    """Whether timed rules may cut or move the currency's points before their own dates: its
    schedule is then a forecast run on the agenda, not the lots' dates."""
    return any(rule.currency == chosen.id for rule in points.timed)


def _forecast(
    policy: Policy,
    now: MemberState,
    chosen: CompiledCurrency,
    as_of: datetime,
    held: Holdings,
) -> tuple[tuple[date, Points], ...]:
    """The schedule as the agenda will carry it out: run to the last of the dates the lots have
    now, then what was lost on the way by last valid day, and what is still held at the date it
    has then (a rule that keeps pushing points shows the date after its pushes up to then)."""
    from .._agenda import run_until

    dated = [
        lot.expires_at
        for lot in now.points.lots
        if lot.currency == chosen.id and _live(lot) and lot.expires_at is not None
    ]
    if not dated:
        return held.schedule
    horizon = max(dated)
    info = policy.at(as_of).info
    later = run_until(policy, now, as_of, horizon, None)
    fresh = later.points.journal[len(now.points.journal) :]
    by_day = dict(_lost_by_day(fresh, chosen.id, info))
    rest = holdings(later.points, chosen, horizon, info, later.tiers)
    for day, amount in rest.schedule:
        by_day[day] = by_day.get(day, 0) + amount
    return tuple(sorted(by_day.items()))


def _live(lot: Lot) -> bool:
    return lot.remaining > 0 and not lot.expired


@memberkit_context
def expiring(
    policy: Policy,
    state: MemberState,
    as_of: datetime,
    within_days: int | None = None,
    currency: str | None = None,
    *,
    through: date | None = None,
) -> ExpiringPoints:
    """Points of ``currency`` held at ``as_of`` that expire by a day: valid ``through`` it, or
    within ``within_days`` days of ``as_of``. Give exactly one of the two.

    Worked out by running the agenda to the end of that day, so a protected tier lost, a review
    or an inactivity deadline on the way counts exactly as it will happen.
    """
    from .._agenda import run_until

    if (within_days is None) == (through is None):
        raise EventError(
            "-", "give exactly one of within_days or through", field="through", code="bad_window"
        )
    if within_days is not None and within_days < 0:
        raise EventError(
            "-", "within_days must not be negative", field="within_days", code="bad_window"
        )
    now = _at(policy, state, as_of)
    program = policy.at(as_of)
    points = _points(program)
    chosen = _currency(points, currency)
    info = program.info
    if through is not None:
        if through < info.local_date(as_of):
            raise EventError(
                "-", "through is a day before as_of", field="through", code="bad_window"
            )
        until = _start_of(through + timedelta(days=1), info)
    else:
        assert within_days is not None
        until = as_of + timedelta(days=within_days)
    later = run_until(policy, now, as_of, until, None)
    # What time alone would expire by then is exactly the journal's new expire entries.
    fresh = later.points.journal[len(now.points.journal) :]
    items = _lost_by_day(fresh, chosen.id, info)
    total = sum((v for _, v in items), 0)
    reasons = [
        Reason.of("points.will_expire", chosen.path, points=amount, currency=chosen.name, date=day)
        for day, amount in items
    ]
    if not items:
        if through is not None:
            reasons.append(
                Reason.of(
                    "points.none_expiring_by", chosen.path, date=through, currency=chosen.name
                )
            )
        else:
            reasons.append(
                Reason.of(
                    "points.none_expiring", chosen.path, days=within_days, currency=chosen.name
                )
            )
    # The same words as the balance when a protected tier is what keeps points from expiring.
    reasons += _protection(
        points, chosen, now, holdings(now.points, chosen, as_of, info, now.tiers), as_of
    )
    return ExpiringPoints(
        as_of,
        until,
        chosen.id,
        total,
        items,
        tuple(reasons),
        info.locale,
        through if through is not None else info.local_date(until - _INSTANT),
    )


@memberkit_context
def expired(
    policy: Policy,
    state: MemberState,
    since: date,
    through: date,
    currency: str | None = None,
) -> ExpiredPoints:
    """Points of ``currency`` that expired or were forfeited from day ``since`` through day
    ``through`` (local days of the programme): counted on the day they stopped being valid.

    A lot valid through 31 Dec stops being valid as 1 Jan begins, so it counts for 1 Jan. Days
    after the last event are worked out by the agenda; earlier days are read from the journal.
    """
    if through < since:
        raise EventError("-", "through is a day before since", field="through", code="bad_window")
    program = policy.at(_start_of(through, policy.info))
    points = _points(program)
    chosen = _currency(points, currency)
    info = program.info
    start = _start_of(since, info)
    end = _start_of(through + timedelta(days=1), info)
    folded = state.folded.journal_before if state.folded is not None else None
    if folded is not None and start < folded:
        # Earlier journal lines are kept only as sums (program.journal_days).
        raise EventError(
            "-",
            f"since {since.isoformat()} is before the journal this state keeps line by line "
            f"(from {info.local_date(folded).isoformat()}, program.journal_days); ask from then "
            "on, or replay the member's events",
            field="since",
            code="before_journal",
        )
    if state.clock is None or end > state.clock:
        from .._agenda import run_until, settled

        state = run_until(policy, state, settled(state), end - _INSTANT, None)
    journal = state.points.journal
    items = _lost_by_day((e for e in journal if start <= e.at < end), chosen.id, info)
    total = sum((v for _, v in items), 0)
    reasons = [
        Reason.of("points.expired", chosen.path, points=amount, currency=chosen.name, date=day)
        for day, amount in items
    ]
    if not items:
        reasons.append(
            Reason.of(
                "points.none_expired",
                chosen.path,
                since=since,
                through=through,
                currency=chosen.name,
            )
        )
    return ExpiredPoints(since, through, chosen.id, total, items, tuple(reasons), info.locale)


@memberkit_context
def held_lots(
    policy: Policy, state: MemberState, as_of: datetime, currency: str | None = None
) -> HeldLots:
    """Every lot of ``currency`` held at ``as_of``, with its expiry date as it will happen.

    Extensions already granted are in the date; a lot whose date falls while a protected tier is
    held shows the moment the tier is known to end (a grant's end), or no date while nothing
    says it will end. Timed rules and extensions while a tier is held act on the balance at
    their moments, not on a lot's date: ``balance().schedule`` and ``expiring`` forecast them.
    """
    now = _at(policy, state, as_of)
    program = policy.at(as_of)
    points = _points(program)
    chosen = _currency(points, currency)
    info = program.info
    shield = chosen.expiry.never_while_tier if chosen.expiry is not None else ()
    # Under inactivity expiry a lot has no date of its own: it lasts until the deadline the
    # member's last activity sets, which the next activity moves.
    idle: datetime | None = None
    if chosen.expiry is not None and chosen.expiry.inactivity_months is not None:
        from ._activity import last_activity
        from ._engine import inactivity_deadline

        last = last_activity(now, chosen.expiry.activity, as_of)
        idle = inactivity_deadline(info, last, chosen.expiry.inactivity_months)
    out: list[HeldLot] = []
    for lot in now.points.lots:
        if lot.currency != chosen.id or lot.expired or lot.remaining <= 0:
            continue
        moment = lot.expires_at if idle is None or lot.earned_at >= idle else idle
        protected = False
        if moment is not None and shield:
            effective = effective_expiry(moment, shield, now.tiers)
            protected = effective != moment
            moment = effective
        out.append(
            HeldLot(
                id=lot.id,
                source=lot.source,
                currency=lot.currency,
                points=lot.remaining,
                earned_at=lot.earned_at,
                available_at=lot.available_at,
                expires_at=moment,
                valid_through=last_day(moment, info) if moment is not None else None,
                extensions=lot.extensions,
                protected=protected,
            )
        )
    out.sort(key=lambda h: (h.expires_at is None, h.expires_at or as_of, h.earned_at, h.id))
    total = sum((h.points for h in out), 0)
    reasons = [Reason.of("points.lots_held", chosen.path, lots=len(out), points=total)]
    return HeldLots(as_of, chosen.id, tuple(out), tuple(reasons), info.locale)


@memberkit_context
def redemption_check(policy: Policy, state: MemberState, redemption: Redemption) -> RedemptionCheck:
    """Whether ``redemption`` would be accepted at its time, with every rule it breaks if not.

    Runs ``apply`` on a copy: the same checks, the same words, nothing changed. An event that
    ``apply`` could not take at all (unknown reward, missing order amount) raises ``EventError``.
    """
    from .._engine import apply

    program = policy.at(redemption.at)
    # Brought to the redemption's moment first, quietly: the answer says why the redemption
    # would (not) go through, not what time did before it (which depends on what was told).
    new, outcome = apply(policy, _at(policy, state, redemption.at), redemption)
    if not outcome.accepted:
        return RedemptionCheck(redemption.id, False, 0, None, outcome.reasons, program.info.locale)
    record = new.points.redemptions[-1]
    currency = resolve_currency(_points(program), record.currency, redemption.id)
    taken = rows_taken(currency.redeem, redemption, record.points) if currency.redeem else None
    return RedemptionCheck(
        redemption.id,
        True,
        record.points,
        record.value,
        outcome.reasons,
        program.info.locale,
        parts=tuple((row.points, row.value, n) for row, n in taken.parts) if taken else (),
    )


@memberkit_context
def max_redeemable(
    policy: Policy,
    state: MemberState,
    as_of: datetime,
    order_amount: Decimal | None = None,
    currency: str | None = None,
) -> RedemptionCheck:
    """The most points one payment towards an order of ``order_amount`` can take at ``as_of``.

    Every rule counts (balance, minimum, step, denominations, share of the order, first
    redemption): the answer is the largest amount ``redemption_check`` accepts, found by asking
    it, so the two never disagree. Refused (``accepted`` False) when no amount would go through.
    """
    program = policy.at(as_of)
    points = _points(program)
    chosen = _currency(points, currency)
    now = _at(policy, state, as_of)
    held = holdings(now.points, chosen, as_of, program.info, now.tiers).available
    redeem = chosen.redeem

    def attempt(amount: int) -> RedemptionCheck:
        event = Redemption(
            id="~max-redeemable",
            at=as_of,
            currency=chosen.id,
            points=amount,
            order_amount=order_amount,
        )
        return redemption_check(policy, state, event)

    top = int(held) if held > 0 else 0
    if redeem is None or top < 1:
        return attempt(max(top, 1))
    if redeem.denominations and redeem.combine == "largest_first":
        # Rows add up largest first: the most the balance and the share of the order allow.
        limit = None
        if redeem.max_share_of_order is not None and order_amount is not None:
            limit = order_amount * redeem.max_share_of_order
        amount, _ = choose(redeem, min(top, order_room(redeem, now, None, chosen.id)), limit)
        return attempt(amount if amount > 0 else min(d.points for d in redeem.denominations))
    if redeem.denominations:
        for row in sorted(redeem.denominations, key=lambda d: d.points, reverse=True):
            if row.points <= top:
                found = attempt(row.points)
                if found.accepted:
                    return found
        return attempt(min(d.points for d in redeem.denominations))
    step = redeem.step
    # The accepted amounts are the multiples of the step from the minimum up to a bound set by
    # the balance and the share of the order: the largest is found by bisection on the multiple.
    low = max(1, -(-redeem.min_points // step))
    high = top // step
    if high < low:
        return attempt(max(low * step, 1))
    best: RedemptionCheck | None = None
    while low <= high:
        middle = (low + high) // 2
        found = attempt(middle * step)
        if found.accepted:
            best = found
            low = middle + 1
        else:
            high = middle - 1
    return best if best is not None else attempt(max(-(-redeem.min_points // step), 1) * step)
