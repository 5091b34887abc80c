"""Laws of the condition language, checked on generated conditions and facts."""

from __future__ import annotations

import typing
from datetime import datetime, time, timedelta, tzinfo
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from tests.rules.builders import SHANGHAI, VOCABULARY

from memberkit.rules import (
    All,
    Any,
    Compare,
    Condition,
    Facts,
    FieldType,
    Not,
    compile_condition,
    parse_condition,
)


def read(field: str, facts: Facts) -> object:
    """The value a comparison reads, by a direct reading of the field tables."""
    at = facts.at
    moment = {
        "date": at.date(),
        "datetime": at,
        "weekday": at.isoweekday(),
        "time": at.time().replace(microsecond=0),
        "month": at.month,
        "day": at.day,
    }
    if field in moment:
        return moment[field]
    return facts.values.get(field)


def of_type(value: object, field_type: FieldType) -> bool:
    """Whether a custom attribute's value has the type its literal gave the comparison."""
    if field_type is FieldType.BOOL:
        return isinstance(value, bool)
    if field_type is FieldType.TEXT:
        return isinstance(value, str)
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def localise(expected: object, tz: tzinfo) -> object:
    """A datetime literal, or a tuple of them, with ``tz`` attached where none was written."""
    if isinstance(expected, tuple):
        return tuple(localise(item, tz) for item in expected)
    assert isinstance(expected, datetime)
    return expected.replace(tzinfo=tz) if expected.tzinfo is None else expected


def evaluate(cond: Condition, facts: Facts, tz: tzinfo) -> bool:
    """The reference interpreter: walks the tree for every evaluation, plainly."""
    if isinstance(cond, All):
        return all(evaluate(child, facts, tz) for child in cond.children)
    if isinstance(cond, Any):
        return any(evaluate(child, facts, tz) for child in cond.children)
    if isinstance(cond, Not):
        return not evaluate(cond.child, facts, tz)
    assert isinstance(cond, Compare)
    actual = read(cond.field, facts)
    if actual is None:
        return False
    if cond.field.startswith("attr.") and not of_type(actual, cond.field_type):
        return False
    expected = cond.value
    if cond.field_type is FieldType.DATETIME:
        expected = localise(expected, tz)
    if cond.field_type is FieldType.TEXT_SET:
        have = {actual} if isinstance(actual, str) else set(actual)  # type: ignore[call-overload]
        if cond.op == "=":
            return expected in have
        if cond.op == "!=":
            return expected not in have
        if cond.op == "in":
            return bool(have & set(expected))  # type: ignore[call-overload]
        return not have & set(expected)  # type: ignore[call-overload]
    # Operands as typing.Any: the tree guarantees they are of one comparable type.
    a: typing.Any = actual
    e: typing.Any = expected
    match cond.op:
        case "=":
            return bool(a == e)
        case "!=":
            return bool(a != e)
        case "<":
            return bool(a < e)
        case "<=":
            return bool(a <= e)
        case ">":
            return bool(a > e)
        case ">=":
            return bool(a >= e)
        case "in":
            return a in e
        case "not in":
            return a not in e
    low, high = e
    return bool(low <= a <= high)


# --- generated condition data -------------------------------------------------------------

START = datetime(2025, 10, 25, tzinfo=SHANGHAI)
DAYS = 30
WEEKDAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAY_ZH = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]

Literal = st.SearchStrategy[tuple[object, object]]  # (as written, sort key)


def numbers(low: int, high: int) -> Literal:
    """Integers and two-place decimals, written as they would come from YAML."""
    whole = st.integers(low, high).map(lambda n: (n, n))
    cents = st.integers(low * 100, high * 100).map(lambda c: (Decimal(c) / 100, Decimal(c) / 100))
    return st.one_of(whole, cents)


def words(*choices: str) -> Literal:
    """Text literals from a small alphabet, so generated facts sometimes match."""
    return st.sampled_from(choices).map(lambda w: (w, w))


def dates() -> Literal:
    """Dates within the generated facts' month, as "YYYY-MM-DD"."""
    return st.integers(0, DAYS).map(lambda n: (str(START.date() + timedelta(n)),) * 2)


def clock() -> Literal:
    """Times to the minute or second, as "HH:MM[:SS]"."""
    return st.tuples(st.integers(0, 23), st.integers(0, 59), st.sampled_from([0, 30])).map(
        lambda t: (f"{t[0]:02d}:{t[1]:02d}" + (f":{t[2]:02d}" if t[2] else ""), time(*t))
    )


def weekdays() -> Literal:
    """Weekdays as English names, ISO numbers or Chinese."""
    return st.tuples(st.integers(1, 7), st.sampled_from(["en", "iso", "zh"])).map(
        lambda d: (
            {"en": WEEKDAY_NAMES[d[0] - 1], "iso": d[0], "zh": WEEKDAY_ZH[d[0] - 1]}[d[1]],
            d[0],
        )
    )


def moments(offset: str) -> Literal:
    """Datetimes in the generated range, all naive or all with ``offset``."""
    return st.integers(0, DAYS * 24 * 4).map(
        lambda q: (
            (START.replace(tzinfo=None) + timedelta(minutes=15 * q)).isoformat() + offset,
            START.replace(tzinfo=None) + timedelta(minutes=15 * q),
        )
    )


FIELDS: dict[str, tuple[Literal, bool]] = {  # field: (literals, ordered)
    "amount": (numbers(0, 300), True),
    "quantity": (numbers(0, 5), True),
    "channel": (words("app", "web", "store"), False),
    "tags": (words("new", "promo", "vip"), False),
    "category": (words("food", "toys", "gift_card"), False),
    "date": (dates(), True),
    "weekday": (weekdays(), True),
    "time": (clock(), True),
    "month": (st.sampled_from([(10, 10), ("nov", 11), ("11月", 11), (12, 12)]), True),
    "day": (st.integers(1, 31).map(lambda d: (d, d)), True),
    "attr.nights": (numbers(0, 5), True),
    "attr.source": (words("ad", "friend"), False),
    "attr.vip": (st.booleans().map(lambda b: (b, b)), False),
}
ORDERED = ["=", "!=", "<", "<=", ">", ">=", "eq", "ne", "lt", "le", "gt", "ge"]
UNORDERED = ["=", "!=", "eq", "ne"]


@st.composite
def comparison(draw: st.DrawFn) -> dict[str, object]:
    """One field with a scalar, a list, or a mapping of one or two operators."""
    field = draw(st.sampled_from([*FIELDS, "datetime"]))
    if field == "datetime":
        literals, ordered = moments(draw(st.sampled_from(["", "+08:00", "Z"]))), True
    else:
        literals, ordered = FIELDS[field]
    spell = st.builds(lambda pair: pair[0], literals)

    def one_op(op_name: str) -> object:
        if op_name in ("in", "not in", "not_in"):
            return draw(st.lists(spell, min_size=1, max_size=3))
        if op_name == "between":
            pair = sorted(draw(st.lists(literals, min_size=2, max_size=2)), key=lambda p: p[1])  # type: ignore[arg-type, return-value]
            return [pair[0][0], pair[1][0]]
        return draw(spell)

    shape = draw(st.sampled_from(["scalar", "list", "ops"]))
    if shape == "scalar":
        return {field: draw(spell)}
    if shape == "list":
        return {field: draw(st.lists(spell, min_size=1, max_size=3))}
    names = [*(ORDERED if ordered else UNORDERED), "in", "not in", "not_in"]
    if ordered:
        names.append("between")
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
    return {field: {name: one_op(name) for name in chosen}}


def merged(parts: list[dict[str, object]]) -> dict[str, object]:
    """Several conditions written as one mapping (ANDed); a repeated key keeps its first value."""
    out: dict[str, object] = {}
    for part in parts:
        for key, value in part.items():
            out.setdefault(key, value)
    return out


conditions: st.SearchStrategy[dict[str, object]] = st.recursive(
    comparison(),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda cs: {"all": cs}),
        st.lists(inner, min_size=1, max_size=3).map(lambda cs: {"any": cs}),
        inner.map(lambda c: {"not": c}),
        st.lists(inner, min_size=2, max_size=3).map(merged),
    ),
    max_leaves=8,
)


# --- generated facts ----------------------------------------------------------------------

at_strategy = st.integers(0, DAYS * 24 * 3600).map(lambda s: START + timedelta(seconds=s))

VALUE_STRATEGIES: dict[str, st.SearchStrategy[object]] = {
    "amount": st.integers(0, 30000).map(lambda c: Decimal(c) / 100),
    "quantity": st.integers(0, 5),
    "channel": st.sampled_from(["app", "web", "store", "kiosk"]),
    "tags": st.frozensets(st.sampled_from(["new", "promo", "vip", "old"]), max_size=3),
    "category": st.one_of(
        st.frozensets(st.sampled_from(["food", "toys", "gift_card", "books"]), max_size=3),
        st.sampled_from(["food", "books"]),
    ),
    "attr.nights": st.one_of(st.integers(0, 5), st.just(Decimal("2.50"))),
    "attr.source": st.sampled_from(["ad", "friend", "walk_in"]),
    "attr.vip": st.booleans(),
}
WRONG_TYPES: st.SearchStrategy[object] = st.sampled_from(["2", 3, True, None])


@st.composite
def facts(draw: st.DrawFn, *, complete: bool = False) -> Facts:
    """Facts with each value present, absent, None or (for attributes) of another type."""
    values: dict[str, object] = {}
    for name, strategy in VALUE_STRATEGIES.items():
        how = "present" if complete else draw(st.sampled_from(["present", "absent", "wrong"]))
        if how == "present":
            values[name] = draw(strategy)
        elif how == "wrong":
            values[name] = draw(WRONG_TYPES) if name.startswith("attr.") else None
    return Facts(draw(at_strategy), values)


def parse(data: object) -> Condition:
    """The parsed condition, asserting it had no findings."""
    cond, findings = parse_condition(data, vocabulary=VOCABULARY)
    assert findings == [], findings
    assert cond is not None
    return cond


@given(conditions)
def test_generated_valid_conditions_parse_cleanly(data: dict[str, object]) -> None:
    """Any condition written with known fields, operators and well-formed literals parses."""
    parse(data)


@given(conditions, st.lists(facts(), min_size=1, max_size=4))
def test_compiled_predicate_agrees_with_reference_interpreter(
    data: dict[str, object], samples: list[Facts]
) -> None:
    """The compiled closures and their trace decide exactly as a plain reading of the tree."""
    cond = parse(data)
    predicate = compile_condition(cond, SHANGHAI)
    for sample in samples:
        expected = evaluate(cond, sample, SHANGHAI)
        assert predicate(sample) is expected
        assert predicate.trace(sample).held is expected


@given(conditions, facts(complete=True))
def test_not_flips_the_result_when_every_field_is_known(
    data: dict[str, object], sample: Facts
) -> None:
    """With every field it reads present and well typed, ``not`` always inverts a condition."""
    cond = parse(data)
    negated = parse({"not": data})
    assert compile_condition(negated, SHANGHAI)(sample) is not compile_condition(cond, SHANGHAI)(
        sample
    )


@given(conditions, facts())
def test_trace_leaves_cover_every_comparison(data: dict[str, object], sample: Facts) -> None:
    """The trace reports every comparison of the condition, at the comparison's path."""
    cond = parse(data)
    leaves = compile_condition(cond, SHANGHAI).trace(sample).leaves()
    assert [leaf.path for leaf in leaves] == [n.path for n in cond.walk() if isinstance(n, Compare)]
