"""The values conditions read: built once per event (and per order line) from events and state.

Field names are the rules language's vocabularies (``memberkit.rules``). Every part builds its
facts here so that ``channel`` or ``birthday`` mean the same thing in an earning rule, a tier
filter and a benefit condition.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal, Protocol

from dateutil.relativedelta import relativedelta

from ._events import Activity, BenefitUse, Event, Line, Purchase
from ._state import LineRecord, MemberState, OrderRecord
from .rules import Facts

__all__ = [
    "FigureReader",
    "LeapBirthday",
    "age_on",
    "birthday_in_year",
    "birthday_windows",
    "event_values",
    "facts_at",
    "line_values",
    "member_values",
    "order_values",
    "whole_months",
]

LeapBirthday = Literal["feb28", "mar1"]


class FigureReader(Protocol):
    """A figure of the policy's ``figures:`` (``memberkit._figures.CompiledFigure``)."""

    @property
    def field(self) -> str:
        """The condition field that reads it, ``figure.<name>``."""
        ...

    def value(self, state: MemberState, local_at: datetime) -> Decimal:
        """Its value over the window holding ``local_at``."""
        ...


def birthday_in_year(birthday: date, year: int, leap_rule: LeapBirthday) -> date:
    """The member's birthday in ``year``; a 29 Feb birthday falls on 28 Feb or 1 Mar in other years."""
    try:
        return birthday.replace(year=year)
    except ValueError:
        # Only 29 Feb fails to exist in a common year; the programme states where it moves.
        return date(year, 2, 28) if leap_rule == "feb28" else date(year, 3, 1)


def birthday_windows(
    birthday: date | None, today: date, leap_rule: LeapBirthday = "feb28"
) -> frozenset[str]:
    """Which birthday windows ``today`` falls in: 'day', 'week' (ISO Monday–Sunday), 'month'."""
    if birthday is None:
        return frozenset()
    this_year = birthday_in_year(birthday, today.year, leap_rule)
    found: set[str] = set()
    if this_year == today:
        found.add("day")
    if this_year.month == today.month:
        found.add("month")
    monday = today - timedelta(days=today.isoweekday() - 1)
    # The birthday week may straddle New Year: check the birthday in the neighbouring years too.
    for year in (today.year - 1, today.year, today.year + 1):
        day = birthday_in_year(birthday, year, leap_rule)
        if monday <= day <= monday + timedelta(days=6):
            found.add("week")
    return frozenset(found)


def whole_months(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` counted as anniversaries are, 0 before ``start``.

    As dateutil counts them (joined 31 Jan: one month on 28 Feb; joined 29 Feb: twelve on
    28 Feb of the next year), without building a relativedelta: every evaluation asks.
    """
    months = (end.year - start.year) * 12 + end.month - start.month
    # The monthly anniversary falls on the same day, or on the month's last day when the month
    # is shorter; before it, that month is not yet whole.
    if end.day < start.day and end.day < calendar.monthrange(end.year, end.month)[1]:
        months -= 1
    return max(months, 0)


def age_on(
    birth_year: int | None, birthday: date | None, today: date, leap_rule: LeapBirthday = "feb28"
) -> int | None:
    """The member's age in whole years on ``today``, or None when it cannot be told.

    It needs the birth year and the birthday's month and day; the age goes up on the birthday
    (a 29 Feb birthday on 28 Feb or 1 Mar in common years, as the programme states). A day before
    the member was born has no age.
    """
    if birth_year is None or birthday is None:
        return None
    age = today.year - birth_year
    if today < birthday_in_year(birthday, today.year, leap_rule):
        age -= 1
    return age if age >= 0 else None


def member_values(
    state: MemberState,
    local_at: datetime,
    *,
    tier: str | None,
    leap_rule: LeapBirthday = "feb28",
    figures: Sequence[FigureReader] = (),
) -> dict[str, object]:
    """Member fields at a moment: tiers held and how reached, tags, age, tenure, flags in force,
    birthday windows.

    ``tier`` is the ladder tier in force; the ``tier`` field holds it together with the paid
    tiers held alongside the ladder at that moment, so ``tier: club`` holds for a club member
    whatever their ladder tier. ``figures`` are the policy's figures, each counted over its
    window holding the moment (what the state records by then, the event judged included).
    """
    joined = state.joined_at.astimezone(local_at.tzinfo).date()
    today = local_at.date()
    tenure = whole_months(joined, today)
    values: dict[str, object] = {
        "member_tags": frozenset(state.tags),
        "days_since_join": (today - joined).days,
        "joined": joined,
        "tenure_years": tenure // 12,
        "tenure_months": tenure,
        "birthday": birthday_windows(state.birthday, today, leap_rule),
        "flag": state.flags_at(local_at),
    }
    age = age_on(state.birth_year, state.birthday, today, leap_rule)
    if age is not None:
        values["age"] = age
    for figure in figures:
        values[figure.field] = figure.value(state, local_at)
    held = state.tiers.alongside_at(local_at)
    if tier is not None:
        held = held | {tier}
    if held:
        values["tier"] = held
    reached = state.tiers.reached_by_at(local_at)
    if reached is not None:
        values["tier_reached_by"] = reached
    return values


def _with_attrs(
    values: dict[str, object], attributes: Mapping[str, object] | tuple[tuple[str, object], ...]
) -> None:
    items = attributes.items() if isinstance(attributes, Mapping) else attributes
    for key, value in items:
        values[f"attr.{key}"] = value


def _methods(order: Purchase | OrderRecord) -> frozenset[str]:
    if order.tenders:
        return frozenset(t.method for t in order.tenders)
    return frozenset((order.payment_method,)) if order.payment_method else frozenset()


def order_values(order: Purchase | OrderRecord) -> dict[str, object]:
    """Order-level fields of a purchase: categories and skus are the sets over its lines."""
    values: dict[str, object] = {
        "kind": "purchase",
        "amount": sum((line.amount for line in order.lines), Decimal(0)),
        "currency": order.currency,
        "category": frozenset(line.category for line in order.lines if line.category),
        "sku": frozenset(line.sku for line in order.lines if line.sku),
        "channel": order.channel,
        "store": order.store,
        "payment_method": order.one_method if isinstance(order, Purchase) else order.payment_method,
        "payment_methods": _methods(order),
        "tags": frozenset(order.tags),
        "quantity": sum(line.quantity for line in order.lines),
    }
    _with_attrs(values, order.attributes)
    return values


def line_values(order: Mapping[str, object], line: Line | LineRecord) -> dict[str, object]:
    """Fields of one order line: the order's fields with the line's amount, category, sku, tags."""
    values = dict(order)
    values["amount"] = line.amount
    values["category"] = frozenset((line.category,)) if line.category else frozenset()
    values["sku"] = frozenset((line.sku,)) if line.sku else frozenset()
    values["quantity"] = line.quantity
    order_tags = order.get("tags", frozenset())
    values["tags"] = frozenset(line.tags) | (
        order_tags if isinstance(order_tags, frozenset) else frozenset()
    )
    _with_attrs(values, line.attributes)
    return values


def event_values(event: Event) -> dict[str, object]:
    """Event fields for any event kind (purchases at order level)."""
    if isinstance(event, Purchase):
        return order_values(event)
    values: dict[str, object] = {"kind": event.kind if isinstance(event, Activity) else event.type}
    if isinstance(event, Activity | BenefitUse):
        values["channel"] = event.channel
        _with_attrs(values, event.attributes)
    if isinstance(event, Activity):
        values["tags"] = frozenset(event.tags)
    return values


def facts_at(local_at: datetime, *parts: Mapping[str, object]) -> Facts:
    """Facts for a condition: the local moment and the merged field values (later parts win)."""
    merged: dict[str, object] = {}
    for part in parts:
        merged.update(part)
    return Facts(at=local_at, values=merged)


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (31 Jan → 28 Feb counts as one)."""
    delta = relativedelta(end, start)
    return delta.years * 12 + delta.months
