"""Laws of the lifecycle figures, stages and KPIs over generated purchase histories."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from tests.builders import SHANGHAI, at, days
from tests.lifecycle.builders import retail_policy, shopper

from memberkit import MemberState
from memberkit.lifecycle import WindowSpec, figures, lifecycle_stage, occasions, programme_kpis
from memberkit.lifecycle._access import lifecycle_of
from memberkit.lifecycle._kpis import KpiCounts, kpi_period, kpis_of, member_kpis
from memberkit.lifecycle._stages import member_facts, stage_for

AS_OF = at(2026, 6, 1)
POLICY = retail_policy()

# Purchases as (days before AS_OF, hour of the day), so several may fall on one day.
histories = st.lists(st.tuples(st.integers(0, 900), st.integers(0, 23)), max_size=25)


def _member(history: list[tuple[int, int]], member_id: str = "m1") -> MemberState:
    moments = sorted(AS_OF.replace(hour=h) - days(d) for d, h in history)
    return shopper(*moments, member_id=member_id, joined=AS_OF - days(1000))


@given(histories)
def test_merging_never_adds_occasions(history: list[tuple[int, int]]) -> None:
    """Merged same-day occasions are at most the orders, and spend the same money."""
    state = _member(history)
    merged = occasions(state, AS_OF, SHANGHAI, "merge")
    kept = occasions(state, AS_OF, SHANGHAI, "keep")
    assert len(merged) <= len(kept)
    assert sum(o.amount for o in merged) == sum(o.amount for o in kept)


@given(histories)
def test_window_figures_never_exceed_the_lifetime(history: list[tuple[int, int]]) -> None:
    """Frequency in a window is at most all purchases, and a shorter window counts no more."""
    state = _member(history)
    year = figures(state, AS_OF, SHANGHAI, window=WindowSpec(months=12), churn_gap_days=180)
    month = figures(state, AS_OF, SHANGHAI, window=WindowSpec(days=30), churn_gap_days=180)
    assert month.frequency <= year.frequency <= year.purchases


@given(histories)
def test_the_decision_agrees_with_the_fast_path(history: list[tuple[int, int]]) -> None:
    """lifecycle_stage picks the same stage as the reason-free first-match used by audiences."""
    state = _member(history)
    compiled = lifecycle_of(POLICY, AS_OF)
    facts = member_facts(compiled, state, AS_OF)[0]
    fast = stage_for(compiled, facts)
    assert lifecycle_stage(POLICY, state, AS_OF).stage == (fast.id if fast else None)


@given(st.lists(histories, min_size=1, max_size=8))
def test_kpi_rates_are_shares(population: list[list[tuple[int, int]]]) -> None:
    """Every KPI rate has a numerator no larger than its denominator."""
    states = [_member(h, f"m{i}") for i, h in enumerate(population)]
    kpis = programme_kpis(POLICY, states, AS_OF - days(120), AS_OF)
    rates = [m.rate for m in kpis.monthly_active] + [c.rate for c in kpis.cohorts]
    rates.append(kpis.repurchase)
    assert all(0 <= r.numerator <= r.denominator for r in rates)


@given(st.lists(histories, max_size=8), st.data())
def test_kpis_counted_in_any_groups_add_up_to_the_whole_populations(
    population: list[list[tuple[int, int]]], data: st.DataObject
) -> None:
    """Members counted one by one in any groups and any order, the groups' counts added up, give
    the KPIs programme_kpis gives for the whole population (as the demo's workers count them)."""
    states = [_member(h, f"m{i}") for i, h in enumerate(population)]
    start = AS_OF - days(data.draw(st.integers(30, 400), label="period days"))
    whole = programme_kpis(POLICY, states, start, AS_OF)
    period = kpi_period(POLICY, start, AS_OF)
    groups = data.draw(st.lists(st.integers(0, 2), min_size=len(states), max_size=len(states)))
    order = data.draw(st.permutations(range(len(states))), label="order")
    totals = [KpiCounts(), KpiCounts(), KpiCounts()]
    for i in order:
        totals[groups[i]] += member_kpis(period, states[i])
    assert kpis_of(period, totals[2] + totals[0] + totals[1]) == whole
