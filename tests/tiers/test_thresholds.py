"""Threshold trees: which leaves make a threshold hold (the figure-only trace of tier_of)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from memberkit.tiers._thresholds import _threshold, held_leaves, met

TREE = _threshold(
    {
        "any": [
            {"all": [{"segments": 40}, {"spend": 8000}]},
            {"all": [{"distance": 80000}, {"spend": 8000}]},
        ]
    }
)


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        ({"segments": 40, "spend": 8000}, ["segments", "spend"]),
        ({"distance": 80000, "spend": 9000}, ["distance", "spend"]),
        (
            {"segments": 40, "distance": 80000, "spend": 8000},
            ["segments", "spend", "distance", "spend"],
        ),
        ({"segments": 40, "distance": 80000, "spend": 7999}, []),
        ({"segments": 39, "spend": 8000}, []),
    ],
)
def test_held_leaves_of_a_nested_threshold(figures: dict[str, int], expected: list[str]) -> None:
    """Each alternative that holds contributes all its leaves; a failing one contributes none."""
    figs = {k: Decimal(v) for k, v in figures.items()}
    assert [leaf.measure for leaf in held_leaves(TREE, figs, True)] == expected


def test_a_strict_threshold_does_not_hold_at_equality() -> None:
    """Under '>' a figure equal to the threshold is not a held leaf."""
    node = _threshold({"spend": 2000})
    assert held_leaves(node, {"spend": Decimal(2000)}, False) == ()


@given(
    segments=st.integers(0, 100),
    distance=st.integers(0, 200000),
    spend=st.integers(0, 20000),
    inclusive=st.booleans(),
)
def test_leaves_are_held_exactly_when_the_threshold_is_met(
    segments: int, distance: int, spend: int, inclusive: bool
) -> None:
    """held_leaves is non-empty if and only if the threshold is met, and every leaf it names holds."""
    figs = {"segments": Decimal(segments), "distance": Decimal(distance), "spend": Decimal(spend)}
    held = held_leaves(TREE, figs, inclusive)
    assert bool(held) == met(TREE, figs, inclusive)
    assert all(met(leaf, figs, inclusive) for leaf in held)
