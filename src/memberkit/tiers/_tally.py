"""Running order figures per member and window, so an event adds its order instead of a re-count.

The engine asks for the figures of the window holding each event, and the orders of a member only
grow at the end (events arrive in time order) or change when refunded. A tally remembers the
order figures of one member's window as of a moment, with the orders they were counted from; the
next question about the same window, no earlier, with those orders still at the head of the
member's orders, adds the orders recorded since. Anything else (a refund replaced an order, a
question about an earlier moment, an order or refund in the window dated after the tally's
moment) counts the window afresh. A tally is a memo: the figures are the same either way.

Tallies live on the compiled ladder, at most ``_LIMIT`` of them (each holds the orders tuple it
counted). Each entry is replaced whole, never changed, so threads sharing a policy may at worst
miss a tally, never read a wrong one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal

from .._state import MemberState, OrderRecord
from ._measures import CompiledMeasure, order_figures, within
from ._windows import Span

__all__ = ["Tallies", "Tally"]

_LIMIT = 4096
"""Tallies kept per compiled ladder before the memo starts again (bounds its memory)."""

_END_OF_TIME = datetime.max.replace(tzinfo=UTC)

_Key = tuple[str, datetime, datetime | None, datetime | None, bool, str]


@dataclass(frozen=True, slots=True)
class Tally:
    """Order figures of one window as of ``as_of``, counted from ``orders``."""

    orders: tuple[OrderRecord, ...]
    as_of: datetime
    figures: Mapping[str, Decimal]
    settled: bool
    """Whether time alone cannot change the figures: no order or refund in the window is dated
    after ``as_of``."""


def _settled(orders: tuple[OrderRecord, ...], span: Span, as_of: datetime) -> bool:
    """Whether no order of ``orders`` in ``span``, nor any refund of one, is dated after as_of."""
    counted = within(orders, span, as_of)
    if len(within(orders, span, _END_OF_TIME)) > len(counted):
        return False
    return not any(r.at > as_of for order in counted for r in order.refunds)


class Tallies:
    """The tallies of one compiled ladder, by member and window."""

    __slots__ = ("_by_key",)

    def __init__(self) -> None:
        self._by_key: dict[_Key, Tally] = {}

    def order_figures(
        self,
        measures: Mapping[str, CompiledMeasure],
        state: MemberState,
        span: Span,
        as_of: datetime,
        tz: tzinfo,
        currency: str,
        deduct_refunds: bool,
    ) -> dict[str, Decimal]:
        """The order figures of ``span`` as of ``as_of``: the tally extended, or counted afresh."""
        key: _Key = (
            state.member_id,
            state.joined_at,
            span.start,
            span.end,
            deduct_refunds,
            currency,
        )
        orders = state.orders
        old = self._by_key.get(key)
        if (
            old is not None
            and old.settled
            and as_of >= old.as_of
            and len(orders) >= len(old.orders)
            and orders[: len(old.orders)] == old.orders
        ):
            fresh = orders[len(old.orders) :]
            added = order_figures(
                measures,
                within(fresh, span, as_of),
                as_of,
                tz,
                currency=currency,
                deduct_refunds=deduct_refunds,
            )
            figs = {name: old.figures[name] + added[name] for name in added}
            settled = _settled(fresh, span, as_of)
        else:
            figs = order_figures(
                measures,
                within(orders, span, as_of),
                as_of,
                tz,
                currency=currency,
                deduct_refunds=deduct_refunds,
            )
            settled = _settled(orders, span, as_of)
            if old is not None and as_of < old.as_of:
                # A question about an earlier moment (a query of the past) keeps the later tally.
                return figs
        if len(self._by_key) >= _LIMIT:
            self._by_key.clear()
        self._by_key[key] = Tally(orders, as_of, figs, settled)
        return dict(figs)
