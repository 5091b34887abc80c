"""The condition tree: immutable nodes that remember where in the policy they were written.

Every node carries its policy path, so an explanation or a coverage report leads back to a line of
YAML. Literals are stored already checked and normalised (weekdays as ISO numbers, dates as
``date``, times as ``time``, lists as tuples), so compiling never re-parses text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from .._paths import Path
from ._fields import FieldType

__all__ = [
    "ALIASES",
    "OPERATORS",
    "ORDERING_OPERATORS",
    "All",
    "Any",
    "Compare",
    "Condition",
    "Not",
]

OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "in", "not in", "between")
"""The comparison operators, in the form the tree stores them."""

ALIASES = {
    "eq": "=",
    "ne": "!=",
    "lt": "<",
    "le": "<=",
    "gt": ">",
    "ge": ">=",
    "not_in": "not in",
}
"""Word spellings of the operators, for authors who would rather not quote ``>=`` in YAML."""

ORDERING_OPERATORS = frozenset({"<", "<=", ">", ">=", "between"})
"""Operators that need an ordered field type."""


class Condition:
    """A node of a parsed condition: ``All``, ``Any``, ``Not`` or ``Compare``."""

    __slots__ = ()

    path: Path

    def children_of(self) -> tuple[Condition, ...]:
        """The node's direct sub-conditions (none for a comparison)."""
        return ()

    def walk(self) -> Iterator[Condition]:
        """Every node of the tree, this one first, depth first in the order written."""
        yield self
        for child in self.children_of():
            yield from child.walk()

    def fields(self) -> frozenset[str]:
        """The names of every field the condition reads."""
        return frozenset(node.field for node in self.walk() if isinstance(node, Compare))


@dataclass(frozen=True, slots=True)
class All(Condition):
    """Holds when every child holds (an empty ``All`` always holds)."""

    children: tuple[Condition, ...]
    path: Path = ()

    def children_of(self) -> tuple[Condition, ...]:
        """The conditions that must all hold."""
        return self.children


@dataclass(frozen=True, slots=True)
class Any(Condition):
    """Holds when at least one child holds (an empty ``Any`` never holds)."""

    children: tuple[Condition, ...]
    path: Path = ()

    def children_of(self) -> tuple[Condition, ...]:
        """The conditions of which one must hold."""
        return self.children


@dataclass(frozen=True, slots=True)
class Not(Condition):
    """Holds when its child does not."""

    child: Condition
    path: Path = ()

    def children_of(self) -> tuple[Condition, ...]:
        """The negated condition."""
        return (self.child,)


@dataclass(frozen=True, slots=True)
class Compare(Condition):
    """One test of one field: ``field op value``.

    ``op`` is one of ``OPERATORS`` (aliases are resolved). ``value`` is the normalised literal: a
    single value, a tuple for ``in`` / ``not in``, a ``(low, high)`` pair for ``between``.
    ``field_type`` is the field's type, resolved from the literal for custom attributes, so it is
    never ``ANY``. A ``DATETIME`` literal without an offset is naive: programme-local wall time.
    """

    field: str
    op: str
    value: object
    path: Path = ()
    field_type: FieldType = dataclass_field(kw_only=True)
