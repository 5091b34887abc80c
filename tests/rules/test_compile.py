"""Evaluating compiled conditions: every operator on every type, sets, missing values, time."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from tests.rules.builders import NOON, SHANGHAI, holds, local, parsed

from memberkit.rules import TRUE, All, Facts, Trace, compile_condition

# Each row: condition, values, expected. NOON is Saturday 15 Nov 2025, 12:00 in Shanghai.
OPERATOR_TABLE: list[tuple[object, dict[str, object], bool]] = [
    # NUMBER
    ({"amount": 100}, {"amount": Decimal("100.00")}, True),
    ({"amount": 100}, {"amount": Decimal("100.01")}, False),
    ({"amount": {"!=": 100}}, {"amount": 99}, True),
    ({"amount": {"!=": 100}}, {"amount": 100}, False),
    ({"amount": {"<": 100}}, {"amount": Decimal("99.99")}, True),
    ({"amount": {"<": 100}}, {"amount": 100}, False),
    ({"amount": {"<=": 100}}, {"amount": 100}, True),
    ({"amount": {"<=": 100}}, {"amount": Decimal("100.01")}, False),
    ({"amount": {">": 100}}, {"amount": Decimal("100.01")}, True),
    ({"amount": {">": 100}}, {"amount": 100}, False),
    ({"amount": {">=": 100}}, {"amount": 100}, True),
    ({"amount": {">=": 100}}, {"amount": Decimal("99.99")}, False),
    ({"amount": {">=": Decimal("0.3")}}, {"amount": Decimal("0.1") + Decimal("0.2")}, True),
    ({"quantity": [1, 2]}, {"quantity": 2}, True),
    ({"quantity": [1, 2]}, {"quantity": 3}, False),
    ({"quantity": {"not in": [1, 2]}}, {"quantity": 3}, True),
    ({"quantity": {"not in": [1, 2]}}, {"quantity": 1}, False),
    ({"amount": {"between": [100, 200]}}, {"amount": 150}, True),
    ({"amount": {"between": [100, 200]}}, {"amount": Decimal("200.01")}, False),
    # TEXT
    ({"channel": "app"}, {"channel": "app"}, True),
    ({"channel": "app"}, {"channel": "App"}, False),
    ({"channel": {"!=": "app"}}, {"channel": "web"}, True),
    ({"channel": {"!=": "app"}}, {"channel": "app"}, False),
    ({"channel": ["app", "web"]}, {"channel": "web"}, True),
    ({"channel": ["app", "web"]}, {"channel": "store"}, False),
    ({"channel": {"not in": ["app", "web"]}}, {"channel": "store"}, True),
    ({"channel": {"not in": ["app", "web"]}}, {"channel": "app"}, False),
    # TEXT_SET
    ({"category": "food"}, {"category": frozenset({"food", "toys"})}, True),
    ({"category": "food"}, {"category": frozenset({"toys"})}, False),
    ({"category": {"!=": "food"}}, {"category": frozenset({"toys"})}, True),
    ({"category": {"!=": "food"}}, {"category": frozenset({"food"})}, False),
    ({"category": ["gift_card", "tobacco"]}, {"category": frozenset({"food", "tobacco"})}, True),
    ({"category": ["gift_card", "tobacco"]}, {"category": frozenset({"food"})}, False),
    ({"category": {"not in": ["gift_card"]}}, {"category": frozenset({"food"})}, True),
    (
        {"category": {"not in": ["gift_card"]}},
        {"category": frozenset({"food", "gift_card"})},
        False,
    ),
    ({"tags": "x"}, {"tags": ("y", "x")}, True),
    ({"tags": "x"}, {"tags": "x"}, True),
    ({"tags": "x"}, {"tags": "xy"}, False),
    ({"tags": ["x"]}, {"tags": "x"}, True),
    ({"tags": {"not in": ["x"]}}, {"tags": "xy"}, True),
    # BOOL (custom attribute)
    ({"attr.vip": True}, {"attr.vip": True}, True),
    ({"attr.vip": True}, {"attr.vip": False}, False),
    ({"attr.vip": {"!=": True}}, {"attr.vip": False}, True),
    ({"attr.vip": [True]}, {"attr.vip": True}, True),
    ({"attr.vip": {"not in": [True]}}, {"attr.vip": False}, True),
    # custom attributes typed by the literal
    ({"attr.nights": {">=": 2}}, {"attr.nights": 2}, True),
    ({"attr.nights": {">=": 2}}, {"attr.nights": Decimal("1.5")}, False),
    ({"attr.nights": {"between": [1, 3]}}, {"attr.nights": 3}, True),
    ({"attr.source": ["ad", "friend"]}, {"attr.source": "friend"}, True),
    ({"attr.source": {"!=": "ad"}}, {"attr.source": "friend"}, True),
    # MEMBER fields
    ({"tier": ["gold", "platinum"]}, {"tier": "gold"}, True),
    # tier holds the ladder tier and any paid tier alongside it
    ({"tier": "club"}, {"tier": frozenset({"silver", "club"})}, True),
    ({"tier": "gold"}, {"tier": frozenset({"silver", "club"})}, False),
    ({"tier": ["gold", "club"]}, {"tier": frozenset({"silver", "club"})}, True),
    ({"tier": {"!=": "club"}}, {"tier": frozenset({"silver", "club"})}, False),
    ({"tier": {"not in": ["gold"]}}, {"tier": frozenset({"silver", "club"})}, True),
    ({"birthday": "month"}, {"birthday": frozenset({"month", "week"})}, True),
    ({"birthday": "day"}, {"birthday": frozenset({"month"})}, False),
    ({"days_since_join": {"<": 30}}, {"days_since_join": 29}, True),
    ({"days_since_join": {"<": 30}}, {"days_since_join": 30}, False),
]


@pytest.mark.parametrize(("data", "values", "expected"), OPERATOR_TABLE)
def test_operator_table(data: object, values: dict[str, object], expected: bool) -> None:
    """Each operator on each value type decides as the table says."""
    assert holds(data, values) is expected


# Saturday 15 Nov 2025, 12:00:30 in Shanghai.
TIME_TABLE: list[tuple[object, bool]] = [
    ({"date": "2025-11-15"}, True),
    ({"date": {"!=": "2025-11-15"}}, False),
    ({"date": {"<": "2025-11-16"}}, True),
    ({"date": {"<=": "2025-11-14"}}, False),
    ({"date": {">": "2025-11-14"}}, True),
    ({"date": {">=": "2025-11-16"}}, False),
    ({"date": ["2025-11-11", "2025-11-15"]}, True),
    ({"date": {"not in": ["2025-11-11"]}}, True),
    ({"date": {"between": ["2025-11-01", "2025-11-15"]}}, True),
    ({"date": {"between": ["2025-11-01", "2025-11-14"]}}, False),
    ({"datetime": "2025-11-15T12:00:30"}, True),
    ({"datetime": {"!=": "2025-11-15T12:00:30"}}, False),
    ({"datetime": {"<": "2025-11-15T12:00:31"}}, True),
    ({"datetime": {"<=": "2025-11-15T12:00:29"}}, False),
    ({"datetime": {">": "2025-11-15T12:00"}}, True),
    ({"datetime": {">=": "2025-11-15T12:01"}}, False),
    ({"datetime": ["2025-11-15T12:00:30"]}, True),
    ({"datetime": {"not in": ["2025-11-15T04:00:30Z"]}}, False),
    ({"datetime": {"between": ["2025-11-15T12:00", "2025-11-15T12:00:30"]}}, True),
    ({"weekday": "sat"}, True),
    ({"weekday": {"!=": 6}}, False),
    ({"weekday": {"<": "sun"}}, True),
    ({"weekday": {"<=": "fri"}}, False),
    ({"weekday": {">": "fri"}}, True),
    ({"weekday": {">=": "sun"}}, False),
    ({"weekday": ["sat", "sun"]}, True),
    ({"weekday": {"not in": ["sat", "sun"]}}, False),
    ({"weekday": {"between": ["mon", "fri"]}}, False),
    ({"time": "12:00:30"}, True),
    ({"time": {"!=": "12:00"}}, True),
    ({"time": {"<": "12:00"}}, False),
    ({"time": {"<=": "12:00:30"}}, True),
    ({"time": {">": "12:00"}}, True),
    ({"time": {">=": "12:01"}}, False),
    ({"time": ["12:00:30", "18:00"]}, True),
    ({"time": {"not in": ["12:00"]}}, True),
    ({"time": {"between": ["10:00", "14:00"]}}, True),
    ({"month": 11}, True),
    ({"month": {"!=": "nov"}}, False),
    ({"month": {"<": 12}}, True),
    ({"month": {"<=": 10}}, False),
    ({"month": {">": "oct"}}, True),
    ({"month": {">=": "dec"}}, False),
    ({"month": ["11月", "12月"]}, True),
    ({"month": {"not in": [11]}}, False),
    ({"month": {"between": [10, 12]}}, True),
    ({"day": 15}, True),
    ({"day": {"between": [1, 14]}}, False),
]


@pytest.mark.parametrize(("data", "expected"), TIME_TABLE)
def test_time_field_table(data: object, expected: bool) -> None:
    """Time fields are read from the moment and each operator decides as the table says."""
    assert holds(data, at=local(2025, 11, 15, 12, 0, 30)) is expected


@pytest.mark.parametrize("alias", ["sat", "saturday", "Sat", 6, "周六", "星期六", "礼拜六"])
def test_weekday_aliases_match_saturday(alias: object) -> None:
    """Every spelling of Saturday holds on a Saturday and not on the Sunday after."""
    assert holds({"weekday": alias}, at=local(2025, 11, 15))
    assert not holds({"weekday": alias}, at=local(2025, 11, 16))


@pytest.mark.parametrize("alias", ["sun", "周日", "周天", "星期日", "星期天", 7])
def test_sunday_is_seven(alias: object) -> None:
    """Sunday is ISO day 7, however it is written."""
    assert holds({"weekday": alias}, at=local(2025, 11, 16))


@pytest.mark.parametrize(
    ("data", "inside", "outside"),
    [
        ({"amount": {"between": [100, 200]}}, [100, 200, Decimal("150.5")],
         [Decimal("99.99"), Decimal("200.01")]),
        ({"quantity": {"between": [2, 2]}}, [2], [1, 3]),
    ],
)  # fmt: skip
def test_number_between_includes_both_ends(
    data: object, inside: list[object], outside: list[object]
) -> None:
    """``between`` holds at both ends and fails just beyond them."""
    field = next(iter(data))  # type: ignore[call-overload]
    assert all(holds(data, {field: value}) for value in inside)
    assert not any(holds(data, {field: value}) for value in outside)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (local(2025, 11, 1, 0, 0), True),
        (local(2025, 11, 11, 23, 59, 59), True),
        (local(2025, 10, 31, 23, 59, 59), False),
        (local(2025, 11, 12, 0, 0), False),
    ],
)
def test_date_between_includes_both_whole_days(at: datetime, expected: bool) -> None:
    """``date: {between: [1 Nov, 11 Nov]}`` covers the first and last day entirely."""
    assert holds({"date": {"between": ["2025-11-01", "2025-11-11"]}}, at=at) is expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (local(2025, 11, 15, 10, 0, 0), True),
        (local(2025, 11, 15, 14, 0, 0), True),
        (local(2025, 11, 15, 14, 0, 0).replace(microsecond=500_000), True),
        (local(2025, 11, 15, 9, 59, 59), False),
        (local(2025, 11, 15, 14, 0, 1), False),
    ],
)
def test_time_between_includes_both_ends_to_the_second(at: datetime, expected: bool) -> None:
    """``time: {between: ["10:00", "14:00"]}`` holds from 10:00:00 to 14:00:00 inclusive."""
    assert holds({"time": {"between": ["10:00", "14:00"]}}, at=at) is expected


MISSING = [
    {"amount": 100},
    {"amount": {"!=": 100}},
    {"amount": {"<": 100}},
    {"amount": {">=": 100}},
    {"amount": {"between": [1, 2]}},
    {"channel": "app"},
    {"channel": {"!=": "app"}},
    {"channel": ["app"]},
    {"channel": {"not in": ["app"]}},
    {"category": "food"},
    {"category": {"!=": "food"}},
    {"category": {"not in": ["food"]}},
    {"attr.nights": {"!=": 2}},
    {"attr.vip": {"!=": True}},
]


@pytest.mark.parametrize("data", MISSING)
@pytest.mark.parametrize("values", [{}, {"amount": None, "channel": None, "category": None,
                                         "attr.nights": None, "attr.vip": None}])  # fmt: skip
def test_missing_value_makes_every_comparison_false(
    data: object, values: dict[str, object]
) -> None:
    """An absent or None value is unknown, and unknown is not evidence: even != and not in fail."""
    assert holds(data, values) is False


def test_not_of_a_missing_comparison_holds() -> None:
    """``not`` negates the comparison's result, so it holds when the value is unknown."""
    assert holds({"not": {"channel": "app"}}, {}) is True


@pytest.mark.parametrize(
    ("data", "value"),
    [
        ({"attr.nights": {">=": 2}}, "3"),
        ({"attr.nights": {"!=": 2}}, True),
        ({"attr.nights": {"<": 2}}, Decimal("NaN")),
        ({"attr.vip": True}, 1),
        ({"attr.vip": {"!=": True}}, "no"),
        ({"attr.source": {"!=": "ad"}}, 7),
    ],
)
def test_attribute_of_another_type_is_unknown(data: object, value: object) -> None:
    """A custom attribute whose value is not of the literal's type makes the comparison false."""
    key = next(iter(data))  # type: ignore[call-overload]
    assert holds(data, {key: value}) is False


def test_set_field_supplied_as_a_list_works() -> None:
    """A set-valued field may arrive as any collection of strings."""
    assert holds({"category": ["a", "b"]}, {"category": ["c", "b"]})


# Around midnight in Shanghai (UTC+8): 2025-11-11 00:30 local is 2025-11-10 16:30 UTC.
JUST_AFTER_MIDNIGHT = local(2025, 11, 11, 0, 30)


def test_datetime_without_offset_is_programme_local_wall_time() -> None:
    """A datetime written without an offset is read on the programme's wall clock."""
    cond = {"datetime": {">=": "2025-11-11T00:00"}}
    assert holds(cond, at=JUST_AFTER_MIDNIGHT)
    assert not holds(cond, at=local(2025, 11, 10, 23, 59, 59))


def test_datetime_with_offset_is_an_instant() -> None:
    """A datetime written with an offset compares as an instant, whatever the local date."""
    cond = {"datetime": {">=": "2025-11-11T00:00Z"}}
    assert not holds(cond, at=JUST_AFTER_MIDNIGHT)
    assert holds(cond, at=local(2025, 11, 11, 8, 0))


def test_offset_plus_eight_matches_shanghai_wall_time() -> None:
    """``+08:00`` and no offset agree in Shanghai."""
    assert holds({"datetime": "2025-11-11T00:30+08:00"}, at=JUST_AFTER_MIDNIGHT)
    assert holds({"datetime": "2025-11-11T00:30"}, at=JUST_AFTER_MIDNIGHT)


def test_naive_datetime_uses_the_compile_timezone() -> None:
    """The same naive literal names a different instant for a programme in another zone."""
    cond = parsed({"datetime": {">=": "2025-11-11T00:00"}})
    moment = datetime(2025, 11, 10, 17, 0, tzinfo=ZoneInfo("UTC"))  # 01:00 in Shanghai
    assert compile_condition(cond, SHANGHAI)(Facts(moment.astimezone(SHANGHAI)))
    london = ZoneInfo("Europe/London")
    assert not compile_condition(cond, london)(Facts(moment.astimezone(london)))


def test_date_field_is_the_local_date_after_midnight() -> None:
    """Just after midnight in Shanghai the date is already the new day (UTC still has yesterday)."""
    assert holds({"date": "2025-11-11", "weekday": "tue"}, at=JUST_AFTER_MIDNIGHT)


def test_time_fields_ignore_supplied_values() -> None:
    """Time fields are computed from the moment; a supplied value of the same name is ignored."""
    assert holds({"date": "2025-11-15"}, {"date": "2025-01-01"})


def test_true_always_holds() -> None:
    """TRUE, the predicate for "no condition", holds for any facts and traces as held."""
    assert TRUE(Facts(NOON))
    assert TRUE.trace(Facts(NOON)).held
    assert TRUE.condition == All(())


def test_facts_refuse_a_naive_moment() -> None:
    """Facts need a timezone-aware moment; the time fields would otherwise be guesses."""
    with pytest.raises(ValueError, match="timezone-aware"):
        Facts(datetime(2025, 11, 11, 12, 0))


def test_predicate_keeps_its_condition() -> None:
    """A predicate exposes the condition it was compiled from."""
    cond = parsed({"channel": "app"})
    assert compile_condition(cond, SHANGHAI).condition is cond


def test_trace_records_every_clause() -> None:
    """A trace mirrors the condition, with what each comparison expected and found."""
    cond = parsed(
        {"any": [{"channel": "app"}, {"not": {"store": ["S001"]}}], "amount": {">=": 100}}
    )
    trace = compile_condition(cond, SHANGHAI).trace(
        Facts(NOON, {"channel": "web", "store": "S001", "amount": Decimal("120")})
    )
    assert trace == Trace(
        (), False, "all", None, None, None,
        (
            Trace(("any",), False, "any", None, None, None, (
                Trace(("any", 0, "channel"), False, "=", "channel", "app", "web"),
                Trace(("any", 1, "not"), False, "not", None, None, None, (
                    Trace(("any", 1, "not", "store"), True, "in", "store", ("S001",), "S001"),
                )),
            )),
            Trace(("amount", ">="), True, ">=", "amount", 100, Decimal("120")),
        ),
    )  # fmt: skip


def test_trace_shows_missing_as_none() -> None:
    """A missing value appears in the trace as actual=None, and the clause failed."""
    trace = compile_condition(parsed({"channel": {"!=": "app"}}), SHANGHAI).trace(Facts(NOON))
    assert (trace.held, trace.actual, trace.expected) == (False, None, "app")


def test_trace_leaves_lists_comparisons_in_order() -> None:
    """``Trace.leaves`` flattens a trace to its comparisons, in the order written."""
    cond = parsed({"all": [{"channel": "app"}, {"not": {"tier": "gold"}}]})
    trace = compile_condition(cond, SHANGHAI).trace(Facts(NOON, {"channel": "app"}))
    assert [(leaf.field, leaf.held) for leaf in trace.leaves()] == [
        ("channel", True),
        ("tier", False),
    ]


def test_trace_of_datetime_shows_the_localised_literal() -> None:
    """A naive datetime literal is shown in the trace with the programme's zone attached."""
    trace = compile_condition(parsed({"datetime": {"<": "2025-11-11T00:00"}}), SHANGHAI).trace(
        Facts(NOON)
    )
    assert trace.expected == local(2025, 11, 11, 0, 0)
