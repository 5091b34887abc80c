"""Qualifying measures compiled once, and the figures they give over a window of a member's life.

Figures read the core's orders and activities and the points journal (kinds earn, bonus and
reverse of the measure's currency), never the points part's internals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Literal

from .._facts import facts_at, line_values, order_values
from .._reasons import LocalizedText
from .._state import ActivityRecord, MemberState, OrderRecord
from ..rules import Predicate
from ._windows import Span

__all__ = ["CompiledMeasure", "figures"]

_EARNED_KINDS = frozenset({"earn", "bonus", "reverse"})


@dataclass(frozen=True, slots=True)
class CompiledMeasure:
    """One measure ready to count: its kind, filter and display name."""

    name: str
    label: LocalizedText
    of: Literal["spend", "orders", "points", "activities", "sum"]
    currency: str | None
    kind: str | None
    field: str | None
    predicate: Predicate | None
    path: str

    @property
    def money(self) -> bool:
        """Whether the figure is an amount of the programme's currency."""
        return self.of == "spend"

    @property
    def whole(self) -> bool:
        """Whether the figure is a count (thresholds are whole numbers)."""
        return self.of in ("orders", "activities")


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
        return order.amount - (_refunded_by(order, as_of) if deduct else Decimal(0))
    # A filter reads each line (only some categories count); refunds are taken per line, as
    # recorded, when every refund of the order is known at the moment asked about.
    local = order.at.astimezone(tz)
    known = deduct and all(r.at <= as_of for r in order.refunds)
    head = order_values(order)
    total = Decimal(0)
    for line in order.lines:
        if measure.predicate(facts_at(local, line_values(head, line))):
            total += line.net_amount if known else line.amount
    return total


def _order_counts(
    measure: CompiledMeasure, order: OrderRecord, as_of: datetime, tz: tzinfo, deduct: bool
) -> bool:
    # A fully refunded order is no order at all for qualification.
    if deduct and order.refunds and _refunded_by(order, as_of) >= order.amount:
        return False
    if measure.predicate is None:
        return True
    return measure.predicate(facts_at(order.at.astimezone(tz), order_values(order)))


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
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return Decimal(0)
    return Decimal(value)


def figures(
    measures: Mapping[str, CompiledMeasure],
    state: MemberState,
    span: Span,
    as_of: datetime,
    tz: tzinfo,
    *,
    currency: str,
    deduct_refunds: bool = True,
) -> dict[str, Decimal]:
    """Every measure's figure over the window ``span``, counting only what happened by ``as_of``."""
    out = {name: Decimal(0) for name in measures}
    orders = [o for o in state.orders if o.at <= as_of and span.holds(o.at)]
    activities = [a for a in state.activities if a.at <= as_of and span.holds(a.at)]
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
        elif m.of == "points":
            kinds = _EARNED_KINDS if deduct_refunds else _EARNED_KINDS - {"reverse"}
            for entry in state.points.journal:
                if (
                    entry.currency == m.currency
                    and entry.kind in kinds
                    and entry.at <= as_of
                    and span.holds(entry.at)
                ):
                    total += Decimal(entry.points)
        elif m.kind is None:
            # A sum without a kind adds up an order attribute (e.g. attr.distance of tickets).
            key = (m.field or "")[len("attr.") :]
            for order in orders:
                if m.predicate is None or m.predicate(
                    facts_at(order.at.astimezone(tz), order_values(order))
                ):
                    total += _number(dict(order.attributes).get(key))
        else:
            key = (m.field or "")[len("attr.") :]
            for record in activities:
                if record.kind != m.kind:
                    continue
                values = _activity_values(record)
                if m.predicate is not None and not m.predicate(
                    facts_at(record.at.astimezone(tz), values)
                ):
                    continue
                total += Decimal(1) if m.of == "activities" else _number(values.get(f"attr.{key}"))
        out[name] = total
    return out
