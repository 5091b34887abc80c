"""Quota periods on the programme's wall clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from tests.builders import SHANGHAI, at

from memberkit.benefits._model import Period
from memberkit.benefits._periods import Span, period_before, period_of

JOINED = date(2025, 6, 15)


def _local(span: Span) -> tuple[str | None, str | None]:
    def show(moment: datetime | None) -> str | None:
        return None if moment is None else moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")

    return show(span.start), show(span.end)


@pytest.mark.parametrize(
    ("per", "start", "end"),
    [
        ("day", "2026-03-11 00:00", "2026-03-12 00:00"),
        ("week", "2026-03-09 00:00", "2026-03-16 00:00"),
        ("month", "2026-03-01 00:00", "2026-04-01 00:00"),
        ("year", "2026-01-01 00:00", "2027-01-01 00:00"),
        ("membership_year", "2025-06-15 00:00", "2026-06-15 00:00"),
        ("lifetime", None, None),
    ],
)
def test_the_period_holding_a_moment(per: Period, start: str | None, end: str | None) -> None:
    """Each period kind starts and ends at local midnight on its boundary day."""
    assert _local(period_of(per, at(2026, 3, 11, 15, 30), JOINED)) == (start, end)


def test_december_rolls_into_january() -> None:
    """The month after December starts on 1 January of the next year."""
    assert _local(period_of("month", at(2026, 12, 31, 23, 59), JOINED)) == (
        "2026-12-01 00:00",
        "2027-01-01 00:00",
    )


def test_an_iso_week_can_straddle_new_year() -> None:
    """The week holding Thursday 1 Jan 2026 starts on Monday 29 Dec 2025."""
    assert _local(period_of("week", at(2026, 1, 1), JOINED)) == (
        "2025-12-29 00:00",
        "2026-01-05 00:00",
    )


def test_a_membership_year_starts_on_the_anniversary() -> None:
    """On the anniversary itself a new membership year has begun."""
    assert (
        _local(period_of("membership_year", at(2026, 6, 15, 0, 0), JOINED))[0] == "2026-06-15 00:00"
    )
    assert (
        _local(period_of("membership_year", at(2026, 6, 14, 23, 59), JOINED))[0]
        == "2025-06-15 00:00"
    )


@pytest.mark.parametrize(
    ("rule", "anniversary"),
    [("feb28", "2027-02-28 00:00"), ("mar1", "2027-03-01 00:00")],
)
def test_a_29_february_join_follows_the_leap_rule(rule: str, anniversary: str) -> None:
    """A 29 Feb joiner renews on 28 Feb or 1 Mar in a common year, as the policy says."""
    span = period_of("membership_year", at(2026, 6, 1), date(2024, 2, 29), rule)  # type: ignore[arg-type]
    assert _local(span)[1] == anniversary


def test_a_29_february_join_renews_on_29_february_in_a_leap_year() -> None:
    """In a leap year the anniversary is 29 Feb itself."""
    span = period_of("membership_year", at(2028, 2, 29, 8), date(2024, 2, 29), "mar1")
    assert _local(span)[0] == "2028-02-29 00:00"


def test_the_period_before_a_month_is_the_previous_month() -> None:
    """Stepping back from January lands in December of the year before."""
    span = period_of("month", at(2026, 1, 10), JOINED)
    before = period_before("month", span, JOINED)
    assert before is not None
    assert _local(before) == ("2025-12-01 00:00", "2026-01-01 00:00")


def test_a_lifetime_has_no_period_before() -> None:
    """A lifetime quota never renews, so nothing precedes it."""
    assert period_before("lifetime", period_of("lifetime", at(2026, 1, 10), JOINED), JOINED) is None


def test_a_day_period_follows_a_daylight_saving_change() -> None:
    """In New York the day clocks spring forward lasts from midnight EST to midnight EDT."""
    new_york = ZoneInfo("America/New_York")
    span = period_of("day", datetime(2026, 3, 8, 12, tzinfo=new_york), JOINED)
    assert span.start is not None
    assert span.end is not None
    assert (span.start.hour, span.end.hour) == (0, 0)
    assert (span.start.utcoffset(), span.end.utcoffset()) == (
        timedelta(hours=-5),
        timedelta(hours=-4),
    )
