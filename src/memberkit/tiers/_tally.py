"""Running order figures per member and window, so an event adds its order instead of a re-count.

The engine asks for the figures of the window holding each event, and the orders of a member only
grow at the end (events arrive in time order) or change when refunded. A tally remembers the
order figures of one member's window as of a moment, with the orders they were counted from. A
later question, about the same window or one whose start has moved on (a rolling window), with
those orders still at the head of the member's orders, starts from the tally: it adds the orders
that came into the window (recorded since, or reached by a later end) and takes off those that
left it. Orders the fold dropped from the head leave the tally, and an order a refund replaced
is taken off and counted again as refunded (``_rebased``), so neither costs a count of the
window. Anything else (a question about an earlier moment, an order or refund in the window
dated after the tally's moment, a window starting earlier, orders that do not line up) counts
the window afresh. A tally is a memo: the figures are the same either way.

Tallies live on the compiled ladder, at most ``_LIMIT`` of them (each holds the orders tuple it
counted). Each entry is replaced whole, never changed, so threads sharing a policy may at worst
miss a tally, never read a wrong one.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING

from ._windows import Span

if TYPE_CHECKING:
    from .._state import MemberState, OrderRecord
    from ._compiled_measure import CompiledMeasure

__all__ = ["Tallies", "Tally"]

_LIMIT = 512
"""Tallies kept per compiled ladder before the memo starts again (bounds its memory).

About two a member; each holds the member's orders. A process that replays members one after
another (a batch worker, the demo) reuses only the current member's, so a larger bound only
keeps finished members' orders alive: at 4,096 a demo worker grew by about 40 MB."""

_MemberKey = tuple[str, datetime, bool, str, object]
_SpanKey = tuple[str, datetime, bool, str, object, datetime | None, datetime | None]


@dataclass(frozen=True, slots=True)
class Tally:
    """Order figures of the window ``span`` as of ``as_of``, counted from ``orders``."""

    orders: tuple[OrderRecord, ...]
    span: Span
    as_of: datetime
    figures: Mapping[str, Decimal]
    settled: bool
    """Whether time alone cannot change the figures: no order of the window, nor a refund of
    one, is dated after ``as_of``."""


def _at(order: OrderRecord) -> datetime:
    return order.at


def _index(orders: Sequence[OrderRecord], moment: datetime | None, hi: int) -> int:
    """How many of the first ``hi`` orders are dated before ``moment`` (None: no moment)."""
    if moment is None:
        return 0
    return bisect_left(orders, moment, 0, hi, key=_at)


def _slice(
    orders: Sequence[OrderRecord],
    start: datetime | None,
    end: datetime | None,
    lo: int,
    hi: int,
) -> Sequence[OrderRecord]:
    """The orders among ``orders[lo:hi]`` dated from ``start`` (included) to ``end`` (excluded)."""
    a = max(lo, _index(orders, start, hi))
    b = hi if end is None else min(hi, _index(orders, end, hi))
    return orders[a:b] if a < b else ()


def _refunded_after(orders: Sequence[OrderRecord], as_of: datetime) -> bool:
    return any(r.at > as_of for order in orders for r in order.refunds)


def _later(start: datetime | None, end: datetime | None) -> datetime | None:
    """The later of two window starts, None being the open past."""
    if start is None:
        return end
    return start if end is None else max(start, end)


def _earlier(a: datetime | None, b: datetime | None) -> datetime | None:
    """The earlier of two window ends, None being the open future."""
    if a is None:
        return b
    return a if b is None else min(a, b)


def _rebased(
    old: Tally,
    orders: tuple[OrderRecord, ...],
    as_of: datetime,
    count: Callable[[Sequence[OrderRecord]], dict[str, Decimal]],
) -> tuple[Tally, list[OrderRecord]] | None:
    """``old`` counted again over the orders the member still holds of those it counted.

    Between two events the member's orders change in three ways only: orders are recorded at
    the end, a refund replaces an order by its refunded record in the same place, and folding
    drops orders from the head. The tally's orders are lined up with the member's by id (the
    head the fold dropped, then one for one); the dropped orders and the replaced records leave
    the figures, the replacing records come in. The result is the tally of the member's orders
    as far as the old ones went, with the replacing records (to settle on). None when the
    orders do not line up (another member's history, or a quote's hypothetical order).
    """
    held = old.orders
    k = len(held)
    if not k:
        return old, []
    if not orders:
        return None
    head = orders[0]
    d = bisect_left(held, head.at, key=_at)
    while d < k and held[d].at == head.at and held[d].id != head.id:
        d += 1
    if d == k or held[d].id != head.id:
        return None
    kept = k - d
    if len(orders) < kept:
        return None
    if d == 0 and orders[:kept] == held:
        return old, []
    span = old.span
    left = list(_slice(held, span.start, span.end, 0, d))
    came: list[OrderRecord] = []
    if orders[:kept] != held[d:]:
        for i in range(kept):
            was, now = held[d + i], orders[i]
            if was is now:
                continue
            # A refunded record keeps its order's id and moment, so it is in the same windows.
            if was.id != now.id or was.at != now.at:
                return None
            if span.holds(was.at):
                left.append(was)
                came.append(now)
    figures = dict(old.figures)
    if left or came:
        lost = count(left)
        gained = count(came)
        figures = {name: figures[name] + gained[name] - lost[name] for name in figures}
    return Tally(orders[:kept], span, old.as_of, figures, True), came


class Tallies:
    """The tallies of one compiled ladder, by member and window."""

    __slots__ = ("_by_span", "_last")

    def __init__(self) -> None:
        self._by_span: dict[_SpanKey, Tally] = {}
        self._last: dict[_MemberKey, Tally] = {}

    def order_figures(
        self,
        measures: Mapping[str, CompiledMeasure],
        state: MemberState,
        span: Span,
        as_of: datetime,
        tz: tzinfo,
        currency: str,
        deduct_refunds: bool,
        *,
        lane: object = None,
    ) -> dict[str, Decimal]:
        """The order figures of ``span`` as of ``as_of``: from a tally, or counted afresh.

        A member keeps one running tally per ``lane`` (a window of the ladder).
        """
        member: _MemberKey = (state.member_id, state.joined_at, deduct_refunds, currency, lane)
        key: _SpanKey = (*member, span.start, span.end)
        orders = state.orders
        same = self._by_span.get(key)
        if same is not None and same.orders is orders and same.settled and as_of >= same.as_of:
            # Asked again (a query after the event, or at a later moment): nothing was recorded
            # since and time alone cannot change the window's figures.
            return dict(same.figures)
        # The counting reads the member state's records: imported here, not with the compiled
        # ladder that holds the tallies, so checking a policy never imports the state.
        from ._measures import order_figures, within

        def count(run: Sequence[OrderRecord]) -> dict[str, Decimal]:
            return order_figures(
                measures, run, as_of, tz, currency=currency, deduct_refunds=deduct_refunds
            )

        found = None
        for old in (self._by_span.get(key), self._last.get(member)):
            if old is not None and self._usable(old, span, as_of):
                rebased = _rebased(old, orders, as_of, count)
                if rebased is not None:
                    found = rebased
                    break
        if found is None:
            counted = within(orders, span, as_of)
            figs = count(counted)
            settled = not _refunded_after(counted, as_of)
        else:
            base, changed = found
            figs, added = self._slide(base, orders, span, as_of, count)
            settled = not _refunded_after(added, as_of) and not _refunded_after(changed, as_of)
        # Settled also needs every order of the window dated by as_of (none still to come).
        n = len(orders)
        first = _index(orders, span.start, n)
        past = n if span.end is None else _index(orders, span.end, n)
        settled = settled and (past <= first or orders[past - 1].at <= as_of)
        tally = Tally(orders, span, as_of, figs, settled)
        if len(self._by_span) >= _LIMIT:
            self._by_span.clear()
            self._last.clear()
        self._by_span[key] = tally
        newest = self._last.get(member)
        # A question about an earlier moment (a query of the past) keeps the member's later tally,
        # the one the next event extends.
        if newest is None or as_of >= newest.as_of:
            self._last[member] = tally
        return dict(figs)

    @staticmethod
    def _usable(old: Tally, span: Span, as_of: datetime) -> bool:
        """Whether the figures of ``span`` as of ``as_of`` can start from ``old`` (its orders
        still to be lined up with the member's, ``_rebased``)."""
        if not old.settled or as_of < old.as_of:
            return False
        # A window may keep its start or move it on, never reach further back.
        if (old.span.start is None) != (span.start is None):
            return False
        return not (
            span.start is not None and old.span.start is not None and span.start < old.span.start
        )

    @staticmethod
    def _slide(
        old: Tally,
        orders: tuple[OrderRecord, ...],
        span: Span,
        as_of: datetime,
        count: Callable[[Sequence[OrderRecord]], dict[str, Decimal]],
    ) -> tuple[dict[str, Decimal], list[OrderRecord]]:
        """The tally moved to ``span`` and ``as_of``; and the orders it took in, for settling."""
        k = len(old.orders)
        start, end = old.span.start, old.span.end
        # The old orders the tally counted and the new window drops: before its start, or from
        # its end on (settled, so their figures are what they were when counted).
        left = [
            *(_slice(orders, start, _earlier(end, span.start), 0, k) if span.start else ()),
            *(_slice(orders, _later(start, span.end), end, 0, k) if span.end is not None else ()),
        ]
        # Old orders the new window reaches beyond the old end, and the orders recorded since.
        came = [
            *(_slice(orders, _later(span.start, end), span.end, 0, k) if end is not None else ()),
            *_slice(orders, span.start, span.end, k, len(orders)),
        ]
        came = [o for o in came if o.at <= as_of]
        gained = count(came)
        if end is not None and span.start is not None and span.start >= end:
            # The new window starts where the old one ended (a new calendar year): every order
            # the tally counted leaves it, taking all of its figures, not counted one by one.
            return gained, came
        lost = count(left)
        figs = {name: old.figures[name] + gained[name] - lost[name] for name in gained}
        return figs, came
