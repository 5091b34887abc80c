"""Member facts as every part's conditions read them: tiers held, age, tenure, joining date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import at, member
from tests.tiers.builders import PAID, club_member, ladder

from memberkit._facts import LeapBirthday, age_on, member_values, whole_months


def test_the_tier_field_holds_the_ladder_tier_and_the_paid_tier_alongside() -> None:
    """A silver member in the paid club has both in the tier field."""
    state = club_member(ladder(PAID))
    assert member_values(state, at(2026, 3, 15), tier="silver")["tier"] == {"silver", "club"}


def test_the_tier_field_is_absent_without_any_tier() -> None:
    """No ladder tier and no paid tier: the field is unknown, not an empty set."""
    assert "tier" not in member_values(member(), at(2026, 3, 15), tier=None)


def test_a_paid_tier_alongside_alone_fills_the_tier_field() -> None:
    """Before any ladder tier is recorded, a paid tier alongside is still held."""
    state = club_member(ladder(PAID))
    assert member_values(state, at(2026, 3, 15), tier=None)["tier"] == {"club"}


# --- age, tenure and joining date ------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth_year", "birthday", "today", "leap", "expected"),
    [
        # 2026 - 2000 = 26, less one: the birthday (15 June) has not come yet.
        (2000, date(2000, 6, 15), date(2026, 6, 14), "feb28", 25),
        # On the birthday itself the age goes up.
        (2000, date(2000, 6, 15), date(2026, 6, 15), "feb28", 26),
        # Born 29 Feb 2000; 2025 has no 29 Feb: the programme says 28 Feb, so 25 that day...
        (2000, date(2000, 2, 29), date(2025, 2, 28), "feb28", 25),
        # ...or 1 March, so still 24 on 28 Feb and 25 on 1 March.
        (2000, date(2000, 2, 29), date(2025, 2, 28), "mar1", 24),
        (2000, date(2000, 2, 29), date(2025, 3, 1), "mar1", 25),
        # In a leap year the birthday is 29 Feb whatever the rule: 2028 - 2000 - 1 = 27 on 28 Feb.
        (2000, date(2000, 2, 29), date(2028, 2, 28), "feb28", 27),
        # The birthday's own year (a placeholder 1900) is not read: born 1990, 36 on the day.
        (1990, date(1900, 6, 15), date(2026, 6, 15), "feb28", 36),
        # No birth year, or no birthday: the age cannot be told.
        (None, date(2000, 6, 15), date(2026, 6, 15), "feb28", None),
        (2000, None, date(2026, 6, 15), "feb28", None),
        # A day before the member was born has no age (not -1).
        (2027, date(2027, 1, 1), date(2026, 6, 15), "feb28", None),
    ],
)
def test_age_on_a_date(
    birth_year: int | None,
    birthday: date | None,
    today: date,
    leap: LeapBirthday,
    expected: int | None,
) -> None:
    """The age in whole years goes up on the birthday, 29 Feb per the programme's rule."""
    assert age_on(birth_year, birthday, today, leap) == expected


def test_the_age_field_is_absent_when_it_cannot_be_told() -> None:
    """Without a birth year the age is unknown, so an age condition is false, not 0 or guessed."""
    state = member(birthday=date(2000, 6, 15))
    assert "age" not in member_values(state, at(2026, 6, 15), tier=None)
    known = member(birthday=date(2000, 6, 15), birth_year=2000)
    assert member_values(known, at(2026, 6, 15), tier=None)["age"] == 26


@pytest.mark.parametrize(
    ("joined", "moment", "years", "months"),
    [
        # Joined 20 May 2021: 4 whole years and 11 months on 19 May 2026 (59 months)...
        (at(2021, 5, 20, 0, 0), at(2026, 5, 19), 4, 59),
        # ...and 5 years (60 months) on the fifth anniversary.
        (at(2021, 5, 20, 0, 0), at(2026, 5, 20), 5, 60),
        # Joined 31 Jan: one month on 28 Feb (the end of the shorter month), none the day before.
        (at(2026, 1, 31, 0, 0), at(2026, 2, 27), 0, 0),
        (at(2026, 1, 31, 0, 0), at(2026, 2, 28), 0, 1),
        # Joined 29 Feb 2024: a year on 28 Feb 2025, as a membership year from 29 Feb ends.
        (at(2024, 2, 29, 0, 0), at(2025, 2, 28), 1, 12),
        # The day of joining: nothing yet.
        (at(2026, 3, 1, 9, 0), at(2026, 3, 1, 18, 0), 0, 0),
    ],
)
def test_tenure_in_whole_years_and_months(
    joined: datetime, moment: datetime, years: int, months: int
) -> None:
    """Tenure counts anniversaries of the joining date on the local calendar."""
    values = member_values(member(joined=joined), moment, tier=None)
    assert (values["tenure_years"], values["tenure_months"]) == (years, months)


def test_the_joining_date_is_the_local_date() -> None:
    """Joined at 16:30 UTC on 31 Dec is 00:30 on 1 Jan in Shanghai: joined is 1 January."""
    joined = datetime(2025, 12, 31, 16, 30, tzinfo=UTC)
    values = member_values(member(joined=joined), at(2026, 1, 2), tier=None)
    assert values["joined"] == date(2026, 1, 1)


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    st.integers(min_value=0, max_value=40 * 366),
)
def test_whole_months_count_as_dateutil_counts_them(start: date, days: int) -> None:
    """Tenure's month count equals dateutil's relativedelta, month ends and 29 Feb included."""
    end = start + timedelta(days=days)
    delta = relativedelta(end, start)
    assert whole_months(start, end) == delta.years * 12 + delta.months
