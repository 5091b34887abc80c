"""Timed rules (``points.timed``) on the agenda of due moments.

A rule's moments are worked out from the state alone (the joining day, the last activity, a
date), so nothing is recorded about which moments have passed: the agenda carries each moment
out once, in time order, and every part is brought to it. Tier moments (a review, a step down)
are the tiers part's own agenda items; the points part acts at them after the tiers part.

At one moment the points part acts in this order: campaigns, then timed extensions (before
anything of that moment expires, so a year extended at its end is never lost), then lots
reaching their date, then timed expiry, each kind in the order the rules are written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from .._evolve import replace
from .._facts import facts_at, member_values
from .._program import ProgramInfo
from .._reasons import LocalizedText, Reason
from .._state import MemberState
from ._activity import last_activity
from ._compile import ROUNDING, CompiledPoints, CompiledTimed
from ._ledger import end_of_day, journaled, pushed, spend_order, start_of_day, usable
from ._state import JournalEntry, Lot
from ._timed_model import TimedAction, TimedMoments

__all__ = ["TierMoment", "next_timed", "run_timed"]

Points = int | Decimal
_INSTANT = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class TierMoment:
    """What the tiers part did at an agenda moment: a review, and whether the tier went down."""

    reviewed: bool = False
    down: bool = False


# --- moments -------------------------------------------------------------------------------------


def _moments(
    rule: CompiledTimed, info: ProgramInfo, state: MemberState, after: datetime, until: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """The rule's moments in (``after``, ``until``], each with the start of the period it closes."""
    at = rule.at
    kind = at.kind
    if kind == "day":
        assert at.day is not None
        moment = end_of_day(at.day, info)
        if after < moment <= until:
            yield moment, state.joined_at
        return
    if kind == "every":
        yield from _blocks(at, info, state, after, until)
        return
    if kind != "inactive":
        return
    assert at.inactive is not None
    last = last_activity(state, at.restarts, until)
    first = at.inactive.after(info.local_date(last))
    count = 1 if at.every is None else at.times
    k = 0
    if at.every is not None and end_of_day(first, info) <= after:
        # Skip the steps already taken: estimate, then walk (months vary in length).
        gone = (info.local_date(after) - first).days
        days = at.every.days or 7 * (at.every.weeks or 0) or 31 * (at.every.months or 0)
        k = max(0, gone // days - 1)
    lead = at.inactive.months
    step = at.every.months if at.every is not None else None
    while count is None or k < count:
        if at.every is None:
            day = first
        elif lead is not None and step is not None:
            # Counted from the last activity each time, so a clamped 28 Feb does not drag the
            # later moments to the 28th.
            day = info.local_date(last) + relativedelta(months=lead + k * step)
        else:
            day = at.every.after(first, k)
        moment = end_of_day(day, info)
        if moment > until:
            return
        if moment > after:
            yield moment, last
        k += 1


def _blocks(
    at: TimedMoments, info: ProgramInfo, state: MemberState, after: datetime, until: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """The ends of ``every``'s blocks in (``after``, ``until``], each with its block's start."""
    span = at.every
    assert span is not None
    local_after = info.local_date(after)
    if at.from_ == "calendar":
        months = span.months or 12
        start = date(local_after.year, (local_after.month - 1) // months * months + 1, 1)
        while True:
            end = start + relativedelta(months=months)
            moment = start_of_day(end, info)
            if moment > until:
                return
            if moment > after:
                yield moment, start_of_day(start, info)
            start = end
    joined = info.local_date(state.joined_at)
    if span.months is not None:
        delta = relativedelta(local_after, joined)
        k = max(1, (delta.years * 12 + delta.months) // span.months)
    else:
        k = max(1, (local_after - joined).days // (span.days or 7 * (span.weeks or 0)))
    while True:
        moment = start_of_day(span.after(joined, k), info)
        if moment > until:
            return
        if moment > after:
            yield moment, start_of_day(span.after(joined, k - 1), info)
        k += 1


def _holds(lots: tuple[Lot, ...], currency: str) -> bool:
    """Whether points of ``currency`` are held that are or will become spendable by a date."""
    return any(_live(lot, currency) and lot.available_at is not None for lot in lots)


def _acts(rule: CompiledTimed, state: MemberState, lots: tuple[Lot, ...]) -> bool:
    """Whether the rule may act at all: points to act on, or an account to close."""
    if state.points.closed_at(rule.currency) is not None:
        return False
    return rule.do.close or _holds(lots, rule.currency)


def next_timed(
    rules: tuple[CompiledTimed, ...],
    info: ProgramInfo,
    state: MemberState,
    after: datetime,
    until: datetime,
) -> datetime | None:
    """The first moment in (``after``, ``until``] at which a timed rule may act.

    A rule with no points of its currency to act on has no moment: a credit later asks again.
    """
    first: datetime | None = None
    lots = state.points.lots
    for rule in rules:
        if rule.at.kind == "tier" or not _acts(rule, state, lots):
            continue
        bound = until if first is None else first
        for moment, _ in _moments(rule, info, state, after, bound):
            first = moment
            break
    return first


# --- acting --------------------------------------------------------------------------------------


def run_timed(
    points: CompiledPoints,
    info: ProgramInfo,
    state: MemberState,
    after: datetime,
    moment: datetime,
    reasons: list[Reason] | None,
    *,
    extends: bool,
    tiers: TierMoment | None = None,
) -> MemberState:
    """Carry out the timed rules that extend (or those that expire) due in (after, moment]."""
    for rule in points.timed:
        if rule.extends != extends:
            continue
        if rule.at.kind == "tier":
            due = tiers is not None and (tiers.reviewed if rule.at.tier == "review" else tiers.down)
            found = [(moment, state.joined_at)] if due else []
        elif _acts(rule, state, state.points.lots):
            found = list(_moments(rule, info, state, after, moment))
        else:
            continue
        for at, since in found:
            state = _act(rule, points, info, state, at, since, reasons)
    return state


def _live(lot: Lot, currency: str) -> bool:
    return lot.currency == currency and lot.remaining > 0 and not lot.expired


def _reached(state: MemberState, since: datetime, moment: datetime) -> frozenset[str]:
    """Every ladder tier held at some time in [``since``, ``moment``)."""
    tiers = state.tiers
    held = {t for t in (tiers.tier_at(since),) if t is not None}
    held.update(c.tier for c in tiers.history if since < c.at < moment)
    return frozenset(held)


def _act(
    rule: CompiledTimed,
    points: CompiledPoints,
    info: ProgramInfo,
    state: MemberState,
    moment: datetime,
    since: datetime,
    reasons: list[Reason] | None,
) -> MemberState:
    """The rule's action at ``moment``, if its condition holds and there are points to act on."""
    if state.points.closed_at(rule.currency) is not None:
        return state
    # Closing forfeits everything held, pending points too: a closed account holds nothing.
    lots = [
        lot
        for lot in state.points.lots
        if lot.currency == rule.currency
        and (_live(lot, rule.currency) if rule.do.close else usable(lot, moment))
    ]
    if not lots and not rule.do.close:
        return state
    balance: Points = sum((lot.remaining for lot in lots), 0)
    if rule.when is not None:
        local = info.local(moment)
        values = member_values(
            state,
            local,
            tier=state.tiers.tier_at(moment),
            leap_rule=info.leap_birthday,
            figures=info.figures,
        )
        values["balance"] = balance
        values["tier_reached"] = _reached(state, since, moment)
        if rule.reads_orders:
            values["orders"], values["spend"] = _figures(state, since, moment)
        if not rule.when(facts_at(local, values)):
            return state
    currency = points.by_id[rule.currency]
    if rule.do.extend_months is not None:
        return _extend(rule, info, currency.name, state, moment, reasons)
    amount = _share(rule.do, balance, currency.decimals)
    if rule.do.close:
        state = _close(rule, currency.name, state, moment, reasons)
    if amount <= 0:
        return state
    lots_out, lines = _take(state, lots, amount)
    entries = [
        # Each line names the lot it took from, so a later refund of that order knows which of
        # its points were already lost.
        JournalEntry(moment, lot.source, lot.currency, "expire", -take, lot.id)
        for lot, take in lines
    ]
    ps = journaled(replace(state.points, lots=lots_out), *entries)
    if reasons is not None:
        reasons.append(
            Reason.of(
                "points.timed_expired",
                rule.path,
                rule=rule.name,
                points=amount,
                currency=currency.name,
                date=info.local_date(moment - _INSTANT),
            )
        )
    return state.evolve(points=ps)


def _close(
    rule: CompiledTimed,
    name: LocalizedText | str,
    state: MemberState,
    moment: datetime,
    reasons: list[Reason] | None,
) -> MemberState:
    """Close the member's account in the rule's currency at ``moment``."""
    ps = state.points
    ps = replace(ps, closed=(*ps.closed, (rule.currency, moment)))
    if reasons is not None:
        reasons.append(Reason.of("points.account_closed", rule.path, rule=rule.name, currency=name))
    return state.evolve(points=ps)


def _figures(state: MemberState, since: datetime, moment: datetime) -> tuple[int, Decimal]:
    """Orders placed in [``since``, ``moment``) not fully refunded, and their net amount."""
    count, spend = 0, Decimal(0)
    for order in reversed(state.orders):
        if order.at < since:
            break
        if order.at < moment and not order.fully_refunded:
            count += 1
            spend += order.net_amount
    return count, spend


def _share(do: TimedAction, balance: Points, decimals: int) -> Points:
    """How much of ``balance`` the action expires: all, or the share rounded, at least the floor."""
    if not isinstance(do.expire, Decimal):
        return balance
    quantum = Decimal(1).scaleb(-decimals)
    raw = (Decimal(balance) * do.expire).quantize(
        quantum, rounding=ROUNDING[do.rounding or "floor"]
    )
    amount = min(max(raw, Decimal(min(do.min_points or 0, balance))), Decimal(balance))
    return int(amount) if decimals == 0 else amount


def _take(
    state: MemberState, lots: list[Lot], amount: Points
) -> tuple[tuple[Lot, ...], list[tuple[Lot, Points]]]:
    """The lots with ``amount`` taken, earliest expiry first, and what was taken from each."""
    left: Points = amount
    changed: dict[str, Lot] = {}
    lines: list[tuple[Lot, Points]] = []
    for lot in spend_order(lots, "earliest_expiry"):
        if left <= 0:
            break
        take = min(lot.remaining, left)
        remaining = lot.remaining - take
        changed[lot.id] = replace(lot, remaining=remaining, expired=remaining == 0)
        lines.append((lot, take))
        left -= take
    return tuple(changed.get(lot.id, lot) for lot in state.points.lots), lines


def _extend(
    rule: CompiledTimed,
    info: ProgramInfo,
    name: LocalizedText | str,
    state: MemberState,
    moment: datetime,
    reasons: list[Reason] | None,
) -> MemberState:
    """Push back the expiry of every dated lot of the rule's currency held at ``moment``."""
    months = rule.do.extend_months or 0
    moved: Points = 0
    out: list[Lot] = []
    for lot in state.points.lots:
        if (
            lot.currency == rule.currency
            and lot.remaining > 0
            and not lot.expired
            and lot.expires_at is not None
        ):
            # The journal's extend entry records the push; the lot keeps only its new date.
            lot = replace(lot, expires_at=pushed(lot.expires_at, info, months=months))
            moved += lot.remaining
        out.append(lot)
    if not moved:
        return state
    ps = replace(state.points, lots=tuple(out))
    ps = journaled(ps, JournalEntry(moment, rule.id, rule.currency, "extend", 0, rule.id))
    if reasons is not None:
        reasons.append(
            Reason.of(
                "points.timed_extended",
                rule.path,
                rule=rule.name,
                points=moved,
                currency=name,
                months=months,
            )
        )
    return state.evolve(points=ps)
