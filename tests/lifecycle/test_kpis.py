"""Programme KPIs over a small population, each equal to its hand-computed value."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from tests.builders import at
from tests.lifecycle.builders import entry, lifecycle_policy, order, shopper

from memberkit import EventError, MemberState, Money
from memberkit.lifecycle import ProgrammeKpis, Rate, programme_kpis
from memberkit.lifecycle._kpis import KpiCounts, kpi_period, kpis_of, member_kpis

START, END = at(2026, 3, 1, 0, 0), at(2026, 5, 1, 0, 0)
POLICY = lifecycle_policy("{}")


def population() -> Iterator[MemberState]:
    """Five members; the comments give each one's part in the hand computation."""
    # Joined long ago; two orders on 5 Mar (one occasion), one on 10 Apr; earns, redeems, expires.
    yield shopper(
        (at(2026, 3, 5, 9), "100"),
        (at(2026, 3, 5, 18), "50"),
        (at(2026, 4, 10), "200"),
        member_id="m1",
        joined=at(2025, 1, 1),
        tier="silver",
        journal=(
            entry(at(2025, 12, 1), "earn", 500),
            entry(at(2026, 3, 5), "earn", 100),
            entry(at(2026, 4, 10), "redeem", -40),
            entry(at(2026, 4, 20), "expire", -60),
        ),
    )
    # Joined in March, bought once, checked in in April.
    yield shopper(
        (at(2026, 3, 20), "300"),
        member_id="m2",
        joined=at(2026, 3, 15),
        activities=(at(2026, 4, 2),),
        journal=(entry(at(2026, 3, 20), "earn", 300),),
    )
    # Joined in April, did nothing.
    yield shopper(member_id="m3", joined=at(2026, 4, 20))
    # Joined after the period: not a member of it.
    yield shopper(at(2026, 6, 2), member_id="m4", joined=at(2026, 6, 1))
    # Gold; bought before the period; an order in March was refunded in full.
    m5 = shopper((at(2026, 2, 1), "80"), member_id="m5", joined=at(2025, 6, 15), tier="gold")
    yield m5.evolve(orders=(*m5.orders, order("m5-r", at(2026, 3, 10), "50", refunded=True)))


@pytest.fixture(scope="module")
def kpis() -> ProgrammeKpis:
    """The KPIs of the population over March and April 2026."""
    return programme_kpis(POLICY, population(), START, END, total_sales=Decimal(1300))


def test_members_are_those_joined_before_the_end(kpis: ProgrammeKpis) -> None:
    """Four of the five had joined before 1 May."""
    assert kpis.members == 4


def test_monthly_active_rate(kpis: ProgrammeKpis) -> None:
    """March: 2 of 3 joined members active (a refunded order is no activity); April: 2 of 4."""
    assert [(m.month, m.rate) for m in kpis.monthly_active] == [
        (date(2026, 3, 1), Rate(2, 3)),
        (date(2026, 4, 1), Rate(2, 4)),
    ]


def test_repurchase_rate(kpis: ProgrammeKpis) -> None:
    """Of the two members who bought, one bought on two days: 1/2 (same-day orders merged)."""
    assert kpis.repurchase == Rate(1, 2)
    assert kpis.repurchase.value == Decimal("0.5")


def test_member_share_of_sales(kpis: ProgrammeKpis) -> None:
    """Members' net sales 650 of the 1300 the host reports: one half."""
    assert kpis.member_sales == Money(Decimal(650), "CNY")
    assert kpis.member_share_of_sales == Decimal("0.5")


def test_retention_by_join_cohort(kpis: ProgrammeKpis) -> None:
    """Each join month's members who bought in the period, oldest cohort first."""
    assert [(c.month, c.rate) for c in kpis.cohorts] == [
        (date(2025, 1, 1), Rate(1, 1)),
        (date(2025, 6, 1), Rate(0, 1)),
        (date(2026, 3, 1), Rate(1, 1)),
        (date(2026, 4, 1), Rate(0, 1)),
    ]


def test_tier_distribution_in_ladder_order(kpis: ProgrammeKpis) -> None:
    """Tiers at the end of the period, ladder order first and members without a tier last."""
    assert kpis.tiers == (("silver", 1), ("gold", 1), (None, 2))


def test_points_flows_liability_and_breakage(kpis: ProgrammeKpis) -> None:
    """Issued 400, redeemed 40, expired 60, outstanding 800, breakage 60 / (40 + 60)."""
    (flows,) = kpis.points
    assert (flows.issued, flows.redeemed, flows.expired, flows.outstanding) == (400, 40, 60, 800)
    assert flows.breakage == Decimal("0.6")


def test_kpis_explain_themselves(kpis: ProgrammeKpis) -> None:
    """The repurchase reason renders as a percentage in Chinese."""
    assert "复购率 50%：2 位购买会员中 1 位再次购买。" in kpis.explain("zh_Hans")


def test_without_total_sales_the_share_is_unknown() -> None:
    """The member share of sales needs the total, which only the host knows."""
    assert programme_kpis(POLICY, population(), START, END).member_share_of_sales is None


def test_the_states_are_read_once_as_a_stream() -> None:
    """A one-shot generator is enough: the KPIs never need the states twice."""
    once = population()
    programme_kpis(POLICY, once, START, END)
    assert next(once, None) is None


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    """An empty or reversed period is bad input."""
    with pytest.raises(EventError, match="ends before it starts"):
        programme_kpis(POLICY, population(), END, START)


def test_points_flows_are_explained(kpis: ProgrammeKpis) -> None:
    """Each points currency's flows have a line of their own."""
    assert "points: 400 issued, 40 redeemed, 60 expired; 800 outstanding." in kpis.explain("en")


def test_the_members_counts_added_up_are_the_kpis(kpis: ProgrammeKpis) -> None:
    """Each member counted alone, the counts added in reverse order: the same KPIs, points and
    tiers included."""
    period = kpi_period(POLICY, START, END)
    counts = KpiCounts()
    for state in reversed(list(population())):
        counts = member_kpis(period, state) + counts
    assert kpis_of(period, counts, total_sales=Decimal(1300)) == kpis


def test_a_member_who_joined_after_the_period_adds_nothing() -> None:
    """m4 joined in June: no count of March and April moves."""
    m4 = next(state for state in population() if state.member_id == "m4")
    assert member_kpis(kpi_period(POLICY, START, END), m4) == KpiCounts()
