"""Queries: what would this order earn, what does the member hold, and what expires soon."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from .._errors import EventError
from .._events import Purchase, check_order_money
from .._limits import memberkit_context
from .._reasons import Reason
from ._compile import EARN_PATH, CompiledCurrency, CompiledPoints, resolve_currency
from ._decisions import Balance, ExpiringPoints, PointsQuote, QuoteLine
from ._ledger import Holdings, holdings, protected_at

if TYPE_CHECKING:
    from .._compiled import CompiledProgram, Policy
    from .._state import MemberState

# The earning and engine modules read the member state module, which imports this package's
# state; they are imported when a query runs so that importing memberkit has no cycle.

__all__ = ["balance", "expiring", "quote_points"]

_INSTANT = timedelta(microseconds=1)


def _aware(moment: datetime, name: str = "as_of") -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise EventError("-", f"{name} has no timezone offset", field=name, code="naive_datetime")


def _points(program: CompiledProgram) -> CompiledPoints:
    if program.points is None:
        raise EventError("-", "the programme has no points section", code="no_points_programme")
    return program.points


def _currency(points: CompiledPoints, currency: str | None) -> CompiledCurrency:
    return resolve_currency(points, currency, "-")


def _advanced(program: CompiledProgram, state: MemberState, as_of: datetime) -> MemberState:
    # Expiry is applied up to the moment asked about, as the nightly job would have done.
    from ._engine import advance

    if state.clock is None or as_of >= state.clock:
        state, _ = advance(program, state, as_of)
    return state


@memberkit_context
def quote_points(policy: Policy, state: MemberState, purchase: Purchase) -> PointsQuote:
    """What ``purchase`` would earn now, every contributing rule in order; changes nothing."""
    from ._earn import earn_purchase

    program = policy.at(purchase.at)
    check_order_money(purchase, program.info.currency, program.info.currency_decimals)
    points = _points(program)
    tier = state.tiers.tier_at(purchase.at)
    found, skipped = earn_purchase(points, program.info, state, purchase, tier)
    lines = tuple(
        QuoteLine(c.rule.id, c.rule.name, c.rule.path, c.kind, c.currency, c.points, c.factor)
        for c in found
    )
    totals: dict[str, int | Decimal] = {}
    reasons: list[Reason] = []
    for c in found:
        totals[c.currency] = totals.get(c.currency, 0) + c.points
        reasons.append(c.reason(points.by_id[c.currency]))
    reasons.extend(skipped)
    for cid, total in totals.items():
        reasons.append(
            Reason.of(
                "points.quote_total", EARN_PATH, points=total, currency=points.by_id[cid].name
            )
        )
    if not found:
        reasons.append(Reason.of("points.nothing_earned", EARN_PATH))
    return PointsQuote(
        purchase.id, lines, tuple(totals.items()), tuple(reasons), program.info.locale
    )


def _protection(
    points: CompiledPoints,
    chosen: CompiledCurrency,
    state: MemberState,
    held: Holdings,
    at: datetime,
) -> list[Reason]:
    """Why dated points are kept past their date: a protected tier held at ``at``, named."""
    shield = chosen.expiry.never_while_tier if chosen.expiry is not None else ()
    held_now = protected_at(at, shield, state.tiers)
    if not held.protected or not held_now:
        return []
    # Name the protected tier held now, the highest of the ladder when several are held.
    rank = points.tier_order
    tier = max(sorted(held_now), key=lambda t: rank.index(t) if t in rank else -1)
    return [
        Reason.of(
            "points.protected_by_tier",
            f"{chosen.path}.expiry.never_while_tier",
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
    _aware(as_of)
    program = policy.at(as_of)
    points = _points(program)
    chosen = _currency(points, currency)
    state = _advanced(program, state, as_of)
    held = holdings(state.points, chosen, as_of, program.info, state.tiers)
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
    reasons += _protection(points, chosen, state, held, as_of)
    return Balance(
        as_of,
        chosen.id,
        held.available,
        held.pending,
        held.schedule,
        tuple(reasons),
        program.info.locale,
    )


@memberkit_context
def expiring(
    policy: Policy,
    state: MemberState,
    as_of: datetime,
    within_days: int,
    currency: str | None = None,
) -> ExpiringPoints:
    """Points of ``currency`` that expire after ``as_of`` and within ``within_days`` days."""
    _aware(as_of)
    if within_days < 0:
        raise EventError(
            "-", "within_days must not be negative", field="within_days", code="bad_window"
        )
    program = policy.at(as_of)
    points = _points(program)
    from ._engine import advance

    chosen = _currency(points, currency)
    now = _advanced(program, state, as_of)
    until = as_of + timedelta(days=within_days)
    later, _ = advance(program, now, until)
    # What time alone would expire in the window is exactly the journal's new expire entries.
    fresh = later.points.journal[len(now.points.journal) :]
    by_day: dict[date, int | Decimal] = {}
    info = program.info
    for entry in fresh:
        if entry.kind == "expire" and entry.currency == chosen.id:
            day = info.local_date(entry.at - _INSTANT)
            by_day[day] = by_day.get(day, 0) - entry.points
    items = tuple(sorted(by_day.items()))
    total = sum((v for _, v in items), 0)
    reasons = [
        Reason.of("points.will_expire", chosen.path, points=amount, currency=chosen.name, date=day)
        for day, amount in items
    ]
    if not items:
        reasons.append(
            Reason.of("points.none_expiring", chosen.path, days=within_days, currency=chosen.name)
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
    )
