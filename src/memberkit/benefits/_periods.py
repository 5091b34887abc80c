"""Quota periods on the programme's wall clock: where the period holding a moment starts and ends.

Every period starts at local midnight: a day, an ISO week from Monday, a calendar month from the
1st, a calendar year from 1 January, a membership year from the anniversary of the local joining
date (a 29 Feb join follows the programme's leap-birthday rule in common years). A lifetime period
has no bounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from .._facts import LeapBirthday, birthday_in_year
from ._model import Period

__all__ = ["Span", "birthday_window", "period_before", "period_of"]

_INSTANT = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Span:
    """One period: from ``start`` (included) to ``end`` (excluded); None is unbounded."""

    start: datetime | None
    end: datetime | None

    def holds(self, moment: datetime) -> bool:
        """Whether ``moment`` falls in the period."""
        return (self.start is None or self.start <= moment) and (
            self.end is None or moment < self.end
        )


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def _bounds(per: Period, today: date, joined: date, leap_rule: LeapBirthday) -> tuple[date, date]:
    if per == "day":
        return today, today + timedelta(days=1)
    if per == "week":
        monday = today - timedelta(days=today.isoweekday() - 1)
        return monday, monday + timedelta(days=7)
    if per == "month":
        first = today.replace(day=1)
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first, following
    if per == "year":
        return date(today.year, 1, 1), date(today.year + 1, 1, 1)
    # membership_year: from the anniversary of joining, which may fall before or after today.
    this_year = birthday_in_year(joined, today.year, leap_rule)
    if today >= this_year:
        return this_year, birthday_in_year(joined, today.year + 1, leap_rule)
    return birthday_in_year(joined, today.year - 1, leap_rule), this_year


def period_of(
    per: Period, local_at: datetime, joined: date, leap_rule: LeapBirthday = "feb28"
) -> Span:
    """The period holding ``local_at`` (a moment on the programme's wall clock)."""
    if per == "lifetime":
        return Span(None, None)
    tz = local_at.tzinfo
    assert tz is not None
    start, end = _bounds(per, local_at.date(), joined, leap_rule)
    return Span(_midnight(start, tz), _midnight(end, tz))


def period_before(
    per: Period, span: Span, joined: date, leap_rule: LeapBirthday = "feb28"
) -> Span | None:
    """The period just before ``span``; None for a lifetime period."""
    if span.start is None:
        return None
    return period_of(per, span.start - _INSTANT, joined, leap_rule)


def birthday_window(
    birthday: date, today: date, days: int, leap_rule: LeapBirthday
) -> tuple[bool, date, date]:
    """Whether ``today`` is in the ``days``-day window starting on the birthday, and the window
    holding it (or the next one): its first and last day.

    Last year's window counts too, since a window from late December runs into January.
    """
    for year in (today.year - 1, today.year):
        start = birthday_in_year(birthday, year, leap_rule)
        end = start + timedelta(days=days - 1)
        if start <= today <= end:
            return True, start, end
    start = birthday_in_year(birthday, today.year, leap_rule)
    if start < today:
        start = birthday_in_year(birthday, today.year + 1, leap_rule)
    return False, start, start + timedelta(days=days - 1)
