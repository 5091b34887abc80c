"""Folding: the member state keeps what future decisions need, and totals of the rest.

A policy states its horizons: how long an order stays refundable (``program.refund_days``) and
how long journal lines are kept line by line (``program.journal_days``). After each event,
records older than what any rule of the policy can still read are folded into ``Folded``:

- orders and activities older than the longest lookback of the policy's readers (the refund
  horizon, the tier window and its review, the lifecycle window, ``first_in`` periods, the
  windows of ``figures:``) leave the state; lifecycle keeps their purchase occasions as totals
  and a histogram of gaps, and the inactivity clock keeps the latest of each kind;
- refund detail (earnings), event ids and redemptions older than the refund horizon leave it: a
  refund, a repeated event or a cancel that old is refused instead of guessed;
- cap uses older than the refund horizon and the longest cap period become per-rule totals
  (what a lifetime cap reads);
- journal lines older than the journal horizon (and than what transfers' yearly limits, refunds
  and tier measures of points read) become per-currency, per-kind sums;
- lots spent or expired that no kept redemption names leave the lots, and lots earned before
  the week of the refund horizon that only their date tells apart merge; lots are looked over
  once a week (when the Monday starting the horizon's week moves), not at every event.

A policy whose tiers read the whole membership (a ``lifetime`` window, ``lifetime_requires``)
keeps every order: folding never changes a decision. Cut-offs fall on local midnights, so a
purchase day is never split between the records and the totals.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from itertools import compress, count
from operator import attrgetter
from typing import TypeVar

from ._compiled import CompiledProgram, Policy
from ._evolve import replace
from ._figures import figure_days, window_days
from ._instants import fixed_offset
from ._memo import IdentityMemo
from ._scan import positions
from ._state import (
    ActivityRecord,
    Folded,
    FoldedPurchases,
    MemberState,
    OrderRecord,
    orders_from,
    seen_from,
)
from .points._compile import CompiledCurrency
from .points._ledger import dropped, replaced
from .points._state import Earning, Lot, PointsState
from .tiers._compile import CompiledTiers
from .tiers._model import ValidityFromUpgrade, ValidityMonths, ValidityUntil, WindowSpec

__all__ = ["Horizons", "fold", "horizons"]

T = TypeVar("T")

_YEAR = 366
_MONTH = 31


@dataclass(frozen=True, slots=True)
class Horizons:
    """How many days back from the last event each kind of record is still read."""

    refund: int
    orders: int | None
    """Orders and activities (None: the policy reads the whole membership; never folded)."""
    caps: int
    journal: int | None
    """Journal lines (None: the policy states no journal horizon; kept for good)."""


def _tier_days(program: CompiledProgram) -> int | None:
    tiers = program.tiers
    if tiers is None:
        return 0
    if any(t.lifetime_requires is not None for t in tiers.ladder):
        return None
    windows = {tiers.window}
    for tier in tiers.ladder[1:]:
        windows.update((tiers.qualify_window(tier), tiers.retain_window(tier)))
    longest = 0
    for window in windows:
        days = _window_days(window, tiers)
        if days is None:
            return None
        longest = max(longest, days)
    # A review reads the window that ended at it; a review on another date (an anniversary, a
    # fixed day), or a validity end inside a window (which reads the last full window too), may
    # read a window that ended up to a year before.
    validity = any(t.validity is not None or t.review_validity is not None for t in tiers.ladder)
    return longest if tiers.review == "end_of_window" and not validity else longest + _YEAR


def _window_days(window: WindowSpec, tiers: CompiledTiers) -> int | None:
    """The days of history a tier window reads (None: the whole membership)."""
    if window.kind == "validity":
        # The term held: at most the longest term a tier is held for (a tier stating none has
        # no validity window, validation sees to that).
        terms = [
            _term_days(v)
            for t in tiers.ladder
            for v in (t.validity, t.review_validity)
            if v is not None
        ]
        return max(terms, default=_YEAR) + _YEAR
    return window_days(window)


def _term_days(validity: object) -> int:
    """The longest a term of ``validity`` can run, in days."""
    if isinstance(validity, ValidityMonths):
        return (validity.months_from_upgrade_month + 1) * _MONTH
    if isinstance(validity, ValidityFromUpgrade):
        return validity.months_from_upgrade * _MONTH + 1
    if isinstance(validity, ValidityUntil):
        return (validity.years + 1) * _YEAR
    return 2 * _YEAR


def _program_days(program: CompiledProgram) -> tuple[int | None, int]:
    """(days of orders the program reads, days of cap uses it reads)."""
    orders = _tier_days(program)
    caps = 0
    points = program.points
    if points is not None:
        for rule in points.rules:
            if rule.first_in is not None and orders is not None:
                orders = max(orders, _period_days(rule.first_in))
            for cap in rule.caps:
                caps = max(caps, _period_days(cap.per))
            if rule.milestone is not None:
                caps = max(caps, _period_days(rule.milestone.per))
        for currency in points.currencies:
            for cap in currency.earn_caps:
                caps = max(caps, _period_days(cap.per))
        for timed in points.timed:
            every = timed.at.every
            if timed.reads_orders and every is not None and orders is not None:
                # A block's figures read its orders: kept for the length of a block.
                span = (every.months or 0) * _MONTH + 7 * (every.weeks or 0) + (every.days or 0)
                orders = max(orders, span + 1)
    lifecycle = program.lifecycle
    if lifecycle is not None and orders is not None:
        window = lifecycle.window
        orders = max(orders, window.days or (window.months or 0) * _MONTH + 1)
    return orders, caps


def _period_days(per: str) -> int:
    # A cap per event reads nothing of the past.
    return {"event": 0, "day": 1, "week": 7, "month": _MONTH}.get(per, _YEAR)


_KNOWN: IdentityMemo[Policy, tuple[Horizons | None]] = IdentityMemo(64)


def horizons(policy: Policy) -> Horizons | None:
    """The policy's horizons over all its versions (None: it states none; nothing is folded)."""
    known = _KNOWN.get(policy)
    if known is None:
        known = _KNOWN.put(policy, (_horizons(policy),))
    return known[0]


def _horizons(policy: Policy) -> Horizons | None:
    refund_days = [v.info.refund_days for v in policy.versions]
    if any(days is None for days in refund_days):
        return None
    refund = max(days for days in refund_days if days is not None)
    orders: int | None = refund
    caps = refund
    journal: int | None = refund
    reads_points = False
    transfers = False
    for version in policy.versions:
        read, cap_days = _program_days(version)
        orders = None if read is None or orders is None else max(orders, read)
        caps = max(caps, cap_days + refund)
        stated = version.info.journal_days
        journal = None if stated is None or journal is None else max(journal, stated)
        if version.tiers is not None and any(
            m.of == "points" for m in version.tiers.measures.values()
        ):
            reads_points = True
        if version.points is not None:
            transfers = transfers or any(c.transfer is not None for c in version.points.currencies)
    # Figures (``figures:``) read orders and activities, or points, over their windows.
    figure_reach, figure_points = figure_days(policy.info.figures)
    orders = None if figure_reach is None or orders is None else max(orders, figure_reach)
    reads_points = reads_points or figure_points
    if journal is not None:
        journal = max(journal, _YEAR if transfers else 0)
        if reads_points:
            journal = None if orders is None else max(journal, orders)
    return Horizons(refund=refund, orders=orders, caps=caps, journal=journal)


def _cutoff(program: CompiledProgram, today: date, days: int) -> datetime:
    """The local midnight ``days`` whole days before the local day ``today``."""
    return _midnight(program, today - timedelta(days=days))


_MIDNIGHTS: dict[tuple[tzinfo, date], datetime] = {}


def _midnight(program: CompiledProgram, day: date) -> datetime:
    """The local midnight starting ``day`` (the last few asked, kept: a fold asks for the same
    four or five on every event of a day)."""
    key = (program.info.tz, day)
    found = _MIDNIGHTS.get(key)
    if found is None:
        if len(_MIDNIGHTS) >= 64:
            _MIDNIGHTS.clear()
        found = fixed_offset(datetime(day.year, day.month, day.day, tzinfo=program.info.tz))
        _MIDNIGHTS[key] = found
    return found


def _week_of(cut: datetime) -> date:
    """The Monday starting the week of the local midnight ``cut``."""
    day = cut.date()
    return day - timedelta(days=day.weekday())


def fold(policy: Policy, state: MemberState, since: datetime | None = None) -> MemberState:
    """The state with every record older than the policy's horizons folded into totals.

    ``since`` is the member's clock before the event just recorded (None: unknown, or the
    first event); lots are looked over when the week of the refund horizon has moved since.
    """
    found = horizons(policy)
    clock = state.clock
    if found is None or clock is None:
        return state
    program = policy.at(clock)
    folded = state.folded or Folded()
    changed = False
    today = program.info.local_date(clock)
    refund_cut = _cutoff(program, today, found.refund)
    # Spent lots leave, and lots past the refund horizon merge, once a week: the cut moves to
    # the Monday starting the horizon's week, so the lots are looked over when that moves (a
    # lot stays at most six days longer; merging and dropping change no decision either way).
    lots_cut = _week_of(refund_cut)
    lots_due = (
        since is None
        or _week_of(_cutoff(program, program.info.local_date(since), found.refund)) != lots_cut
    )

    # Event ids: a repeated event older than the refund horizon is refused as out of order.
    # The state is copied once at the end, with every field that changed.
    changes: dict[str, object] = {}
    seen_day = refund_cut.date().toordinal()
    if state.seen and state.seen[0][2] < seen_day:
        k = _leading(state.seen, lambda entry: entry[2] < seen_day)
        changes["seen"] = seen_from(state.seen, k)
        folded = replace(folded, events=folded.events + k)
        changed = True

    # Nothing to look over while the first lot (the oldest, but for one a cancel gave back,
    # which waits for a later look) is younger than the refund horizon.
    lots = state.points.lots
    lots_due = lots_due and bool(lots) and lots[0].earned_at < refund_cut
    ps, folded, points_changed = _fold_points(
        program,
        state.points,
        folded,
        found,
        today,
        clock,
        refund_cut,
        state,
        _midnight(program, lots_cut) if lots_due else None,
    )
    changed = changed or points_changed

    if found.orders is not None:
        order_cut = _cutoff(program, today, found.orders)
        old_orders = _older(state.orders, order_cut)
        old_activities = _older(state.activities, order_cut)
        if old_orders or old_activities:
            folded = _fold_orders(
                program,
                folded,
                state.orders[:old_orders],
                state.activities[:old_activities],
                order_cut,
            )
            changes["orders"] = orders_from(state.orders, old_orders)
            changes["activities"] = state.activities[old_activities:]
            changed = True
        # A carry counts in the window it rolled into, which starts at its moment: one that old
        # belongs to a window no review or question reads any more.
        rolled = state.tiers.rollovers
        old_rolls = _leading(rolled, lambda record: record.at < order_cut)
        if old_rolls:
            changes["tiers"] = replace(state.tiers, rollovers=rolled[old_rolls:])
            changed = True
    if not changed:
        return state
    return replace(state, points=ps, folded=folded, **changes)


_ID = attrgetter("id")
_REMAINING = attrgetter("remaining")
_MERGE_KEY = attrgetter("currency", "expires_at", "extensions")
_EARNED_AT = attrgetter("earned_at")


def _refundable(earning: Earning, state: MemberState, cut: datetime) -> bool:
    """Whether the order ``earning`` is for is held and placed at or after ``cut``."""
    order = state.order(earning.order)
    return order is not None and order.at >= cut


def _past_refunds(earnings: Sequence[Earning], state: MemberState, cut: datetime) -> int:
    """How many earnings at the start are for orders no refund can reach (``_leading`` with
    ``_refundable``, asked once per order: an order's earnings are booked together)."""
    k = 0
    order = None
    for earning in earnings:
        if earning.order != order:
            if _refundable(earning, state, cut):
                break
            order = earning.order
        k += 1
    return k


def _leading(records: Sequence[T], folds: Callable[[T], bool]) -> int:
    """How many records at the start ``folds`` takes (records are kept in time order; the first
    it does not take ends the run, so a record out of order is only kept longer)."""
    k = 0
    while k < len(records) and folds(records[k]):
        k += 1
    return k


def _older(records: Sequence[OrderRecord | ActivityRecord], cut: datetime) -> int:
    """How many records at the start are dated before ``cut`` (records are in time order)."""
    return bisect_left(records, cut, key=_at)


def _at(record: OrderRecord | ActivityRecord) -> datetime:
    return record.at


def _fold_orders(
    program: CompiledProgram,
    folded: Folded,
    orders: tuple[OrderRecord, ...],
    activities: Sequence[ActivityRecord],
    before: datetime,
) -> Folded:
    """``folded`` with ``orders`` and ``activities`` (those dated before ``before``) added."""
    last: dict[str, datetime] = dict(folded.last_activity)
    for record in activities:
        if record.kind not in last or record.at > last[record.kind]:
            last[record.kind] = record.at
    purchases = folded.purchases
    for order in orders:
        if "purchase" not in last or order.at > last["purchase"]:
            last["purchase"] = order.at
        if order.fully_refunded:
            continue
        day = program.info.local_date(order.at)
        purchases = _add_purchase(purchases, day, order.net_amount)
    return replace(
        folded,
        orders=folded.orders + len(orders),
        purchases=purchases,
        last_activity=tuple(sorted(last.items())),
        orders_before=before,
    )


def _add_purchase(p: FoldedPurchases | None, day: date, amount: Decimal) -> FoldedPurchases:
    if p is None:
        return FoldedPurchases(
            orders=1,
            days=1,
            amount=amount,
            first_day=day,
            first_day_amount=amount,
            first_order_amount=amount,
            last_day=day,
        )
    if day == p.last_day:
        first_day_amount = p.first_day_amount + amount if day == p.first_day else p.first_day_amount
        return replace(
            p, orders=p.orders + 1, amount=p.amount + amount, first_day_amount=first_day_amount
        )
    gaps = Counter(dict(p.gaps))
    gaps[(day - p.last_day).days] += 1
    return replace(
        p,
        orders=p.orders + 1,
        days=p.days + 1,
        amount=p.amount + amount,
        last_day=day,
        gaps=tuple(sorted(gaps.items())),
    )


def _fold_points(
    program: CompiledProgram,
    ps: PointsState,
    folded: Folded,
    found: Horizons,
    today: date,
    clock: datetime,
    refund_cut: datetime,
    state: MemberState,
    lots_cut: datetime | None,
) -> tuple[PointsState, Folded, bool]:
    """The points records past their horizons folded; lots looked over when ``lots_cut`` (a
    refund horizon moved back to a week's start) is given."""
    # The points state is copied once at the end, with every field that changed.
    changes: dict[str, object] = {}
    redemptions = ps.redemptions
    # Redemptions past the refund horizon can no longer be cancelled.
    k = _leading(ps.redemptions, lambda record: record.at < refund_cut)
    if k:
        counts = Counter(dict(folded.redemptions))
        for record in ps.redemptions[:k]:
            if not record.cancelled:
                counts[record.currency] += 1
        last = dict(folded.last_activity)
        newest = max(r.at for r in ps.redemptions[:k])
        if "redemption" not in last or newest > last["redemption"]:
            last["redemption"] = newest
        folded = replace(
            folded,
            redemptions=tuple(sorted(counts.items())),
            last_activity=tuple(sorted(last.items())),
        )
        redemptions = changes["redemptions"] = dropped(ps.redemptions, k)

    # Refund detail of orders past the refund horizon (earnings are booked in order).
    if ps.earnings:
        k = _past_refunds(ps.earnings, state, refund_cut)
        if k:
            changes["earnings"] = dropped(ps.earnings, k)

    cap_cut = _cutoff(program, today, found.caps)
    k = _leading(ps.cap_uses, lambda use: use.at < cap_cut)
    if k:
        totals: dict[str, tuple[int, int | Decimal]] = {
            key: (count, points) for key, count, points in folded.cap_uses
        }
        for use in ps.cap_uses[:k]:
            count, points = totals.get(use.rule, (0, 0))
            totals[use.rule] = (count + (1 if use.points > 0 else 0), points + use.points)
        folded = replace(
            folded, cap_uses=tuple((key, c, p) for key, (c, p) in sorted(totals.items()))
        )
        changes["cap_uses"] = ps.cap_uses[k:]

    if found.journal is not None:
        journal_cut = _cutoff(program, today, found.journal)
        k = _leading(ps.journal, lambda entry: entry.at < journal_cut)
        if k:
            sums: dict[tuple[str, str], int | Decimal] = {
                (currency, kind): points for currency, kind, points in folded.journal
            }
            for entry in ps.journal[:k]:
                key = (entry.currency, entry.kind)
                sums[key] = sums.get(key, 0) + entry.points
            folded = replace(
                folded,
                journal=tuple((c, kind, p) for (c, kind), p in sorted(sums.items())),
                journal_before=journal_cut,
            )
            changes["journal"] = ps.journal[k:]

    # Lots spent or expired leave the state once no redemption that could be cancelled names
    # them (a cancel gives points back to the lots they came from). Looked at once a week, not
    # at every event.
    if lots_cut is not None:
        lots = ps.lots
        named = {lot_id for r in redemptions for lot_id, _ in r.taken}
        # A closed lot holds nothing: the lots holding nothing are found with scans kept in C.
        held = list(map(_REMAINING, lots))
        if held and min(held) <= 0:
            empty = positions(held, 0) if min(held) == 0 else range(len(held))
            gone = {i for i in empty if _closed(lots[i]) and lots[i].id not in named}
            if gone:
                out = list(lots)
                for i in sorted(gone, reverse=True):
                    del out[i]
                # Closed lots are not live: the index of due moments stays what it was.
                lots = replaced(lots, tuple(out), [(lots[i], None) for i in gone])
        lots = _merged(program, lots, named, lots_cut, clock)
        if lots is not ps.lots:
            changes["lots"] = lots
    if not changes:
        return ps, folded, False
    return replace(ps, **changes), folded, True


def _merged(
    program: CompiledProgram,
    lots: tuple[Lot, ...],
    named: set[str],
    cut: datetime,
    clock: datetime,
) -> tuple[Lot, ...]:
    """Lots earned before ``cut`` (at or before the refund horizon) that only their date tells
    apart, merged into one.

    A member kept from expiry by a protected tier, or who never redeems, holds a lot per order
    for years. Past the refund horizon no refund names a lot, so lots of one currency with the
    same date and extensions behave as one (they are spent, pushed and expire together) where
    ``_mergeable`` says the currency allows it. Lots a cancellable redemption took from are left
    alone. Undated lots are merged only where the currency never expires.
    """
    points = program.points
    if points is None or not any(_mergeable(c) for c in points.currencies):
        return lots
    # Lots are credited in time order (a merged lot keeps the place of its first), so those
    # past the refund horizon lead. Only lots sharing a currency, a date and extensions merge:
    # those are found by scans kept in C, and only they are looked at one by one (with rolling
    # expiry no two lots share a date, and a merged lot stands alone until the next crosses).
    mergeable = {c.id for c in points.currencies if _mergeable(c)}
    # The first lot earned from the cut on is found by a lazy scan in C that stops there: the
    # lots before it are the few merged ones, the lots after it a refund horizon's worth.
    end = next(compress(count(), map(cut.__le__, map(_EARNED_AT, lots))), len(lots))
    keys = list(map(_MERGE_KEY, lots[:end]))
    shared = [k for k, n in Counter(keys).items() if n > 1 and k[0] in mergeable]
    groups: dict[tuple[str, datetime | None, tuple[str, ...]], list[int]] = {}
    for index in sorted(i for key in shared for i in positions(keys, key)):
        lot = lots[index]
        currency = points.by_id.get(lot.currency)
        if (
            currency is None
            or lot.id in named
            or (lot.expires_at is None and currency.expiry is not None)
            or lot.available_at is None
            or lot.available_at > clock
            or lot.expired
            or lot.remaining <= 0
        ):
            continue
        groups.setdefault((lot.currency, lot.expires_at, lot.extensions), []).append(index)
    merging = [indexes for indexes in groups.values() if len(indexes) > 1]
    if not merging:
        return lots
    out: list[Lot | None] = list(lots)
    changes: list[tuple[Lot, Lot | None]] = []
    for indexes in merging:
        group = [lots[i] for i in indexes]
        merged = replace(
            group[0],
            amount=_total(lot.amount for lot in group),
            remaining=_total(lot.remaining for lot in group),
            earned_at=min(lot.earned_at for lot in group),
            available_at=max(lot.available_at for lot in group if lot.available_at is not None),
        )
        out[indexes[0]] = merged
        changes.append((group[0], merged))
        for i in indexes[1:]:
            out[i] = None
            changes.append((lots[i], None))
    return replaced(lots, tuple(filter(None, out)), changes)


def _mergeable(currency: CompiledCurrency) -> bool:
    """Whether lots of ``currency`` told apart only by their earning moment behave as one.

    Spent earliest expiry first, without campaigns or inactivity expiry. (A push on upgrade or a
    bought extension reaches the points held, merged or not; a cancelled redemption's points
    come back with the date they had when spent, whichever lot they came from: ``_cancel``.)
    """
    expiry = currency.expiry
    if currency.spending_order != "earliest_expiry":
        return False
    if expiry is None:
        return True
    return expiry.inactivity_months is None and not expiry.extensions


def _total(values: Iterable[int | Decimal]) -> int | Decimal:
    total: int | Decimal = 0
    for value in values:
        total += value
    return total


def _closed(lot: Lot) -> bool:
    return lot.remaining <= 0 and (lot.expired or lot.available_at is not None)
