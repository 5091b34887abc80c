"""Thresholds evaluated against figures, and what is still missing on every path to meet them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ._model import ThresholdAll, ThresholdAny, ThresholdLeaf, ThresholdNode

__all__ = ["Shortfall", "leaves", "met", "paths", "shortfalls"]

_MAX_PATHS = 64


def leaves(node: ThresholdNode) -> Iterator[ThresholdLeaf]:
    """Every leaf of a threshold, in policy order."""
    if isinstance(node, ThresholdLeaf):
        yield node
        return
    for child in node.children:
        yield from leaves(child)


def _leaf_met(leaf: ThresholdLeaf, figures: Mapping[str, Decimal], inclusive: bool) -> bool:
    value = figures.get(leaf.measure, Decimal(0))
    return value >= leaf.value if inclusive else value > leaf.value


def met(node: ThresholdNode, figures: Mapping[str, Decimal], inclusive: bool) -> bool:
    """Whether the figures meet the threshold."""
    if isinstance(node, ThresholdLeaf):
        return _leaf_met(node, figures, inclusive)
    if isinstance(node, ThresholdAll):
        return all(met(c, figures, inclusive) for c in node.children)
    return any(met(c, figures, inclusive) for c in node.children)


def paths(node: ThresholdNode) -> list[tuple[ThresholdLeaf, ...]]:
    """The threshold as alternatives, each a set of leaves that together meet it (at most 64)."""
    if isinstance(node, ThresholdLeaf):
        return [(node,)]
    if isinstance(node, ThresholdAny):
        out: list[tuple[ThresholdLeaf, ...]] = []
        for child in node.children:
            out.extend(paths(child))
        return out[:_MAX_PATHS]
    combined: list[tuple[ThresholdLeaf, ...]] = [()]
    for child in node.children:
        combined = [a + b for a in combined for b in paths(child)][:_MAX_PATHS]
    return combined


@dataclass(frozen=True, slots=True)
class Shortfall:
    """How much more of ``measure`` is needed to meet ``leaf`` (0 when it is met)."""

    leaf: ThresholdLeaf
    have: Decimal
    missing: Decimal


def shortfalls(
    path: tuple[ThresholdLeaf, ...],
    figures: Mapping[str, Decimal],
    inclusive: bool,
    unit: Mapping[str, Decimal],
) -> tuple[Shortfall, ...]:
    """What each leaf of one path still lacks; ``unit`` is the smallest step of each measure."""
    out: list[Shortfall] = []
    seen: dict[str, Decimal] = {}
    for leaf in path:
        # Two leaves on one measure in a path: the larger one decides.
        if leaf.measure in seen and seen[leaf.measure] >= leaf.value:
            continue
        seen[leaf.measure] = leaf.value
        have = figures.get(leaf.measure, Decimal(0))
        step = unit.get(leaf.measure, Decimal(1))
        need = leaf.value if inclusive else leaf.value + step
        out.append(Shortfall(leaf, have, max(Decimal(0), need - have)))
    by_measure = {s.leaf.measure: s for s in out}
    return tuple(by_measure.values())
