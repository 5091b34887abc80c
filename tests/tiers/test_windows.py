"""Windows, review dates and validity ends on the Shanghai wall clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import SHANGHAI, at, member, policy, purchase

import memberkit
from memberkit.tiers._model import (
    FixedReview,
    ValidityFromUpgrade,
    ValidityMonths,
    ValidityUntil,
    WindowSpec,
)
from memberkit.tiers._windows import next_review, review_moments, validity_end, window_span

JOINED = at(2024, 2, 29, 10)


def local(y: int, m: int, d: int, h: int = 0) -> datetime:
    """Midnight (or ``h`` o'clock) local time."""
    return datetime(y, m, d, h, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("window", "asked", "start", "end"),
    [
        (
            WindowSpec(kind="calendar_year"),
            at(2026, 12, 31, 23, 59, 59),
            local(2026, 1, 1),
            local(2027, 1, 1),
        ),
        (WindowSpec(kind="calendar_year"), at(2027, 1, 1, 0), local(2027, 1, 1), local(2028, 1, 1)),
        (
            WindowSpec(kind="calendar_quarter"),
            at(2026, 6, 30, 23),
            local(2026, 4, 1),
            local(2026, 7, 1),
        ),
        (WindowSpec(kind="calendar_month"), at(2028, 2, 29), local(2028, 2, 1), local(2028, 3, 1)),
        (
            WindowSpec(kind="full_months", n=12),
            at(2026, 5, 20),
            local(2025, 5, 1),
            local(2026, 5, 1),
        ),
        (
            WindowSpec(kind="membership_year"),
            at(2025, 2, 27, 23, 59, 59),
            local(2024, 2, 29),
            local(2025, 2, 28),
        ),
        (
            WindowSpec(kind="membership_year"),
            at(2025, 3, 1),
            local(2025, 2, 28),
            local(2026, 2, 28),
        ),
    ],
)
def test_window_holding_a_moment(
    window: WindowSpec, asked: datetime, start: datetime, end: datetime
) -> None:
    """Each window kind starts and ends where the calendar says, in Asia/Shanghai."""
    span = window_span(window, asked, JOINED, None)
    assert (span.start, span.end) == (start, end)


def test_rolling_months_counted_in_days_hold_the_twelve_months_ending_today() -> None:
    """Asked on 29 Feb 2028, the last 12 months are 1 Mar 2027 through the moment asked."""
    span = window_span(WindowSpec(kind="rolling_months", n=12), at(2028, 2, 29, 15), JOINED, None)
    assert span.start == at(2027, 3, 1, 0)
    assert span.holds(at(2028, 2, 29, 15))
    assert not span.holds(at(2027, 2, 28, 23, 59, 59))


def test_a_rolling_window_in_days_is_the_same_at_ten_and_at_one_on_the_same_day() -> None:
    """The window's start does not move with the hour asked, only with the day."""
    window = WindowSpec(kind="rolling_months", n=12)
    morning = window_span(window, at(2026, 6, 15, 10), JOINED, None)
    afternoon = window_span(window, at(2026, 6, 15, 13), JOINED, None)
    assert morning.start == afternoon.start == at(2025, 6, 16, 0)


def test_rolling_months_in_instants_run_from_the_same_moment_a_year_ago() -> None:
    """With time_basis: instants the window is cut at the instant, a year before the moment."""
    span = window_span(
        WindowSpec(kind="rolling_months", n=12),
        at(2028, 2, 29, 15),
        JOINED,
        None,
        whole_days=False,
    )
    assert span.start == at(2027, 2, 28, 15)
    assert not span.holds(at(2027, 2, 28, 14, 59, 59))


def test_rolling_days_count_back_whole_days() -> None:
    """A 90-day window asked on 1 Apr holds the 90 days 2 Jan through 1 Apr."""
    span = window_span(WindowSpec(kind="rolling_days", n=90), at(2026, 4, 1), JOINED, None)
    assert span.start == at(2026, 1, 2, 0)


def test_membership_year_from_the_last_upgrade() -> None:
    """With from: last_upgrade the year restarts just after the upgrade, to its anniversary."""
    window = WindowSpec(kind="membership_year", start="last_upgrade")
    span = window_span(window, at(2026, 9, 1), JOINED, at(2026, 7, 15, 18))
    assert span.start == at(2026, 7, 15, 18) + timedelta(microseconds=1)
    assert span.end == local(2027, 7, 15)


def test_a_later_year_from_the_last_upgrade_starts_at_midnight() -> None:
    """The second year from an upgrade starts at local midnight of its anniversary."""
    window = WindowSpec(kind="membership_year", start="last_upgrade")
    span = window_span(window, at(2027, 9, 1), JOINED, at(2026, 7, 15, 18))
    assert (span.start, span.end) == (local(2027, 7, 15), local(2028, 7, 15))


def test_calendar_year_reviews_fall_on_new_year() -> None:
    """End-of-window reviews of a calendar-year ladder are each 1 January, 00:00 local."""
    moments = list(
        review_moments(
            "end_of_window",
            WindowSpec(kind="calendar_year"),
            at(2026, 1, 1, 0),
            at(2028, 1, 1, 0),
            JOINED,
            None,
        )
    )
    assert moments == [local(2027, 1, 1), local(2028, 1, 1)]


def test_anniversary_reviews_of_a_29_february_member() -> None:
    """A member who joined on 29 Feb is reviewed on 28 Feb in common years."""
    moments = list(
        review_moments(
            "anniversary",
            WindowSpec(kind="calendar_year"),
            at(2024, 3, 1),
            at(2028, 3, 1),
            JOINED,
            None,
        )
    )
    assert moments == [
        local(2025, 2, 28),
        local(2026, 2, 28),
        local(2027, 2, 28),
        local(2028, 2, 29),
    ]


def test_fixed_and_monthly_reviews() -> None:
    """A fixed MM-DD review comes once a year; a monthly one on every first of the month."""
    window = WindowSpec(kind="calendar_year")
    fixed = list(
        review_moments(
            FixedReview(fixed="04-01"), window, at(2026, 1, 1), at(2027, 12, 1), JOINED, None
        )
    )
    monthly = list(
        review_moments("monthly", window, at(2026, 1, 15), at(2026, 4, 1, 0), JOINED, None)
    )
    assert fixed == [local(2026, 4, 1), local(2027, 4, 1)]
    assert monthly == [local(2026, 2, 1), local(2026, 3, 1), local(2026, 4, 1)]


@pytest.mark.parametrize(
    ("validity", "upgraded", "end"),
    [
        ("rest_of_year_plus_next", at(2026, 12, 31, 23, 59, 59), local(2028, 1, 1)),
        ("rest_of_year", at(2026, 3, 1), local(2027, 1, 1)),
        (ValidityMonths(months_from_upgrade_month=24), at(2026, 3, 31), local(2028, 3, 1)),
        (ValidityFromUpgrade(months_from_upgrade=12), at(2026, 3, 15, 20), local(2027, 3, 15)),
        (ValidityFromUpgrade(months_from_upgrade=1), at(2026, 1, 31), local(2026, 2, 28)),
        (ValidityUntil(until="02-28", years=2), at(2026, 5, 1), local(2028, 2, 29)),
        (ValidityUntil(until="02-29", years=1), at(2026, 5, 1), local(2027, 3, 1)),
    ],
)
def test_validity_ends(validity: object, upgraded: datetime, end: datetime) -> None:
    """Each validity rule ends at local midnight after its last day."""
    assert validity_end(validity, upgraded) == end  # type: ignore[arg-type]


def test_a_fixed_review_on_29_february_moves_to_28_february_in_common_years() -> None:
    """A review date that only leap years have falls on the last day of February otherwise."""
    moments = list(
        review_moments(
            FixedReview(fixed="02-29"),
            WindowSpec(kind="calendar_year"),
            at(2027, 1, 1),
            at(2029, 1, 1),
            JOINED,
            None,
        )
    )
    assert moments == [local(2027, 2, 28), local(2028, 2, 29)]


def test_refunding_an_order_from_before_a_rolling_window_does_not_lower_its_figure() -> None:
    """Growth earned in Jan 2026 and refunded in Mar 2027: the last 12 months' growth is 0, not -1."""
    from pathlib import Path

    from tests.builders import purchase, refund

    import memberkit

    shop = memberkit.load_policy(Path(memberkit.__file__).parent / "examples" / "ecommerce.yaml")
    state = memberkit.new_member("m1", at(2026, 1, 1, 0))
    for event in (
        purchase("o1", at(2026, 1, 10), ("l1", "general", "1")),
        refund("r1", at(2027, 3, 1), "o1"),
    ):
        state, outcome = memberkit.apply(shop, state, event)
        assert outcome.accepted
    assert memberkit.tier_of(shop, state, at(2027, 3, 2)).figures["growth"] == 0


_SCHEDULES = [
    ("end_of_window", WindowSpec(kind="calendar_year")),
    ("end_of_window", WindowSpec(kind="calendar_quarter")),
    ("end_of_window", WindowSpec(kind="calendar_month")),
    ("end_of_window", WindowSpec(kind="membership_year")),
    ("end_of_window", WindowSpec(kind="membership_year", start="last_upgrade")),
    ("anniversary", WindowSpec(kind="rolling_months", n=12)),
    ("monthly", WindowSpec(kind="rolling_days", n=90)),
    (FixedReview(fixed="02-29"), WindowSpec(kind="calendar_year")),
    (FixedReview(fixed="04-01"), WindowSpec(kind="rolling_months", n=12)),
]


@given(
    schedule=st.sampled_from(_SCHEDULES),
    minutes=st.integers(min_value=0, max_value=6 * 366 * 24 * 60),
    upgraded=st.none() | st.integers(min_value=0, max_value=3 * 366 * 24 * 60),
)
def test_the_next_review_is_the_first_of_the_schedule(
    schedule: tuple[str | FixedReview, WindowSpec], minutes: int, upgraded: int | None
) -> None:
    """``next_review`` (worked out once per day) equals the first moment the schedule yields."""
    review, window = schedule
    after = (JOINED + timedelta(minutes=minutes)).astimezone(SHANGHAI)
    # The last upgrade is one the member already had at ``after``.
    upgrade = None if upgraded is None else JOINED + timedelta(minutes=min(upgraded, minutes))
    expected = next(
        review_moments(review, window, after, after + timedelta(days=800), JOINED, upgrade), None
    )
    assert next_review(review, window, after, JOINED, upgrade) == expected


def test_full_months_with_the_month_in_progress_end_at_the_moment() -> None:
    """12 months with this one: 1 Jun 2025 to the moment asked on 20 May 2026."""
    window = WindowSpec(kind="full_months", n=12, in_progress=True)
    span = window_span(window, at(2026, 5, 20), JOINED, None)
    assert span.start == local(2025, 6, 1)
    assert span.end == at(2026, 5, 20) + timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("progress", "silver_on_11_march"), [("include", True), ("exclude", False)]
)
def test_an_order_this_month_counts_only_when_the_window_includes_the_month(
    progress: str, silver_on_11_march: bool
) -> None:
    """¥2,000 on 10 Mar: silver at once with the month in progress, else not before April."""
    p = policy(
        "tiers:\n"
        f"  window: {{full_months: 3, month_in_progress: {progress}}}\n"
        "  review: monthly\n"
        "  ladder:\n    - {id: basic}\n    - {id: silver, qualify: {spend: 2000}}\n"
    )
    state, _ = memberkit.apply(p, member(), purchase("o1", at(2026, 3, 10), ("l1", "x", "2000")))
    assert (memberkit.tier_of(p, state, at(2026, 3, 11)).tier == "silver") == silver_on_11_march
    # In April both windows hold March: the next order finds silver reached either way.
    state, _ = memberkit.apply(p, state, purchase("o2", at(2026, 4, 2), ("l1", "x", "1")))
    assert memberkit.tier_of(p, state, at(2026, 4, 3)).tier == "silver"


def test_month_in_progress_takes_include_or_exclude() -> None:
    """Another word is refused at the window, saying what to write."""
    with pytest.raises(memberkit.PolicyError, match="'month_in_progress' is include or exclude"):
        policy(
            "tiers:\n  window: {full_months: 3, month_in_progress: yes}\n  review: monthly\n"
            "  ladder:\n    - {id: basic}\n    - {id: silver, qualify: {spend: 2000}}\n"
        )


def test_the_next_monthly_review_across_a_change_of_clocks_is_at_local_midnight() -> None:
    """New York, from 1 Mar 2029 (EST): the next review is 1 Apr 00:00 EDT, not 01:00."""
    from zoneinfo import ZoneInfo

    ny = ZoneInfo("America/New_York")
    after = datetime(2029, 3, 1, 0, 0, tzinfo=ny)
    found = next_review("monthly", WindowSpec(kind="rolling_months", n=12), after, after, None)
    assert found == datetime(2029, 4, 1, 0, 0, tzinfo=ny)
    assert found is not None
    assert found.utcoffset() == timedelta(hours=-4)
