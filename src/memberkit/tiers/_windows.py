"""Calendar arithmetic of the tiers part: windows, review dates and validity ends.

Every function works on the programme's wall clock (aware datetimes in ``ProgramInfo.tz``);
month arithmetic uses dateutil, so 31 Jan + 1 month is the end of February and a membership year
from 29 Feb ends on 28 Feb.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from .._instants import fixed_offset
from ._model import FixedReview, ValidityFromUpgrade, ValidityMonths, ValidityUntil, WindowSpec

__all__ = ["Span", "midnight", "next_review", "review_moments", "validity_end", "window_span"]


@dataclass(frozen=True, slots=True)
class Span:
    """A window: from ``start`` (included) to ``end`` (excluded); None ends are open."""

    start: datetime | None
    end: datetime | None

    def holds(self, moment: datetime) -> bool:
        """Whether ``moment`` falls in the window."""
        return (self.start is None or moment >= self.start) and (
            self.end is None or moment < self.end
        )


# Windows and reviews fall on a few days asked again and again (this year's start and end for
# every query and event of the year); the zone's offset is worked out once per day.
@lru_cache(maxsize=4096)
def midnight(day: date, tz: tzinfo) -> datetime:
    """The start of a local day (as a fixed-offset instant, see ``memberkit._instants``)."""
    return fixed_offset(datetime(day.year, day.month, day.day, tzinfo=tz))


def _anniversary(anchor: date, years: int) -> date:
    return anchor + relativedelta(years=years)


def window_span(
    window: WindowSpec,
    local_at: datetime,
    joined: datetime,
    last_upgrade: datetime | None,
    *,
    whole_days: bool = True,
) -> Span:
    """The window holding the local moment ``local_at`` (rolling windows end just after it).

    A rolling window counted in whole days starts at the beginning of a local day: "the last 12
    months" asked on 15 June counts from 16 June a year before, whatever the hour asked, so the
    figure does not change between 10:00 and 13:00 of one day.
    """
    tz = local_at.tzinfo
    assert tz is not None
    day = local_at.date()
    kind = window.kind
    if kind == "calendar_year":
        return Span(midnight(date(day.year, 1, 1), tz), midnight(date(day.year + 1, 1, 1), tz))
    if kind == "calendar_quarter":
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return Span(midnight(first, tz), midnight(first + relativedelta(months=3), tz))
    if kind == "calendar_month":
        first = day.replace(day=1)
        return Span(midnight(first, tz), midnight(first + relativedelta(months=1), tz))
    if kind == "rolling_months":
        if whole_days:
            first_day = day - relativedelta(months=window.n) + timedelta(days=1)
            return Span(midnight(first_day, tz), local_at + timedelta(microseconds=1))
        return Span(local_at - relativedelta(months=window.n), local_at + timedelta(microseconds=1))
    if kind == "rolling_days":
        if whole_days:
            first_day = day - timedelta(days=window.n - 1)
            return Span(midnight(first_day, tz), local_at + timedelta(microseconds=1))
        return Span(local_at - timedelta(days=window.n), local_at + timedelta(microseconds=1))
    if kind == "full_months":
        # N whole calendar months ending before the month asked about; or, with the month in
        # progress, N-1 whole months and the current month up to the moment asked about.
        first = day.replace(day=1)
        if window.in_progress:
            start = midnight(first - relativedelta(months=window.n - 1), tz)
            return Span(start, local_at + timedelta(microseconds=1))
        return Span(midnight(first - relativedelta(months=window.n), tz), midnight(first, tz))
    if kind == "membership_year":
        base = last_upgrade if window.start == "last_upgrade" and last_upgrade else joined
        anchor = base.astimezone(tz).date()
        years = max(0, day.year - anchor.year - 1)
        while _anniversary(anchor, years + 1) <= day:
            years += 1
        start = midnight(_anniversary(anchor, years), tz)
        if window.start == "last_upgrade" and last_upgrade is not None and years == 0:
            # The year from an upgrade counts what came after it: the order that made the
            # upgrade (stars reset on reaching a level) does not count again towards keeping it.
            start = max(start, last_upgrade + timedelta(microseconds=1))
        return Span(start, midnight(_anniversary(anchor, years + 1), tz))
    return Span(None, None)


def review_moments(
    review: str | FixedReview,
    window: WindowSpec,
    after: datetime,
    until: datetime,
    joined: datetime,
    last_upgrade: datetime | None,
) -> Iterator[datetime]:
    """Local review moments ``r`` with ``after < r <= until``, oldest first."""
    tz = after.tzinfo
    assert tz is not None
    if isinstance(review, FixedReview):
        # Each year on its own: a review on 02-29 falls on 28 Feb in common years only.
        month, dom = (int(x) for x in review.fixed.split("-"))
        for year in range(after.year, until.year + 1):
            day = date(year, month, min(dom, calendar.monthrange(year, month)[1]))
            candidate = midnight(day, tz)
            if after < candidate <= until:
                yield candidate
        return
    step, first = _schedule(review, window, after, joined, last_upgrade)
    if step is None or first is None:
        return
    moment = first
    k = 0
    while True:
        candidate = midnight(moment + step * k, tz)
        k += 1
        if candidate <= after:
            continue
        if candidate > until:
            return
        yield candidate


def next_review(
    review: str | FixedReview,
    window: WindowSpec,
    after: datetime,
    joined: datetime,
    last_upgrade: datetime | None,
) -> datetime | None:
    """The first review moment strictly after the local moment ``after`` (None: none ahead).

    Reviews fall on local midnights, so the answer depends only on ``after``'s local day (the
    first review day after it); it is worked out once per day and schedule.
    """
    tz = after.tzinfo
    assert tz is not None
    uses_dates = review == "anniversary" or (
        not isinstance(review, FixedReview) and window.kind == "membership_year"
    )
    joined_day = joined.astimezone(tz).date() if uses_dates else None
    upgrade_day = (
        last_upgrade.astimezone(tz).date() if uses_dates and last_upgrade is not None else None
    )
    if uses_dates and window.kind == "membership_year" and window.start == "last_upgrade":
        # A year from an upgrade starts just after it: the exact moment matters.
        return next(
            review_moments(review, window, after, after + _AHEAD, joined, last_upgrade), None
        )
    return _next_review_day(review, window, after.date(), tz, joined_day, upgrade_day)


_AHEAD = relativedelta(years=2, days=1)


@lru_cache(maxsize=8192)
def _next_review_day(
    review: str | FixedReview,
    window: WindowSpec,
    day: date,
    tz: tzinfo,
    joined_day: date | None,
    upgrade_day: date | None,
) -> datetime | None:
    # On the zone's own clock, not the fixed offset of that day: review_moments reads its zone
    # from this moment, and a month later the offset may differ (a review on 1 April in New
    # York is at 00:00-04:00, not at the -05:00 of March).
    end_of_day = (midnight(day + timedelta(days=1), tz) - timedelta(microseconds=1)).astimezone(tz)
    joined = midnight(joined_day or day, tz)
    upgraded = midnight(upgrade_day, tz) if upgrade_day is not None else None
    return next(
        review_moments(review, window, end_of_day, end_of_day + _AHEAD, joined, upgraded), None
    )


def _schedule(
    review: str,
    window: WindowSpec,
    after: datetime,
    joined: datetime,
    last_upgrade: datetime | None,
) -> tuple[relativedelta | None, date | None]:
    """The step between reviews and a first review date on or before ``after``'s year."""
    tz = after.tzinfo
    assert tz is not None
    day = after.date()
    if review == "validity_end":
        # Reviewed only when the status expires: the validity's end is the tiers part's own item.
        return None, None
    if review == "monthly":
        return relativedelta(months=1), day.replace(day=1)
    if review == "anniversary":
        return relativedelta(years=1), joined.astimezone(tz).date()
    kind = window.kind
    if kind == "calendar_year":
        return relativedelta(years=1), date(day.year, 1, 1)
    if kind == "calendar_quarter":
        return relativedelta(months=3), date(day.year, 1, 1)
    if kind == "calendar_month":
        return relativedelta(months=1), day.replace(day=1)
    if kind == "membership_year":
        base = last_upgrade if window.start == "last_upgrade" and last_upgrade else joined
        return relativedelta(years=1), base.astimezone(tz).date()
    return None, None


def validity_end(
    validity: str | ValidityMonths | ValidityFromUpgrade | ValidityUntil, upgraded_local: datetime
) -> datetime:
    """When a tier reached at ``upgraded_local`` stops being held regardless of the figures."""
    tz = upgraded_local.tzinfo
    assert tz is not None
    day = upgraded_local.date()
    if isinstance(validity, ValidityMonths):
        first = day.replace(day=1)
        return midnight(first + relativedelta(months=validity.months_from_upgrade_month), tz)
    if isinstance(validity, ValidityFromUpgrade):
        # Held through the day before the same date N months on (15 Mar → end of 14 Mar);
        # from 31 Jan, one month on is the end of February.
        return midnight(day + relativedelta(months=validity.months_from_upgrade), tz)
    if isinstance(validity, ValidityUntil):
        month, dom = (int(x) for x in validity.until.split("-"))
        year = day.year + validity.years
        # 29 Feb in a common year is the last day of February.
        last = date(year, month, min(dom, calendar.monthrange(year, month)[1]))
        return midnight(last + timedelta(days=1), tz)
    if validity == "rest_of_year":
        return midnight(date(day.year + 1, 1, 1), tz)
    return midnight(date(day.year + 2, 1, 1), tz)
