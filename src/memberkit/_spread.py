"""A refund by amount spread over an order's lines, as the programme states (program.refund_spread).

- ``pro_rata``: each line gives back its share of the amount in proportion to what is still paid
  for it (its net amount after earlier refunds). Shares are counted in the currency's smallest
  unit (fen): each line first gets its share rounded down, then the units still missing go one
  each to the lines with the largest remainders (the earlier line first on a tie). The parts add
  up to the amount exactly, and no line gives back more than is left of it.
- ``last_lines_first``: the last line of the order gives back all it can, then the line before
  it, and so on (the most recently added lines first).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from ._context import RefundedLine
from ._errors import EventError
from ._evolve import replace
from ._money import Money
from ._reasons import Reason
from ._state import LineRecord, MemberState, OrderRecord, RefundRecord, TenderRecord

if TYPE_CHECKING:
    from ._events import Refund
    from ._program import ProgramInfo

__all__ = [
    "RefundSpread",
    "check_tender",
    "pro_rata",
    "record_amount_refund",
    "spread_amount",
    "tenders_after",
]

RefundSpread = Literal["pro_rata", "last_lines_first"]


def spread_amount(
    lines: tuple[LineRecord, ...], amount: Decimal, how: RefundSpread, decimals: int
) -> tuple[Decimal, ...]:
    """What each line gives back of ``amount`` (same order as ``lines``).

    ``amount`` is at most the lines' net amounts together and has at most ``decimals`` places.
    """
    if how == "last_lines_first":
        parts: list[Decimal] = [Decimal(0)] * len(lines)
        left = amount
        for i in range(len(lines) - 1, -1, -1):
            if left <= 0:
                break
            parts[i] = min(lines[i].net_amount, left)
            left -= parts[i]
        return tuple(parts)
    return pro_rata([line.net_amount for line in lines], amount, decimals)


def pro_rata(weights: list[Decimal], amount: Decimal, decimals: int) -> tuple[Decimal, ...]:
    """``amount`` split in proportion to ``weights``, in whole smallest units (largest remainder).

    Each part is at most its weight when ``amount`` is at most the weights together.
    """
    unit = Decimal(1).scaleb(-decimals)
    # Whole smallest units throughout, so the shares are exact however large the amounts.
    nets = [int(weight / unit) for weight in weights]
    total = sum(nets)
    if total == 0:
        return tuple(Decimal(0) for _ in weights)
    wanted = int(amount / unit)
    floors = [wanted * net // total for net in nets]
    remainders = [wanted * net % total for net in nets]
    missing = wanted - sum(floors)
    # Largest remainder first, the earlier one on a tie: the units lost to rounding down.
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:missing]:
        floors[i] += 1
    return tuple(Decimal(n) * unit for n in floors)


def check_tender(order: OrderRecord, event: Refund) -> None:
    """Refuse a refund to a tender the order was not paid with, or of more than it has left."""
    method = event.tender
    if method is None:
        return
    tender = order.tender(method)
    if tender is None:
        if not order.tenders and method == order.payment_method:
            return  # an order one method paid has that method as its only tender
        methods = tuple(t.method for t in order.tenders) or (order.payment_method or "—",)
        raise EventError(
            event.id,
            f"order {order.id!r} has no tender {method!r} (tenders: {', '.join(methods)})",
            field="tender",
            code="unknown_tender",
            reason=Reason.of(
                "event.error.unknown_tender", order=order.id, tender=method, tenders=methods
            ),
        )
    assert event.amount is not None  # the event model asks for the amount with a tender
    if event.amount > tender.left:
        raise EventError(
            event.id,
            f"refund of {event.amount} to {method!r} on order {order.id!r}, but only "
            f"{tender.left} of what it paid has not gone back to it",
            field="amount",
            code="over_refund",
            reason=Reason.of(
                "event.error.over_refund_tender",
                order=order.id,
                tender=method,
                amount=Money(event.amount, order.currency),
                left=Money(tender.left, order.currency),
            ),
        )


def tenders_after(
    order: OrderRecord, event: Refund, money_back: Decimal, decimals: int
) -> tuple[TenderRecord, ...]:
    """The order's tenders after a refund: all to the named tender, or in proportion to what
    each has left when the refund names none."""
    if not order.tenders:
        return ()
    if event.tender is not None:
        return tuple(
            replace(t, refunded=t.refunded + money_back) if t.method == event.tender else t
            for t in order.tenders
        )
    parts = pro_rata([t.left for t in order.tenders], money_back, decimals)
    return tuple(
        replace(t, refunded=t.refunded + part) for t, part in zip(order.tenders, parts, strict=True)
    )


def _places(amount: Decimal) -> int:
    exponent = amount.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def record_amount_refund(
    state: MemberState, order: OrderRecord, event: Refund, info: ProgramInfo
) -> tuple[MemberState, tuple[RefundedLine, ...]]:
    """Record a refund of ``event.amount`` on ``order``, spread over its lines.

    A line whose whole net amount comes back counts as returned (all its units), so the points
    part takes back everything it earned; a line partly refunded keeps its units and gives back
    points in proportion to the money (the points part's own rule).
    """
    amount = event.amount
    assert amount is not None
    decimals = info.currency_decimals
    if _places(amount) > decimals:
        reason = Reason.of(
            "event.invalid.too_many_decimals",
            amount=str(amount),
            currency=order.currency,
            decimals=decimals,
        )
        raise EventError(
            event.id,
            f"{amount} has more decimals than {order.currency} allows ({decimals})",
            field="amount",
            code="too_many_decimals",
            reason=reason,
        )
    left = order.net_amount
    if amount > left:
        raise EventError(
            event.id,
            f"refund of {amount} on order {order.id!r}, but only {left} of its goods is not "
            "refunded yet",
            field="amount",
            code="over_refund",
            reason=Reason.of(
                "event.error.over_refund_amount",
                order=order.id,
                amount=Money(amount, order.currency),
                left=Money(left, order.currency),
            ),
        )
    parts = spread_amount(order.lines, amount, info.refund_spread, decimals)
    refunded: list[RefundedLine] = []
    lines: list[LineRecord] = []
    for line, part in zip(order.lines, parts, strict=True):
        if not part:
            lines.append(line)
            continue
        whole = part == line.net_amount
        units = line.remaining_quantity if whole else 0
        refunded.append(RefundedLine(line.id, units, part, whole))
        lines.append(
            replace(
                line,
                refunded_quantity=line.refunded_quantity + units,
                refunded_amount=line.refunded_amount + part,
            )
        )
    record = RefundRecord(
        event.id, event.at, amount, tuple((r.line_id, r.amount) for r in refunded)
    )
    new_order = replace(
        order,
        lines=tuple(lines),
        refunds=(*order.refunds, record),
        tenders=tenders_after(order, event, amount, decimals),
    )
    orders = state.with_order(new_order)
    return state.evolve(orders=orders), tuple(refunded)
