"""Summaries: purchase occasions on the programme's calendar, the lifecycle figures, (x, t_x, T)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from tests.builders import SHANGHAI, at, days
from tests.lifecycle.builders import order, shopper

from memberkit.lifecycle import ModelError, WindowSpec, bgnbd_summary, figures, occasions

AS_OF = at(2026, 6, 1)
YEAR = WindowSpec(months=12)


def test_same_day_orders_merge_into_one_occasion() -> None:
    """Two orders of one local day are one purchase occasion with both amounts."""
    member = shopper((at(2026, 5, 1, 9), "30"), (at(2026, 5, 1, 20), "70"))
    found = occasions(member, AS_OF, SHANGHAI, "merge")
    assert [(o.day.isoformat(), o.amount) for o in found] == [("2026-05-01", Decimal(100))]


def test_keep_counts_every_order() -> None:
    """With same_day: keep each order is its own occasion."""
    member = shopper(at(2026, 5, 1, 9), at(2026, 5, 1, 20))
    assert len(occasions(member, AS_OF, SHANGHAI, "keep")) == 2


def test_days_are_the_programme_days_not_utc() -> None:
    """23:30 in Shanghai and 00:30 the next Shanghai day are two days, though one UTC date."""
    late = datetime(2026, 5, 1, 15, 30, tzinfo=UTC)  # 23:30 Shanghai
    early = datetime(2026, 5, 1, 16, 30, tzinfo=UTC)  # 00:30 Shanghai, 2 May
    found = occasions(shopper(late, early), AS_OF, SHANGHAI, "merge")
    assert [o.day.isoformat() for o in found] == ["2026-05-01", "2026-05-02"]


def test_a_fully_refunded_order_is_no_purchase() -> None:
    """An order given back in full does not count as a purchase occasion."""
    member = shopper(at(2026, 5, 1))
    member = member.evolve(orders=(*member.orders, order("r", at(2026, 5, 20), refunded=True)))
    assert [o.day.isoformat() for o in occasions(member, AS_OF, SHANGHAI, "merge")] == [
        "2026-05-01"
    ]


def test_orders_after_the_moment_do_not_count() -> None:
    """Figures as of a moment ignore what happened later."""
    member = shopper(at(2026, 5, 1), at(2026, 6, 2))
    assert figures(member, AS_OF, SHANGHAI, window=YEAR, churn_gap_days=180).purchases == 1


def test_the_window_includes_its_first_day_and_not_the_day_before() -> None:
    """Twelve months back from 1 Jun 2026 the window starts on 2 Jun 2025."""
    member = shopper((at(2025, 6, 1), "1"), (at(2025, 6, 2), "10"), (at(2026, 1, 1), "100"))
    figs = figures(member, AS_OF, SHANGHAI, window=YEAR, churn_gap_days=180)
    assert (figs.frequency, figs.monetary, figs.purchases) == (2, Decimal(110), 3)


def test_a_window_in_days_counts_today_as_its_last_day() -> None:
    """A 7-day window ending on 1 Jun holds 26 May to 1 Jun."""
    member = shopper(at(2026, 5, 25), at(2026, 5, 26), at(2026, 6, 1, 8))
    figs = figures(member, AS_OF, SHANGHAI, window=WindowSpec(days=7), churn_gap_days=180)
    assert figs.frequency == 2


def test_gap_figures() -> None:
    """Gaps 10, 30, 200: median 30, longest 200, a lapse, and recency over the median."""
    member = shopper(AS_OF - days(300), AS_OF - days(290), AS_OF - days(260), AS_OF - days(60))
    figs = figures(member, AS_OF, SHANGHAI, window=YEAR, churn_gap_days=180)
    assert (figs.median_gap_days, figs.max_gap_days, figs.was_churned) == (Decimal(30), 200, True)
    assert (figs.recency_days, figs.recency_gap_ratio) == (60, Decimal(2))


def test_an_even_number_of_gaps_takes_the_middle_mean() -> None:
    """The median of gaps 10 and 15 is 12.5."""
    member = shopper(AS_OF - days(30), AS_OF - days(20), AS_OF - days(5))
    figs = figures(member, AS_OF, SHANGHAI, window=YEAR, churn_gap_days=180)
    assert figs.median_gap_days == Decimal("12.5")


def test_a_single_purchase_has_no_gap_figures() -> None:
    """With one purchase there is no gap, so gap figures are missing, not zero."""
    values = figures(shopper(at(2026, 5, 1)), AS_OF, SHANGHAI, window=YEAR, churn_gap_days=180)
    assert values.median_gap_days is None
    assert "recency_gap_ratio" not in values.values()


def test_activity_counts_for_activity_recency_only() -> None:
    """A check-in refreshes activity_recency_days but not recency_days."""
    member = shopper(AS_OF - days(40), activities=(AS_OF - days(3),))
    figs = figures(member, AS_OF, SHANGHAI, window=YEAR, churn_gap_days=180)
    assert (figs.recency_days, figs.activity_recency_days) == (40, 3)


def test_bgnbd_summary_counts_repeat_purchases_from_the_first() -> None:
    """x counts repeats, t_x runs from the first purchase to the last, T to the moment."""
    member = shopper(AS_OF - days(70), AS_OF - days(56), AS_OF - days(14))
    in_days = bgnbd_summary(member, AS_OF, SHANGHAI, unit="days")
    assert in_days is not None
    assert (in_days.x, in_days.t_x, in_days.T) == (2, 56.0, 70.0)
    summary = bgnbd_summary(member, AS_OF, SHANGHAI, unit="weeks")
    assert summary is not None
    assert (summary.x, summary.t_x, summary.T) == (2, 8.0, 10.0)


def test_bgnbd_summary_needs_a_known_unit() -> None:
    """The unit has no default (days and weeks differ sevenfold); an unknown one is refused."""
    member = shopper(AS_OF - days(14))
    with pytest.raises(ModelError, match="unknown time unit 'months'"):
        bgnbd_summary(member, AS_OF, SHANGHAI, unit="months")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        bgnbd_summary(member, AS_OF, SHANGHAI)  # type: ignore[call-arg]


def test_bgnbd_summary_of_a_member_who_never_bought_is_none() -> None:
    """Without a first purchase there is no BG/NBD history to summarise."""
    assert bgnbd_summary(shopper(), AS_OF, SHANGHAI, unit="days") is None
