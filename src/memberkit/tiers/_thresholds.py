"""Thresholds: the all/any tree parsed from the policy, evaluated against figures, and what is
still missing on every path to meet them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from .._paths import Path

__all__ = [
    "Shortfall",
    "Threshold",
    "ThresholdAll",
    "ThresholdAny",
    "ThresholdLeaf",
    "ThresholdNode",
    "held_leaves",
    "leaves",
    "met",
    "paths",
    "shortfalls",
]

# --- the tree, parsed from the policy --------------------------------------------------------------------------------


class ThresholdLeaf:
    """``measure`` must reach ``value`` (>= or >, as the tier says)."""

    __slots__ = ("measure", "path", "value")

    def __init__(self, measure: str, value: Decimal, path: Path) -> None:
        self.measure = measure
        self.value = value
        self.path = path
        """Path inside the threshold (``("any", 0, "spend")``)."""

    def __repr__(self) -> str:
        return f"{{{self.measure}: {self.value}}}"


class ThresholdAll:
    """Every child must be met."""

    __slots__ = ("children", "path")

    def __init__(self, children: tuple[ThresholdNode, ...], path: Path) -> None:
        self.children = children
        self.path = path

    def __repr__(self) -> str:
        return "{all: [" + ", ".join(map(repr, self.children)) + "]}"


class ThresholdAny:
    """At least one child must be met."""

    __slots__ = ("children", "path")

    def __init__(self, children: tuple[ThresholdNode, ...], path: Path) -> None:
        self.children = children
        self.path = path

    def __repr__(self) -> str:
        return "{any: [" + ", ".join(map(repr, self.children)) + "]}"


ThresholdNode = ThresholdLeaf | ThresholdAll | ThresholdAny


def _parse_threshold(
    value: object, path: Path, problems: list[tuple[Path, str, str]], depth: int = 0
) -> ThresholdNode | None:
    if depth > 16:
        problems.append((path, "thresholds nest too deeply", "too_deep"))
        return None
    if not isinstance(value, Mapping) or not value:
        problems.append(
            (path, "a threshold is a mapping of measure to amount, or all/any lists", "wrong_type")
        )
        return None
    parts: list[ThresholdNode] = []
    for key, item in value.items():
        here = (*path, str(key))
        if key in ("all", "any"):
            if not isinstance(item, list | tuple) or not item:
                problems.append(
                    (here, f"'{key}' takes a non-empty list of thresholds", "wrong_type")
                )
                continue
            children = [
                _parse_threshold(sub, (*here, i), problems, depth + 1) for i, sub in enumerate(item)
            ]
            kept = tuple(c for c in children if c is not None)
            parts.append(ThresholdAll(kept, here) if key == "all" else ThresholdAny(kept, here))
            continue
        if isinstance(item, bool) or not isinstance(item, int | Decimal | float):
            problems.append((here, f"{item!r} is not a number", "wrong_type"))
            continue
        amount = Decimal(str(item))
        if not amount.is_finite() or amount < 0:
            problems.append((here, f"{item!r} must be a number of 0 or more", "out_of_range"))
            continue
        parts.append(ThresholdLeaf(str(key), amount, here))
    if len(parts) == 1:
        return parts[0]
    # Several keys in one mapping are all required, as in the rules language.
    return ThresholdAll(tuple(parts), path)


def _threshold(value: object) -> ThresholdNode:
    if isinstance(value, ThresholdLeaf | ThresholdAll | ThresholdAny):
        return value
    problems: list[tuple[Path, str, str]] = []
    node = _parse_threshold(value, (), problems)
    if problems or node is None:
        raise PydanticCustomError(
            "rules",
            "{summary}",
            {"summary": "; ".join(p[1] for p in problems), "findings": problems},
        )
    return node


_THRESHOLD_SCHEMA: dict[str, object] = {
    "description": "measure: amount, combined with all: [...] / any: [...] at any depth",
    "type": "object",
}


def _repr(value: object) -> str:
    # A Python function, not the builtin: pydantic reads a serializer's signature, and a builtin's
    # is parsed from text with tokenize (whose patterns take ~50 ms to compile at start-up).
    return repr(value)


Threshold = Annotated[
    ThresholdNode,
    BeforeValidator(_threshold),
    PlainSerializer(_repr, return_type=str),
    WithJsonSchema(_THRESHOLD_SCHEMA),
]


# --- evaluation ---------------------------------------------------------------------------------


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


def held_leaves(
    node: ThresholdNode, figures: Mapping[str, Decimal], inclusive: bool
) -> tuple[ThresholdLeaf, ...]:
    """The leaves that make the threshold hold, in policy order (none when it does not hold).

    A figure-only trace: every child of an ``all``, and each ``any`` alternative that holds.
    """
    if isinstance(node, ThresholdLeaf):
        return (node,) if _leaf_met(node, figures, inclusive) else ()
    if not met(node, figures, inclusive):
        return ()
    return tuple(
        leaf
        for child in node.children
        if met(child, figures, inclusive)
        for leaf in held_leaves(child, figures, inclusive)
    )


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
