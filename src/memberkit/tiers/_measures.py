"""Qualifying measures compiled once, and the figures they give over a window of a member's life.

Figures read the core's orders and activities and the points journal (kinds earn, bonus and
reverse of the measure's currency), never the points part's internals.

An activities measure may join back-to-back records into one unit (``one_unit``: a unit counts
once, in the window holding its first record), and a measure of activities may credit each
record a stated time after it (``posts``: the record then counts from that moment, in the
window holding it).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, TypeVar

from .._facts import facts_at
from .._state import ActivityRecord, LineRecord, MemberState, OrderRecord
from ..points._state import JournalEntry
from ._compiled_measure import CompiledMeasure, Joins, Posting, joins_of, posting_of
from ._windows import Span

if TYPE_CHECKING:
    from ._tally import Tallies

__all__ = [
    "CompiledMeasure",
    "Joins",
    "Posting",
    "figures",
    "joins_of",
    "next_posting",
    "order_figures",
    "posting_moments",
    "posting_of",
    "rolled_into",
    "within",
]

_EARNED_KINDS = frozenset({"earn", "bonus", "reverse"})
_DATED_KINDS = _EARNED_KINDS | {"opening", "adjust"}
"""Journal kinds dated at their event, so in time order among themselves."""

_Dated = TypeVar("_Dated", OrderRecord, ActivityRecord)


def _refunded_by(order: OrderRecord, as_of: datetime) -> Decimal:
    return sum((r.amount for r in order.refunds if r.at <= as_of), Decimal(0))


def _spend(
    measure: CompiledMeasure,
    order: OrderRecord,
    as_of: datetime,
    tz: tzinfo,
    deduct: bool,
) -> Decimal:
    if measure.predicate is None:
        if deduct and order.refunds:
            return order.amount - _refunded_by(order, as_of)
        return order.amount
    # A filter reads each line (only some categories count), so refunds are deducted per line:
    # each refund dated by the moment asked about takes back what it took from that line.
    lines, _ = measure.verdicts(order, tz)
    total = Decimal(0)
    for line, counts in zip(order.lines, lines, strict=True):
        if counts:
            total += line.amount - (_line_refunded_by(order, line, as_of) if deduct else 0)
    return total


def _line_refunded_by(order: OrderRecord, line: LineRecord, as_of: datetime) -> Decimal:
    """What refunds dated by ``as_of`` took back from ``line``."""
    if not line.refunded_amount:
        return Decimal(0)
    if any(not r.lines for r in order.refunds):
        # A state stored before refunds kept per-line detail: the line's refunds count once
        # every refund of the order is dated by then.
        known = all(r.at <= as_of for r in order.refunds)
        return line.refunded_amount if known else Decimal(0)
    return sum((r.line_amount(line.id) for r in order.refunds if r.at <= as_of), Decimal(0))


def _order_counts(
    measure: CompiledMeasure, order: OrderRecord, as_of: datetime, tz: tzinfo, deduct: bool
) -> bool:
    # A fully refunded order is no order at all for qualification.
    if deduct and order.refunds and _refunded_by(order, as_of) >= order.amount:
        return False
    if measure.predicate is None:
        return True
    return measure.verdicts(order, tz)[1]


def _at(record: OrderRecord | ActivityRecord) -> datetime:
    return record.at


def _bounds(
    records: Sequence[_Dated],
    span: Span,
    as_of: datetime,
    key: Callable[[_Dated], datetime] = _at,
) -> tuple[int, int]:
    """The slice of ``records`` whose moment (``key``: when dated, or when posted) is in
    ``span`` and by ``as_of``; the moments must rise with the records."""
    low = 0 if span.start is None else bisect_left(records, span.start, key=key)
    high = bisect_right(records, as_of, lo=low, key=key)
    if span.end is not None:
        high = min(high, bisect_left(records, span.end, lo=low, key=key))
    return low, high


def within(records: Sequence[_Dated], span: Span, as_of: datetime) -> Sequence[_Dated]:
    """The records in ``span`` dated by ``as_of``, found by bisection.

    Orders and activities are recorded in time order (the engine refuses an event dated before
    the state's clock), so a window is one slice: figures cost what the window holds, not the
    whole history.
    """
    low, high = _bounds(records, span, as_of)
    return records[low:high]


def _earned_points(
    journal: Sequence[JournalEntry],
    currency: str | None,
    kinds: frozenset[str],
    span: Span,
    as_of: datetime,
    orders: Sequence[OrderRecord] = (),
) -> Decimal:
    """Points of ``kinds`` earned in ``span`` by ``as_of``, reading the journal from its end.

    Earning, bonus and reversal entries are dated at their event (an upgrade bonus at its
    review), so among themselves they are in time order; other kinds (expiry entries follow lot
    order) are skipped. The walk stops at the first earned entry before the window.
    """
    total = Decimal(0)
    ordered_at: dict[str, datetime] | None = None
    for entry in reversed(journal):
        if entry.kind not in _DATED_KINDS:
            continue
        if span.start is not None and entry.at < span.start:
            break
        in_window = entry.at <= as_of and (span.end is None or entry.at < span.end)
        if not (in_window and entry.kind in kinds and entry.currency == currency):
            continue
        if entry.kind == "reverse" and span.start is not None:
            # A refund takes back figures from the window that holds its order: returning an
            # order bought before the window does not lower this window's figure.
            if ordered_at is None:
                ordered_at = {r.id: o.at for o in orders for r in o.refunds}
            placed = ordered_at.get(entry.event_id)
            if placed is not None and not span.holds(placed):
                continue
        total += Decimal(entry.points)
    return total


def _activity_values(record: ActivityRecord) -> dict[str, object]:
    values: dict[str, object] = {
        "kind": record.kind,
        "channel": record.channel,
        "tags": frozenset(record.tags),
    }
    for key, value in record.attributes:
        values[f"attr.{key}"] = value
    return values


def _number(value: object) -> Decimal:
    # Read as earning reads it (points per attribute): a number, or text of a number ("3");
    # anything else, or a negative, adds nothing (earning refuses such an event outright).
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        return Decimal(0)
    try:
        number = Decimal(value)
    except InvalidOperation:
        return Decimal(0)
    return number if number.is_finite() and number >= 0 else Decimal(0)


def _joinable(value: object) -> object:
    """A start or end attribute as compared: text of a date or date-time by its date."""
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            return text
    return value


def _counts(m: CompiledMeasure, record: ActivityRecord, tz: tzinfo) -> dict[str, object] | None:
    """The record's values when the measure counts it (its kind, its filter), else None."""
    if record.kind != m.kind:
        return None
    values = _activity_values(record)
    if m.predicate is not None and not m.predicate(facts_at(record.at.astimezone(tz), values)):
        return None
    return values


def _posted_key(posts: Posting | None, tz: tzinfo) -> Callable[[ActivityRecord], datetime]:
    """When a record counts: its date, or the moment its credit posts."""
    if posts is None:
        return _at

    def posted(record: ActivityRecord) -> datetime:
        return posts.moment(record.at, tz)

    return posted


def next_posting(
    measures: Mapping[str, CompiledMeasure],
    records: Sequence[ActivityRecord],
    after: datetime,
    until: datetime,
    tz: tzinfo,
) -> datetime | None:
    """The first moment in (``after``, ``until``] a credit of a posting measure posts.

    Posting moments rise with the records, so each measure's next one is found by bisection
    and a walk over the records posting in the interval until one of the measure's kind.
    """
    first: datetime | None = None
    for m in measures.values():
        if m.posts is None or m.kind is None:
            continue
        posted = _posted_key(m.posts, tz)
        i = bisect_right(records, after, key=posted)
        while i < len(records):
            moment = posted(records[i])
            if moment > until or (first is not None and moment >= first):
                break
            if records[i].kind == m.kind:
                first = moment
                break
            i += 1
    return first


def posting_moments(
    m: CompiledMeasure, records: Sequence[ActivityRecord], as_of: datetime, tz: tzinfo
) -> list[datetime]:
    """The moments after ``as_of`` at which credits of ``m`` recorded by then post, in order."""
    if m.posts is None:
        return []
    posted = _posted_key(m.posts, tz)
    first = bisect_right(records, as_of, key=posted)
    found = {posted(r) for r in records[first:] if r.at <= as_of and r.kind == m.kind}
    return sorted(found)


def _units(
    m: CompiledMeasure,
    joins: Joins,
    records: Sequence[ActivityRecord],
    span: Span,
    as_of: datetime,
    tz: tzinfo,
    key: Callable[[ActivityRecord], datetime],
) -> Decimal:
    """How many units begin in ``span``: records counted that continue no earlier record.

    A unit counts once, in the window holding its first record, so a record joining a unit
    begun earlier (a back-to-back stay across the new year) adds nothing to its own window, and
    a later record never changes a figure already given. Whether a record continues another
    depends only on the records before it, so the walk starts at the member's first record.
    """
    low, high = _bounds(records, span, as_of, key)
    ends: set[tuple[object, ...]] = set()
    total = 0
    for i in range(high):
        values = _counts(m, records[i], tz)
        if values is None:
            continue
        attrs = dict(records[i].attributes)
        same = tuple(_joinable(attrs.get(name)) for name in joins.same)
        start = attrs.get(joins.start)
        # A record missing its start (or a shared attribute) joins nothing: it is a unit.
        continues = (
            start is not None
            and all(v is not None for v in same)
            and (*same, _joinable(start)) in ends
        )
        if i >= low and not continues:
            total += 1
        end = attrs.get(joins.end)
        if end is not None and all(v is not None for v in same):
            ends.add((*same, _joinable(end)))
    return Decimal(total)


def order_figures(
    measures: Mapping[str, CompiledMeasure],
    orders: Sequence[OrderRecord],
    as_of: datetime,
    tz: tzinfo,
    *,
    currency: str,
    deduct_refunds: bool,
) -> dict[str, Decimal]:
    """The figures of the measures that read orders (spend, orders, order sums) over ``orders``.

    Each is a sum over the orders, one order at a time, so figures of two runs of orders add up.
    """
    out: dict[str, Decimal] = {}
    for name, m in measures.items():
        total = Decimal(0)
        if m.of == "spend":
            for order in orders:
                if order.currency == currency:
                    total += _spend(m, order, as_of, tz, deduct_refunds)
        elif m.of == "orders":
            total = Decimal(
                sum(1 for o in orders if _order_counts(m, o, as_of, tz, deduct_refunds))
            )
        elif m.of == "sum" and m.kind is None:
            # A sum without a kind adds up an order attribute (e.g. attr.distance of tickets).
            key = (m.field or "")[len("attr.") :]
            for order in orders:
                if m.predicate is None or m.verdicts(order, tz)[1]:
                    total += _number(dict(order.attributes).get(key))
        else:
            continue
        out[name] = total
    return out


def figures(
    measures: Mapping[str, CompiledMeasure],
    state: MemberState,
    span: Span,
    as_of: datetime,
    tz: tzinfo,
    *,
    currency: str,
    deduct_refunds: bool = True,
    tallies: Tallies | None = None,
    rolled: bool = False,
    lane: object = None,
) -> dict[str, Decimal]:
    """Every measure's figure over the window ``span``, counting only what happened by ``as_of``.

    With ``tallies`` the order figures extend the running tally of the member's window by the
    orders recorded since, instead of summing the whole window again (``lane`` tells apart the
    windows of one ladder, each with its own running tally). With ``rolled`` the
    figures carried into the window from the one before (the ladder's ``rollover``) count too.
    """
    out = {name: Decimal(0) for name in measures}
    if tallies is not None:
        out.update(
            tallies.order_figures(
                measures, state, span, as_of, tz, currency, deduct_refunds, lane=lane
            )
        )
    else:
        orders = within(state.orders, span, as_of)
        out.update(
            order_figures(
                measures, orders, as_of, tz, currency=currency, deduct_refunds=deduct_refunds
            )
        )
    activities = within(state.activities, span, as_of)
    for name, m in measures.items():
        if m.of == "points":
            kinds = _EARNED_KINDS if deduct_refunds else _EARNED_KINDS - {"reverse"}
            if m.counts_opening_balance:
                kinds = kinds | {"opening"}
            if m.counts_adjustments:
                kinds = kinds | {"adjust"}
            out[name] = _earned_points(
                state.points.journal, m.currency, kinds, span, as_of, state.orders
            )
        elif m.kind is not None:
            posted = _posted_key(m.posts, tz)
            if m.joins is not None:
                out[name] = _units(m, m.joins, state.activities, span, as_of, tz, posted)
                continue
            # A credit that posts later counts from its posting moment, in the window holding
            # that moment: the record's own date only orders it.
            counted = activities
            if m.posts is not None:
                low, high = _bounds(state.activities, span, as_of, posted)
                counted = state.activities[low:high]
            field = (m.field or "")[len("attr.") :]
            total = Decimal(0)
            for record in counted:
                values = _counts(m, record, tz)
                if values is None:
                    continue
                total += (
                    Decimal(1) if m.of == "activities" else _number(values.get(f"attr.{field}"))
                )
            out[name] = total
    opening = state.tiers.opening
    # Opening figures count as if earned at the opening, in the windows holding that moment.
    if opening is not None and opening.at <= as_of and span.holds(opening.at):
        for name, value in opening.figures:
            if name in out:
                out[name] += value
    if rolled:
        for name, value in rolled_into(state, span, as_of):
            if name in out:
                out[name] += value
    return out


def rolled_into(state: MemberState, span: Span, as_of: datetime) -> tuple[tuple[str, Decimal], ...]:
    """The figures carried into the window ``span`` from the one before, as known at ``as_of``.

    A carry counts from the first moment of the window it rolled into; a window with an open
    start (a lifetime count) holds every figure where it was earned, so it holds no carry.
    """
    if span.start is None:
        return ()
    return tuple(
        pair
        for record in state.tiers.rollovers
        if record.at <= as_of and span.holds(record.at)
        for pair in record.figures
    )
