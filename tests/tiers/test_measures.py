"""Figures over a window: the journal walk and the memo of filter verdicts."""

from __future__ import annotations

import pytest
from tests.builders import at, member, purchase
from tests.tiers.builders import ladder, tiers_yaml, with_growth

import memberkit
from memberkit.points._state import JournalEntry, PointsState
from memberkit.tiers import _compiled_measure, _measures

GROWTH = (
    "  measures:\n    growth: {of: points, currency: growth}\n"
    "  ladder:\n    - {id: basic}\n    - {id: silver, qualify: {growth: 1000}}\n"
)
FILTERED = (
    "  measures:\n    spend: {of: spend, where: {not: {category: [gift_card]}}}\n"
    "  ladder:\n    - {id: basic}\n    - {id: silver, qualify: {spend: 2000}}\n"
)


def test_expiry_entries_out_of_time_order_do_not_stop_the_journal_walk() -> None:
    """An expiry entry dated before the window, journaled last, is skipped, not a stop."""
    state = with_growth(member(), (at(2026, 2, 1), 300), (at(2026, 3, 1), 400))
    late = JournalEntry(at(2025, 6, 1), "x", "growth", "expire", -50, "")
    state = state.evolve(points=PointsState(journal=(*state.points.journal, late)))
    p = tiers_yaml(GROWTH)
    assert memberkit.tier_of(p, state, at(2026, 6, 1)).figures["growth"] == 700


def test_earned_entries_before_the_window_are_not_counted() -> None:
    """Growth earned last year stays out of this year's figure."""
    state = with_growth(
        member(joined=at(2025, 1, 1)), (at(2025, 12, 31), 900), (at(2026, 1, 2), 200)
    )
    assert memberkit.tier_of(tiers_yaml(GROWTH), state, at(2026, 6, 1)).figures["growth"] == 200


def _measure() -> _measures.CompiledMeasure:
    ct = tiers_yaml(FILTERED).at(at(2026, 1, 1)).tiers
    assert ct is not None
    return ct.measures["spend"]


def test_a_filter_verdict_is_worked_out_once_per_order_record() -> None:
    """Asking twice about the same record reads the memo: one entry per record."""
    measure = _measure()
    order = memberkit.replay(
        ladder(),
        member(),
        (purchase("o1", at(2026, 3, 1), ("a", "gift_card", "10"), ("b", "x", "5")),),
    ).orders[0]
    first = measure.verdicts(order, at(2026, 1, 1).tzinfo)  # type: ignore[arg-type]
    again = measure.verdicts(order, at(2026, 1, 1).tzinfo)  # type: ignore[arg-type]
    assert first == again == ((False, True), False)
    assert len(measure.matches) == 1


def test_the_memo_starts_again_past_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo never holds more than its limit of records."""
    monkeypatch.setattr(_compiled_measure, "_MEMO_LIMIT", 2)
    measure = _measure()
    events = [purchase(f"o{i}", at(2026, 3, i + 1)) for i in range(5)]
    state = memberkit.replay(ladder(), member(), events)
    for order in state.orders:
        measure.verdicts(order, at(2026, 1, 1).tzinfo)  # type: ignore[arg-type]
    assert len(measure.matches) <= 2


def test_a_money_sum_measure_is_shown_as_money() -> None:
    """A sum of a fare attribute declared unit: money reads as an amount in tier_of."""
    p = tiers_yaml(
        "  measures:\n    fare: {of: sum, kind: flight, field: attr.fare, unit: money}\n"
        "  ladder:\n    - {id: basic}\n    - {id: gold, qualify: {fare: 6000}}\n"
    )
    event = memberkit.parse_event(
        {
            "type": "activity",
            "id": "f1",
            "at": at(2026, 3, 1),
            "kind": "flight",
            "attributes": {"fare": 100},
        }
    )
    state, _ = memberkit.apply(p, member(), event)
    text = memberkit.tier_of(p, state, at(2026, 3, 2)).explain("en")
    assert "CN¥100.00" in text


def test_unit_applies_to_sum_measures_only() -> None:
    """A spend measure is money already; 'unit' on it is a policy error."""
    with pytest.raises(memberkit.PolicyError, match="'unit' applies to sum measures only"):
        tiers_yaml(
            "  measures:\n    web: {of: orders, unit: money}\n  ladder:\n    - {id: basic}\n"
        )


def test_a_money_sum_threshold_keeps_to_the_currencys_decimals() -> None:
    """A threshold of 0.001 on a money sum is refused for CNY (two decimals)."""
    with pytest.raises(memberkit.PolicyError, match="too_many_decimals"):
        tiers_yaml(
            "  measures:\n    fare: {of: sum, kind: flight, field: attr.fare, unit: money}\n"
            "  ladder:\n    - {id: basic}\n    - {id: gold, qualify: {fare: 0.001}}\n"
        )


@pytest.mark.parametrize("nights", [3, "3", "3.0"])
def test_a_sum_measure_reads_numeric_text_as_earning_does(nights: object) -> None:
    """A nights attribute sent as "3" counts three nights, as earning per night reads it."""
    p = tiers_yaml(
        "  measures:\n    nights: {of: sum, kind: stay, field: attr.nights}\n"
        "  ladder:\n    - {id: basic}\n    - {id: gold, qualify: {nights: 3}}\n"
    )
    event = memberkit.parse_event(
        {
            "type": "activity",
            "id": "s1",
            "at": at(2026, 3, 1),
            "kind": "stay",
            "attributes": {"nights": nights},
        }
    )
    state, _ = memberkit.apply(p, member(), event)
    assert memberkit.tier_of(p, state, at(2026, 3, 2)).tier == "gold"


@pytest.mark.parametrize("nights", ["three", "-3", "NaN", True])
def test_a_sum_measure_counts_nothing_for_a_non_number(nights: object) -> None:
    """Text that is not a number of 0 or more adds nothing to a sum."""
    p = tiers_yaml(
        "  measures:\n    nights: {of: sum, kind: stay, field: attr.nights}\n"
        "  ladder:\n    - {id: basic}\n    - {id: gold, qualify: {nights: 1}}\n"
    )
    event = memberkit.parse_event(
        {
            "type": "activity",
            "id": "s1",
            "at": at(2026, 3, 1),
            "kind": "stay",
            "attributes": {"nights": nights},
        }
    )
    state, _ = memberkit.apply(p, member(), event)
    assert memberkit.tier_of(p, state, at(2026, 3, 2)).tier == "basic"
