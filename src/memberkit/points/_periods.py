"""Calendar periods of caps and first-order rules, on the programme's wall clock, and their names.

A period's name in a sentence comes from the catalogue (``points.period.month`` is "month", "月"),
never from the policy's English keyword, so Chinese text never reads "按month计".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .._reasons import Reason

__all__ = ["cap_span", "period_name"]

_NAMES = {
    "event": "points.period.event",
    "day": "points.period.day",
    "week": "points.period.week",
    "month": "points.period.month",
    "year": "points.period.year",
    "lifetime": "points.period.lifetime",
}


def period_name(per: str) -> Reason:
    """The period as a reason of its own, rendered in place by the catalogue of each locale."""
    return Reason.of(_NAMES[per])


def cap_span(per: str, local_at: datetime) -> tuple[datetime, datetime] | None:
    """The local period holding ``local_at``: [start, end); None for a lifetime cap.

    A cap per ``event`` has no period: its room is the whole cap on every event.
    """
    tz = local_at.tzinfo
    day = local_at.date()
    if per == "lifetime" or tz is None:
        return None
    if per == "event":
        raise ValueError("a cap per event has no calendar period")
    if per == "day":
        first, after = day, day + timedelta(days=1)
    elif per == "week":
        # An ISO week starts on Monday.
        first = day - timedelta(days=day.isoweekday() - 1)
        after = first + timedelta(days=7)
    elif per == "month":
        first = day.replace(day=1)
        after = (first + timedelta(days=32)).replace(day=1)
    else:
        first = day.replace(month=1, day=1)
        after = first.replace(year=first.year + 1)
    return (
        datetime(first.year, first.month, first.day, tzinfo=tz),
        datetime(after.year, after.month, after.day, tzinfo=tz),
    )
