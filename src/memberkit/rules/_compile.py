"""Compiling: a condition tree into a predicate made of nested closures, built once per policy.

Calling a predicate never walks the tree, re-reads a literal or builds a model: each comparison is
a closure over its already-typed literal (``in`` lists as frozensets), each combinator a closure
over its children. ``Predicate.trace`` takes the slower road that records every clause, for
explanations; it uses the same per-comparison tests, so the two never disagree.

Unknown is not evidence: a field whose value is missing (absent or ``None``) makes its comparison
false whatever the operator, ``!=`` and ``not in`` included. So does a custom attribute whose value
is not of the literal's type (``attr.nights: {">=": 2}`` against ``"two"``). ``not`` still negates
the result, so ``not: {channel: app}`` holds when the channel is unknown.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, tzinfo
from decimal import Decimal
from functools import partial
from typing import cast

from .._paths import Path
from ._ast import All, Any, Compare, Condition, Not
from ._fields import ATTRIBUTE_PREFIX, MOMENT_FIELDS, FieldType
from ._shared import shared

__all__ = ["TRUE", "Facts", "Predicate", "Trace", "compile_condition"]


@dataclass(frozen=True, slots=True)
class Facts:
    """What a condition is judged against: the local moment and the event's and member's values.

    ``at`` must be timezone-aware and already in the programme's timezone: the time fields (date,
    weekday, time...) read its wall clock. ``values`` holds the other fields by name: ``Decimal``
    or ``int`` for numbers, ``str`` for text, a ``frozenset`` (or tuple) of ``str`` for sets, and
    custom attributes under ``"attr.<name>"``.
    """

    at: datetime
    values: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError(f"Facts.at must be timezone-aware, got {self.at.isoformat()}")


@dataclass(frozen=True, slots=True)
class Trace:
    """How one clause fared: whether it held, what it expected and what it found.

    Combinators (``op`` of ``all``, ``any``, ``not``) have no field and list their children's
    traces; every child is traced, not only up to the first that decided the result. ``actual``
    is ``None`` when the value was missing.
    """

    path: Path
    held: bool
    op: str
    field: str | None
    expected: object
    actual: object
    children: tuple[Trace, ...] = ()

    def leaves(self) -> tuple[Trace, ...]:
        """The comparison traces below (or at) this one, in the order written."""
        if self.field is not None:
            return (self,)
        return tuple(leaf for child in self.children for leaf in child.leaves())


_Test = Callable[["Facts"], bool]
_Tracer = Callable[["Facts"], Trace]
_Check = Callable[[object], bool]


class Predicate:
    """A compiled condition: call it with ``Facts`` for a bool, or ``trace`` it for the reasons."""

    __slots__ = ("_test", "_tracer", "condition")

    condition: Condition

    def __init__(self, condition: Condition, test: _Test, tracer: _Tracer) -> None:
        self.condition = condition
        self._test = test
        self._tracer = tracer

    def __call__(self, facts: Facts) -> bool:
        """Whether the condition holds for ``facts``."""
        return self._test(facts)

    def trace(self, facts: Facts) -> Trace:
        """Which clauses held and which failed for ``facts``, mirroring the condition's shape."""
        return self._tracer(facts)

    def __repr__(self) -> str:
        return f"Predicate({self.condition!r})"


def compile_condition(cond: Condition, tz: tzinfo) -> Predicate:
    """Compile ``cond`` once; ``tz`` is the programme's zone, for datetimes without an offset.

    While a policy loads, a node compiled before (the same node: ``rules._shared``) gives the
    closures already made, and a whole condition the predicate already made.
    """
    table = shared()
    if table is None:
        test, tracer = _compile(cond, tz)
        return Predicate(cond, test, tracer)
    key = ("predicate", id(cond), id(tz))
    found = table.get(key)
    if found is None:
        test, tracer = _compile(cond, tz)
        found = table[key] = (cond, tz, Predicate(cond, test, tracer))
    return found[2]  # type: ignore[index,no-any-return]


def _compile(cond: Condition, tz: tzinfo) -> tuple[_Test, _Tracer]:
    if isinstance(cond, All | Any):
        return _group(cond, tz, every=isinstance(cond, All))
    if isinstance(cond, Compare):
        # A comparison is what repeats across a policy's conditions: one written like another
        # at the same place is the same node (``rules._shared``), whose closures are made once.
        table = shared()
        if table is None:
            return _compare(cond, tz)
        # The node and the zone are kept with the closures, so their ids stay theirs.
        key = ("closures", id(cond), id(tz))
        found = table.get(key)
        if found is None:
            found = table[key] = (cond, tz, _compare(cond, tz))
        return found[2]  # type: ignore[index,no-any-return]
    if isinstance(cond, Not):
        return _negation(cond, tz)
    raise TypeError(f"not a condition node: {cond!r}")


def _negation(cond: Not, tz: tzinfo) -> tuple[_Test, _Tracer]:
    child, child_tracer = _compile(cond.child, tz)
    path = cond.path

    def test(facts: Facts) -> bool:
        return not child(facts)

    def tracer(facts: Facts) -> Trace:
        inner = child_tracer(facts)
        return Trace(path, not inner.held, "not", None, None, None, (inner,))

    return test, tracer


def _group(cond: All | Any, tz: tzinfo, *, every: bool) -> tuple[_Test, _Tracer]:
    compiled = [_compile(child, tz) for child in cond.children]
    tests = tuple(test for test, _ in compiled)
    tracers = tuple(tracer for _, tracer in compiled)
    op = "all" if every else "any"
    path = cond.path
    decide = all if every else any

    def tracer(facts: Facts) -> Trace:
        children = tuple(child(facts) for child in tracers)
        return Trace(path, decide(c.held for c in children), op, None, None, None, children)

    if len(tests) == 1:
        return tests[0], tracer

    if every:
        # A plain loop, not all(generator): this runs in the inner loop of every decision.
        def test(facts: Facts) -> bool:
            for child in tests:  # noqa: SIM110
                if not child(facts):
                    return False
            return True

    else:

        def test(facts: Facts) -> bool:
            for child in tests:  # noqa: SIM110
                if child(facts):
                    return True
            return False

    return test, tracer


_MOMENT: Mapping[str, Callable[[Facts], object]] = {
    "date": lambda facts: facts.at.date(),
    "datetime": lambda facts: facts.at,
    "weekday": lambda facts: facts.at.isoweekday(),
    # Times compare to the second: 14:00:00.5 is still "14:00".
    "time": lambda facts: time(facts.at.hour, facts.at.minute, facts.at.second),
    "month": lambda facts: facts.at.month,
    "day": lambda facts: facts.at.day,
}


def _compare(cond: Compare, tz: tzinfo) -> tuple[_Test, _Tracer]:
    expected = _localise(cond, tz)
    check = _check(cond.field_type, cond.op, expected)
    if cond.field.startswith(ATTRIBUTE_PREFIX):
        check = _guarded(cond.field_type, check)
    path, op, name = cond.path, cond.op, cond.field

    if name in MOMENT_FIELDS:
        read = _MOMENT[name]

        def test(facts: Facts) -> bool:
            return check(read(facts))

    else:

        def read(facts: Facts) -> object:
            return facts.values.get(name)

        def test(facts: Facts) -> bool:
            value = facts.values.get(name)
            return value is not None and check(value)

    def tracer(facts: Facts) -> Trace:
        actual = read(facts)
        held = actual is not None and check(actual)
        return Trace(path, held, op, name, expected, actual)

    return test, tracer


def _localise(cond: Compare, tz: tzinfo) -> object:
    """The literal to compare with: datetimes written without an offset are programme-local."""
    if cond.field_type is not FieldType.DATETIME:
        return cond.value

    def attach(value: object) -> object:
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=tz)
        return value

    if isinstance(cond.value, tuple):
        return tuple(attach(item) for item in cond.value)
    return attach(cond.value)


def _pair(value: object) -> tuple[object, ...]:
    assert isinstance(value, tuple)
    return value


def _check(field_type: FieldType, op: str, expected: object) -> _Check:
    if field_type is FieldType.TEXT_SET:
        return _set_check(op, expected)
    if op in ("in", "not in"):
        members = frozenset(_pair(expected))
        if op == "in":
            return members.__contains__

        def absent(value: object) -> bool:
            return value not in members

        return absent
    if op == "between":
        low, high = _pair(expected)

        def within(value: object) -> bool:
            return low <= value <= high  # type: ignore[operator,no-any-return]

        return within
    return partial(_MIRRORED[op], expected)


# partial(le, lit)(v) is lit <= v, that is v >= lit: one C call per comparison.
_MIRRORED = cast(
    "Mapping[str, Callable[[object, object], bool]]",
    {
        "=": operator.eq,
        "!=": operator.ne,
        "<": operator.gt,
        "<=": operator.ge,
        ">": operator.lt,
        ">=": operator.le,
    },
)


def _set_check(op: str, expected: object) -> _Check:
    # A set-valued field supplied as one string is a set of one, never a string to search in.
    if op in ("=", "!="):
        wanted = expected
        contains = op == "="

        def member(value: object) -> bool:
            found = value == wanted if isinstance(value, str) else wanted in value  # type: ignore[operator]
            return found is contains

        return member
    members = frozenset(_pair(expected))
    meets = op == "in"

    def overlap(value: object) -> bool:
        if isinstance(value, str):
            return (value in members) is meets
        return members.isdisjoint(value) is not meets  # type: ignore[arg-type]

    return overlap


def _is_number(value: object) -> bool:
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, int) and not isinstance(value, bool)


_ACCEPTS: Mapping[FieldType, _Check] = {
    FieldType.NUMBER: _is_number,
    FieldType.TEXT: lambda value: isinstance(value, str),
    FieldType.BOOL: lambda value: isinstance(value, bool),
}


def _guarded(field_type: FieldType, check: _Check) -> _Check:
    """Custom attributes arrive untyped; a value of another type than the literal is unknown."""
    accepts = _ACCEPTS[field_type]

    def guarded(value: object) -> bool:
        return accepts(value) and check(value)

    return guarded


TRUE = compile_condition(All(()), UTC)
"""The predicate for "no condition": always holds."""
