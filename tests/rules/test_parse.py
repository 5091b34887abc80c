"""Parsing conditions: the shapes of the syntax, normalised literals and every error, pinned."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from tests.rules.builders import VOCABULARY, parsed

from memberkit._paths import Finding
from memberkit.rules import All, Any, Compare, FieldType, Not, parse_condition


def test_scalar_means_equals() -> None:
    """A field mapped to a scalar is an equality test at the field's path."""
    assert parsed({"channel": "app"}) == Compare(
        "channel", "=", "app", ("channel",), field_type=FieldType.TEXT
    )


def test_list_means_in() -> None:
    """A field mapped to a list is an ``in`` test holding the values as a tuple."""
    assert parsed({"category": ["gift_card", "tobacco"]}) == Compare(
        "category", "in", ("gift_card", "tobacco"), ("category",), field_type=FieldType.TEXT_SET
    )


def test_operator_mapping_puts_the_operator_in_the_path() -> None:
    """``{amount: {">=": 100}}`` is one comparison whose path ends at the operator."""
    assert parsed({"amount": {">=": 100}}) == Compare(
        "amount", ">=", 100, ("amount", ">="), field_type=FieldType.NUMBER
    )


def test_several_operators_are_anded() -> None:
    """Two operators on one field become an ``All`` at the field's path."""
    cond = parsed({"amount": {">=": 100, "<": Decimal("500.5")}})
    assert cond == All(
        (
            Compare("amount", ">=", 100, ("amount", ">="), field_type=FieldType.NUMBER),
            Compare("amount", "<", Decimal("500.5"), ("amount", "<"), field_type=FieldType.NUMBER),
        ),
        ("amount",),
    )


def test_several_keys_are_anded() -> None:
    """Two fields in one mapping become an ``All`` at the mapping's path."""
    cond = parsed({"channel": "app", "tier": "gold"})
    assert isinstance(cond, All)
    assert cond.path == ()
    assert [child.path for child in cond.children] == [("channel",), ("tier",)]


def test_combinators_build_their_nodes_with_paths() -> None:
    """``all``, ``any`` and ``not`` nest with each child at its list index."""
    cond = parsed({"any": [{"channel": "app"}, {"not": {"store": ["S001"]}}]})
    assert cond == Any(
        (
            Compare("channel", "=", "app", ("any", 0, "channel"), field_type=FieldType.TEXT),
            Not(
                Compare(
                    "store", "in", ("S001",), ("any", 1, "not", "store"), field_type=FieldType.TEXT
                ),
                ("any", 1, "not"),
            ),
        ),
        ("any",),
    )


def test_all_builds_an_all_node() -> None:
    """An explicit ``all`` list is an ``All`` at the ``all`` key."""
    cond = parsed({"all": [{"channel": "app"}, {"tier": "gold"}]})
    assert isinstance(cond, All)
    assert cond.path == ("all",)


@pytest.mark.parametrize(
    ("alias", "op"),
    [("eq", "="), ("ne", "!="), ("lt", "<"), ("le", "<="), ("gt", ">"), ("ge", ">="),
     ("not_in", "not in")],
)  # fmt: skip
def test_word_aliases_mean_their_operators(alias: str, op: str) -> None:
    """Each word alias stores the operator it stands for, and the path keeps the word written."""
    value: object = [1] if op == "not in" else 1
    cond = parsed({"amount": {alias: value}})
    assert isinstance(cond, Compare)
    assert (cond.op, cond.path) == (op, ("amount", alias))


@pytest.mark.parametrize(
    ("field", "written", "stored"),
    [
        ("date", "2025-11-11", date(2025, 11, 11)),
        ("datetime", "2025-11-11T20:00", datetime(2025, 11, 11, 20)),
        ("datetime", "2025-11-11 20:00:30", datetime(2025, 11, 11, 20, 0, 30)),
        (
            "datetime",
            "2025-11-11T20:00+08:00",
            datetime(2025, 11, 11, 20, tzinfo=timezone(timedelta(hours=8))),
        ),
        ("datetime", "2025-11-11T12:00Z", datetime(2025, 11, 11, 12, tzinfo=UTC)),
        ("time", "10:00", time(10)),
        ("time", "9:05:30", time(9, 5, 30)),
        ("weekday", "sat", 6),
        ("weekday", "Saturday", 6),
        ("weekday", 6, 6),
        ("month", 11, 11),
        ("month", "nov", 11),
        ("month", "November", 11),
        ("month", "11月", 11),
        ("day", 11, 11),
        ("amount", Decimal("99.90"), Decimal("99.90")),
    ],
)
def test_literals_are_normalised(field: str, written: object, stored: object) -> None:
    """Literals are stored typed: dates, datetimes, times, weekday and month numbers."""
    cond = parsed({field: {"=": written}})
    assert isinstance(cond, Compare)
    assert cond.value == stored
    assert type(cond.value) is type(stored)


@pytest.mark.parametrize(
    ("alias", "number"),
    [("mon", 1), ("tue", 2), ("wed", 3), ("thu", 4), ("fri", 5), ("sat", 6), ("sun", 7),
     ("周一", 1), ("周二", 2), ("周三", 3), ("周四", 4), ("周五", 5), ("周六", 6), ("周日", 7),
     ("周天", 7), ("星期一", 1), ("星期三", 3), ("星期六", 6), ("星期日", 7), ("星期天", 7),
     ("SUN", 7), ("Monday", 1), (7, 7)],
)  # fmt: skip
def test_weekday_aliases(alias: object, number: int) -> None:
    """Weekdays may be written in English, as ISO numbers or in Chinese; all store ISO numbers."""
    cond = parsed({"weekday": alias})
    assert isinstance(cond, Compare)
    assert cond.value == number


def test_in_list_drops_duplicate_spellings() -> None:
    """``[sat, 6, 周六]`` names one day once."""
    cond = parsed({"weekday": ["sat", 6, "周六", "sun"]})
    assert isinstance(cond, Compare)
    assert cond.value == (6, 7)


@pytest.mark.parametrize(
    ("literal", "field_type"),
    [(2, FieldType.NUMBER), (Decimal("1.5"), FieldType.NUMBER), ("vip", FieldType.TEXT),
     (True, FieldType.BOOL), (["a", "b"], FieldType.TEXT)],
)  # fmt: skip
def test_custom_attributes_take_their_type_from_the_literal(
    literal: object, field_type: FieldType
) -> None:
    """``attr.<name>`` is typed by what it is compared with."""
    cond = parsed({"attr.x": literal})
    assert isinstance(cond, Compare)
    assert cond.field_type is field_type


def test_condition_fields_and_walk() -> None:
    """``fields()`` names every field read and ``walk()`` visits every node in written order."""
    cond = parsed({"any": [{"channel": "app"}, {"not": {"amount": {">=": 1, "<": 9}}}]})
    assert cond.fields() == frozenset({"channel", "amount"})
    assert [node.path for node in cond.walk()] == [
        ("any",),
        ("any", 0, "channel"),
        ("any", 1, "not"),
        ("any", 1, "not", "amount"),
        ("any", 1, "not", "amount", ">="),
        ("any", 1, "not", "amount", "<"),
    ]


def test_paths_start_below_the_given_path() -> None:
    """Nodes and findings are placed under the caller's path."""
    base = ("points", "earn", 2, "when")
    cond, _ = parse_condition({"channel": "app"}, vocabulary=VOCABULARY, path=base)
    assert cond is not None
    assert cond.path == (*base, "channel")
    _, findings = parse_condition({"chanel": "app"}, vocabulary=VOCABULARY, path=base)
    assert [f.path for f in findings] == [(*base, "chanel")]


def test_nodes_are_immutable() -> None:
    """A parsed condition cannot be changed in place."""
    cond = parsed({"channel": "app"})
    with pytest.raises(AttributeError):
        cond.field = "store"  # type: ignore[attr-defined]


def test_extra_vocabulary_fields_are_accepted() -> None:
    """A part may extend the vocabulary with its own fields."""
    vocabulary = {**VOCABULARY, "recency_days": FieldType.NUMBER}
    cond, findings = parse_condition({"recency_days": {"<": 30}}, vocabulary=vocabulary)
    assert findings == []
    assert isinstance(cond, Compare)


GOLDEN: list[tuple[object, tuple[object, ...], str, str]] = [
    ({"chanel": "app"}, ("chanel",), "unknown field 'chanel'; did you mean 'channel'?",
     "unknown_field"),
    ({"Amount": 1}, ("Amount",), "unknown field 'Amount'; did you mean 'amount'?",
     "unknown_field"),
    ({"al": [{"channel": "app"}]}, ("al",), "unknown field 'al'; did you mean 'all'?",
     "unknown_field"),
    ({"nights": 2}, ("nights",),
     "unknown field 'nights'; custom attributes are written 'attr.nights'", "unknown_field"),
    ({"attr.": 1}, ("attr.",), "unknown field 'attr.'", "unknown_field"),
    ({True: "app"}, ("true",), "unknown field true; quote field names", "unknown_field"),
    ({"amount": {"=>": 100}}, ("amount", "=>"), "unknown operator '=>'; did you mean '>='?",
     "unknown_operator"),
    ({"amount": {"==": 100}}, ("amount", "=="), "unknown operator '=='; did you mean '='?",
     "unknown_operator"),
    ({"amount": {"gte": 100}}, ("amount", "gte"), "unknown operator 'gte'; did you mean '>='?",
     "unknown_operator"),
    ({"amount": {"betwen": [1, 2]}}, ("amount", "betwen"),
     "unknown operator 'betwen'; did you mean 'between'?", "unknown_operator"),
    ({"amount": {"contains": 1}}, ("amount", "contains"), "unknown operator 'contains'",
     "unknown_operator"),
    ({"amount": {1: 2}}, ("amount", "1"), "unknown operator 1", "unknown_operator"),
    ({"amount": "100"}, ("amount",),
     "expected a number, got '100' (write numbers without quotes)", "bad_literal"),
    ({"amount": True}, ("amount",), "expected a number, got true", "bad_literal"),
    ({"amount": Decimal("NaN")}, ("amount",), "expected a number, got NaN", "bad_literal"),
    ({"store": 1001}, ("store",),
     "expected text, got 1001 (quote codes that look like numbers: '1001')", "bad_literal"),
    ({"channel": True}, ("channel",),
     "expected text, got true (quote words like yes, no, on, off)", "bad_literal"),
    ({"channel": None}, ("channel",), "expected text, got null", "bad_literal"),
    ({"date": "2025-02-30"}, ("date",), "'2025-02-30' is not a calendar date", "bad_literal"),
    ({"date": "11/11/2025"}, ("date",), "expected a date (YYYY-MM-DD), got '11/11/2025'",
     "bad_literal"),
    ({"datetime": "2025-11-11"}, ("datetime",),
     "expected a date and time (YYYY-MM-DDTHH:MM, optionally with an offset), got "
     "'2025-11-11' (use the date field for whole days)", "bad_literal"),
    ({"datetime": "2025-11-11T25:00"}, ("datetime",),
     "expected a date and time (YYYY-MM-DDTHH:MM, optionally with an offset), got "
     "'2025-11-11T25:00' (use the date field for whole days)", "bad_literal"),
    ({"time": "25:00"}, ("time",), "'25:00' is not a time of day", "bad_literal"),
    ({"time": "noon"}, ("time",), "expected a time (HH:MM or HH:MM:SS), got 'noon'",
     "bad_literal"),
    ({"time": {"between": [600, "14:00"]}}, ("time", "between", 0),
     "expected a time (HH:MM or HH:MM:SS), got 600 (quote times: '10:00')", "bad_literal"),
    ({"weekday": "caturday"}, ("weekday",),
     "expected a weekday (mon..sun, 1..7, 周一..周日), got 'caturday'", "bad_literal"),
    ({"weekday": [6, 8]}, ("weekday", 1),
     "expected a weekday (mon..sun, 1..7, 周一..周日), got 8", "bad_literal"),
    ({"month": 13}, ("month",), "expected a month (1..12 or jan..dec), got 13", "bad_literal"),
    ({"attr.vip": {"=": None}}, ("attr.vip", "="),
     "expected a number, text or true/false, got null", "bad_literal"),
    ({"attr.nights": [1, "two"]}, ("attr.nights", 1), "expected a number, got 'two'",
     "bad_literal"),
    ({"amount": {"in": 100}}, ("amount", "in"), "'in' needs a list of values, got 100",
     "bad_literal"),
    ({"amount": {"=": [1, 2]}}, ("amount", "="), "'=' needs a single value; use 'in' for a list",
     "bad_literal"),
    ({"amount": {"!=": [1, 2]}}, ("amount", "!="),
     "'!=' needs a single value; use 'not in' for a list", "bad_literal"),
    ({"amount": {">=": [1, 2]}}, ("amount", ">="), "'>=' needs a single value", "bad_literal"),
    ({"amount": {"between": [100]}}, ("amount", "between"),
     "'between' needs two values [low, high], got a list", "bad_between"),
    ({"amount": {"between": "100-200"}}, ("amount", "between"),
     "'between' needs two values [low, high], got '100-200'", "bad_between"),
    ({"amount": {"between": [500, 100]}}, ("amount", "between"),
     "'between' low end 500 is after high end 100", "bad_between"),
    ({"time": {"between": ["22:00", "02:00"]}}, ("time", "between"),
     "'between' low end '22:00' is after high end '02:00'", "bad_between"),
    ({"datetime": {"between": ["2025-11-11T00:00", "2025-11-12T00:00+08:00"]}},
     ("datetime", "between"), "'between' needs both ends with an offset or both without",
     "bad_between"),
    ({"category": []}, ("category",), "'in' needs at least one value", "empty_list"),
    ({"category": {"not in": []}}, ("category", "not in"), "'not in' needs at least one value",
     "empty_list"),
    ({"attr.x": []}, ("attr.x",), "'in' needs at least one value", "empty_list"),
    ({"any": []}, ("any",), "'any' needs at least one condition", "empty_list"),
    ({"channel": {">=": "a"}}, ("channel", ">="),
     "'>=' does not apply to text; use =, !=, in or not in", "operator_type"),
    ({"tags": {"between": ["a", "b"]}}, ("tags", "between"),
     "'between' does not apply to a set of text; use =, !=, in or not in", "operator_type"),
    ({"attr.vip": {"<": True}}, ("attr.vip", "<"),
     "'<' does not apply to true/false; use =, !=, in or not in", "operator_type"),
    ({"attr.source": {"gt": "web"}}, ("attr.source", "gt"),
     "'>' does not apply to text; use =, !=, in or not in", "operator_type"),
    ("channel", (), "expected a condition (a mapping of fields to values), got 'channel'",
     "not_a_condition"),
    (None, (), "expected a condition (a mapping of fields to values), got null",
     "not_a_condition"),
    ({"any": [{"channel": "app"}, "web"]}, ("any", 1),
     "expected a condition (a mapping of fields to values), got 'web'", "not_a_condition"),
    ({"all": {"channel": "app"}}, ("all",), "'all' needs a list of conditions, got a mapping",
     "not_a_condition"),
    ({"not": [{"channel": "app"}]}, ("not",),
     "'not' takes one condition, not a list; wrap several in all or any", "not_a_condition"),
    ({}, (), "a condition needs at least one field or all/any/not", "empty_condition"),
    ({"amount": {}}, ("amount",), "'amount' needs a value or {operator: value}",
     "empty_condition"),
    ({"any": [{"channel": "app"}, {"amount": {">=": "x"}}]}, ("any", 1, "amount", ">="),
     "expected a number, got 'x'", "bad_literal"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "path", "message", "code"), GOLDEN)
def test_golden_errors(data: object, path: tuple[object, ...], message: str, code: str) -> None:
    """Each mistake yields one finding with exactly this message, code and path, and no tree."""
    cond, findings = parse_condition(data, vocabulary=VOCABULARY)
    assert findings == [Finding(path, message, code)]  # type: ignore[arg-type]
    assert cond is None


def test_every_problem_is_collected() -> None:
    """Parsing goes on past the first problem and reports each one in the order written."""
    data = {
        "chanel": "app",
        "amount": {">=": "1", "=>": 2},
        "any": [{"weekday": "x"}, {"not": {"tags": {"<": "a"}}}],
    }
    _, findings = parse_condition(data, vocabulary=VOCABULARY)
    assert [(f.path, f.code) for f in findings] == [
        (("chanel",), "unknown_field"),
        (("amount", ">="), "bad_literal"),
        (("amount", "=>"), "unknown_operator"),
        (("any", 0, "weekday"), "bad_literal"),
        (("any", 1, "not", "tags", "<"), "operator_type"),
    ]


def test_operators_of_an_unknown_field_are_still_checked() -> None:
    """An unknown field does not hide a mistyped operator under it."""
    _, findings = parse_condition({"amout": {"=>": 1}}, vocabulary=VOCABULARY)
    assert [f.code for f in findings] == ["unknown_field", "unknown_operator"]


def test_attributes_can_be_refused() -> None:
    """With ``attributes=False``, ``attr.<name>`` is an unknown field."""
    _, findings = parse_condition({"attr.nights": 2}, vocabulary=VOCABULARY, attributes=False)
    assert findings == [
        Finding(
            ("attr.nights",),
            "custom attributes such as 'attr.nights' are not available here",
            "unknown_field",
        )
    ]


def test_unknown_field_without_attributes_gets_no_attribute_hint() -> None:
    """Where attributes are refused, an unknown word is not steered towards ``attr.``."""
    _, findings = parse_condition({"nights": 2}, vocabulary=VOCABULARY, attributes=False)
    assert [f.message for f in findings] == ["unknown field 'nights'"]


def test_field_outside_the_vocabulary_is_unknown() -> None:
    """A member field is unknown to a vocabulary of event fields only."""
    from memberkit.rules import EVENT_FIELDS

    _, findings = parse_condition({"tier": "gold"}, vocabulary=EVENT_FIELDS)
    assert [f.code for f in findings] == ["unknown_field"]


@pytest.mark.parametrize(
    ("condition", "path"),
    [
        ({"birthday": "days"}, ("birthday",)),
        ({"birthday": "7d"}, ("birthday",)),
        ({"birthday": ["month", "yr"]}, ("birthday", 1)),
        ({"birthday": {"!=": "months"}}, ("birthday", "!=")),
    ],
)
def test_a_birthday_window_outside_day_week_month_is_refused(
    condition: dict[str, object], path: tuple[object, ...]
) -> None:
    """birthday takes day, week or month: any other word could never hold, so it is an error."""
    cond, findings = parse_condition(condition, vocabulary={"birthday": FieldType.TEXT_SET})
    assert cond is None
    (finding,) = findings
    assert finding.path == path
    assert finding.code == "unknown_value"
    assert "write one of day, week, month" in finding.message


def test_the_birthday_windows_parse() -> None:
    """day, week and month are the birthday windows a condition may test."""
    cond, findings = parse_condition(
        {"birthday": ["day", "week", "month"]}, vocabulary={"birthday": FieldType.TEXT_SET}
    )
    assert findings == []
    assert cond is not None
