"""RFM: n-tile scores with the tie rule, a hand-computed population, and the 11-segment table."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import at, days
from tests.lifecycle.builders import lifecycle_policy, retail_policy, shopper

from memberkit.lifecycle import RfmInput, ntile_scores, rfm_inputs, rfm_scores
from memberkit.lifecycle._access import lifecycle_of
from memberkit.lifecycle._rfm import segment_of

AS_OF = at(2026, 6, 1)
POLICY = retail_policy()


def test_equal_values_share_a_score() -> None:
    """Tied values get the same score and the next value skips ahead by its rank."""
    assert ntile_scores([10, 20, 20, 30, 40], 5) == [1, 2, 2, 4, 5]


def test_ten_distinct_values_fill_five_ntiles_evenly() -> None:
    """Ten distinct values give two members per quintile, highest values scoring 5."""
    assert ntile_scores(list(range(1, 11)), 5) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_a_population_of_equals_all_score_one() -> None:
    """Nobody is better than anybody: everyone shares the lowest score."""
    assert ntile_scores([7, 7, 7], 5) == [1, 1, 1]


@given(st.lists(st.integers(-1000, 1000), min_size=1, max_size=60), st.integers(2, 10))
def test_scores_are_in_range_and_monotone(values: list[int], n: int) -> None:
    """Scores lie in 1..n and a higher value never scores lower."""
    scores = ntile_scores(values, n)
    assert all(1 <= s <= n for s in scores)
    for (v1, s1), (v2, s2) in itertools.combinations(zip(values, scores, strict=True), 2):
        if v1 < v2:
            assert s1 <= s2
        if v1 == v2:
            assert s1 == s2


POPULATION = [
    RfmInput("A", 5, 10, Decimal(1000)),
    RfmInput("B", 30, 3, Decimal(300)),
    RfmInput("C", 30, 3, Decimal(200)),
    RfmInput("D", 200, 1, Decimal(50)),
    RfmInput("E", None, 0, Decimal(0)),
]


def test_hand_computed_population_scores() -> None:
    """Recency is inverted, ties share scores, and a member who never bought scores lowest."""
    scored = rfm_scores(POLICY, POPULATION, AS_OF)
    assert [(s.member_id, s.cell) for s in scored] == [
        ("A", "555"),
        ("B", "334"),
        ("C", "333"),
        ("D", "222"),
        ("E", "111"),
    ]


def test_hand_computed_population_segments() -> None:
    """The retail table puts the population in its segments, first matching segment first."""
    scored = rfm_scores(POLICY, POPULATION, AS_OF)
    assert [s.segment for s in scored] == ["champions", "loyal", "loyal", "hibernating", "lost"]


def test_scores_carry_their_figures_as_reasons() -> None:
    """Each score's reasons give the scores and the figures they came from, then the segment."""
    first = rfm_scores(POLICY, POPULATION, AS_OF)[0]
    assert [r.code for r in first.reasons] == ["lifecycle.rfm_scores", "lifecycle.rfm_segment"]
    assert first.explain("en").splitlines()[1] == "RFM segment: Champions."


def test_states_and_precomputed_figures_score_alike() -> None:
    """Scoring member states gives what scoring their RFM figures gives."""
    states = [
        shopper(AS_OF - days(5), AS_OF - days(9), member_id="x"),
        shopper(AS_OF - days(40), member_id="y"),
        shopper(member_id="z"),
    ]
    from_states = rfm_scores(POLICY, states, AS_OF)
    from_inputs = rfm_scores(POLICY, list(rfm_inputs(POLICY, states, AS_OF)), AS_OF)
    assert [s.cell for s in from_states] == [s.cell for s in from_inputs] == ["444", "222", "111"]


CELLS = [
    ((5, 5, 5), "champions"),
    ((5, 1, 5), "loyal"),
    ((5, 1, 1), "new_customers"),
    ((4, 1, 2), "promising"),
    ((4, 2, 2), "potential_loyalist"),
    ((3, 2, 2), "need_attention"),
    ((3, 1, 2), "about_to_sleep"),
    ((1, 5, 4), "cant_lose"),
    ((2, 4, 4), "at_risk"),
    ((1, 3, 3), "at_risk"),
    ((2, 1, 1), "hibernating"),
    ((1, 2, 2), "hibernating"),
    ((1, 1, 2), "lost"),
]


@pytest.mark.parametrize(("cell", "segment"), CELLS)
def test_standard_segment_table(cell: tuple[int, int, int], segment: str) -> None:
    """Score cells fall in the standard segment the retail example's table gives them."""
    found = segment_of(lifecycle_of(POLICY, AS_OF), *cell)
    assert found is not None
    assert found.id == segment


def test_the_table_covers_every_cell_with_all_eleven_segments() -> None:
    """Every one of the 125 cells has a segment, and each of the 11 segments is reached."""
    compiled = lifecycle_of(POLICY, AS_OF)
    seen = set()
    for cell in itertools.product(range(1, 6), repeat=3):
        found = segment_of(compiled, *cell)
        assert found is not None
        seen.add(found.id)
    assert len(seen) == 11


def test_segments_may_be_given_as_score_cells() -> None:
    """A segment listing cells as digits takes exactly those cells."""
    policy = lifecycle_policy(
        'rfm: {segments: [{id: top, when: {rfm: ["555", "554"]}}, {id: rest}], default: rest}'
    )
    compiled = lifecycle_of(policy, AS_OF)
    found = [segment_of(compiled, *cell) for cell in ((5, 5, 4), (5, 4, 5))]
    assert [s.id if s else None for s in found] == ["top", "rest"]
