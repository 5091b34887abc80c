"""Summaries from a transactions table: CDNOW's published summaries, same-day rules, streaming."""

from __future__ import annotations

import itertools
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from memberkit.lifecycle import ModelError, summarise_transactions

from .cdnow import summaries

D = Decimal


def test_cdnow_summaries_match_the_published_ones() -> None:
    """Customer 1 is (2, 30.43, 38.86) in FHL 2005 and 946 of 2,357 customers buy again."""
    found = summaries()
    assert len(found) == 2357
    first = found[0]
    assert (first.x, round(first.t_x, 2), round(first.T, 2)) == (2, 30.43, 38.86)
    assert sum(1 for s in found if s.x > 0) == 946
    assert sum(s.x for s in found) == 2457


def test_same_day_orders_merge_or_count_as_the_policy_says() -> None:
    """Two orders on one day are one occasion with 'merge' (amounts added) and two with 'keep'."""
    rows = [
        ("m1", date(2025, 1, 1), D("10")),
        ("m1", date(2025, 1, 5), D("20")),
        ("m1", date(2025, 1, 5), D("5")),
    ]
    merged = next(summarise_transactions(rows, calibration_end=date(2025, 1, 31), unit="days"))
    kept = next(
        summarise_transactions(
            rows, calibration_end=date(2025, 1, 31), unit="days", same_day="keep"
        )
    )
    assert (merged.x, merged.mean_repeat_amount) == (1, D("25"))
    assert (kept.x, kept.mean_repeat_amount) == (2, D("12.5"))
    assert merged.t_x == kept.t_x == 4.0
    assert merged.T == 30.0


def test_holdout_counts_occasions_after_the_calibration_end() -> None:
    """Purchases after calibration_end up to holdout_end are the holdout count, same-day merged."""
    rows = [
        ("m1", date(2025, 1, 1), D("10")),
        ("m1", date(2025, 2, 2), D("10")),
        ("m1", date(2025, 2, 2), D("10")),
        ("m1", date(2025, 2, 9), D("10")),
        ("m1", date(2025, 4, 1), D("10")),
    ]
    s = next(
        summarise_transactions(
            rows, calibration_end=date(2025, 1, 31), holdout_end=date(2025, 2, 28), unit="weeks"
        )
    )
    assert (s.x, s.holdout_purchases, s.holdout_length) == (0, 2, 4.0)


def test_times_are_read_on_the_programme_calendar() -> None:
    """23:30 UTC on 1 Jan is 2 Jan in Shanghai: the same local day as a 2 Jan order, merged."""
    shanghai = timezone(timedelta(hours=8))
    rows = [
        ("m1", datetime(2025, 1, 1, 23, 30, tzinfo=UTC), D("1")),
        ("m1", datetime(2025, 1, 2, 10, 0, tzinfo=shanghai), D("2")),
    ]
    s = next(
        summarise_transactions(rows, calibration_end=date(2025, 1, 31), unit="days", tz=shanghai)
    )
    assert (s.x, s.first_amount) == (0, D("3"))


def test_the_summary_streams_one_member_at_a_time() -> None:
    """A member's summary comes out before the next member's rows are read (constant memory)."""
    read: list[str] = []

    def rows() -> Iterator[tuple[str, date, Decimal]]:
        for member in ("a", "b", "c"):
            read.append(member)
            yield member, date(2025, 1, 1), D("1")

    stream = summarise_transactions(rows(), calibration_end=date(2025, 1, 31), unit="days")
    assert next(stream).member == "a"
    assert read == ["a", "b"]


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        ([("b", date(2025, 1, 1), D(1)), ("a", date(2025, 1, 2), D(1))], "ordered by member"),
        ([("a", date(2025, 1, 2), D(1)), ("a", date(2025, 1, 1), D(1))], "time order"),
        ([("a", datetime(2025, 1, 2), D(1))], "no timezone"),
        ([("a", date(2025, 1, 2), 1.5)], "finite Decimal"),
    ],
)
def test_rows_out_of_order_or_malformed_are_refused(rows: list, match: str) -> None:
    """Unsorted members, time going backwards, naive times and float amounts are ModelErrors."""
    with pytest.raises(ModelError, match=match):
        list(summarise_transactions(rows, calibration_end=date(2025, 1, 31), unit="days"))


def test_an_endless_table_yields_summaries_as_it_goes() -> None:
    """Rows from an endless generator (which list() would never finish) still give each member's
    summary as soon as the next member starts: nothing waits for the end of the table."""

    def endless() -> Iterator[tuple[str, date, Decimal]]:
        for n in itertools.count():
            yield f"m{n:09d}", date(2025, 1, 1), D("1")
            yield f"m{n:09d}", date(2025, 1, 9), D("2")

    stream = summarise_transactions(endless(), calibration_end=date(2025, 1, 31), unit="days")
    first = list(itertools.islice(stream, 1000))
    assert [s.member for s in first[:2]] == ["m000000000", "m000000001"]
    assert {(s.x, s.t_x, s.T) for s in first} == {(1, 8.0, 30.0)}


def test_a_long_history_is_summarised_in_constant_memory() -> None:
    """A member with 50,000 orders (and 50,000 after them) is summarised with a few kilobytes
    at the peak: the rows are never held, only the running figures (a list of them would take
    megabytes)."""
    days = 50_000

    def rows() -> Iterator[tuple[str, date, Decimal]]:
        start = date(1900, 1, 1)
        for member in ("a", "b"):
            for i in range(days):
                yield member, start + timedelta(days=i), D("1.50")

    tracemalloc.start()
    try:
        out = list(summarise_transactions(rows(), calibration_end=date(2099, 1, 1), unit="weeks"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(s.member, s.x) for s in out] == [("a", days - 1), ("b", days - 1)]
    assert out[0].mean_repeat_amount == D("1.50")
    assert peak < 200_000, peak
