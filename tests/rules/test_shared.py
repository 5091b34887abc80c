"""Conditions shared within one policy: equal parts are one node, and never hide a mistake."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.policy.builders import PARSERS, yaml_parser_named
from tests.rules.builders import SHANGHAI, VOCABULARY, parsed

import memberkit
from memberkit import PolicyError
from memberkit.rules import All, Compare, compile_condition, parse_condition
from memberkit.rules._shared import shared, shared_conditions, written

HEAD = "memberkit: 1\nprogram: {id: p, currency: CNY, timezone: Asia/Shanghai, locale: zh_Hans}\n"


def _leaves(data: object) -> tuple[Compare, ...]:
    cond = parsed(data)
    assert isinstance(cond, All)
    return tuple(c for c in cond.children if isinstance(c, Compare))


def test_a_field_written_alike_in_one_load_is_one_node() -> None:
    """Within a load, `channel: [app]` in two conditions is the same node; outside, two nodes."""
    with shared_conditions():
        first = _leaves({"channel": ["app"], "amount": {">=": 100}})
        second = _leaves({"channel": ["app"], "amount": {">=": 200}})
    assert first[0] is second[0]
    assert first[1] is not second[1]
    again = _leaves({"channel": ["app"], "amount": {">=": 100}})
    assert again == first
    assert again[0] is not first[0]


def test_values_written_differently_are_not_shared() -> None:
    """`1`, `1.0` and `true` are equal in Python but are written differently, so never shared."""
    with shared_conditions():
        one = parsed({"amount": 1})
        decimal = parsed({"amount": Decimal("1.0")})
        flag = parsed({"attr.vip": True})
        number = parsed({"attr.vip": 1})
    assert isinstance(decimal, Compare)
    assert str(decimal.value) == "1.0"
    assert one is not decimal
    assert flag != number
    assert written(1) != written(True)
    assert written(Decimal("1")) != written(Decimal("1.0"))
    assert written([1]) != written((1,))


def test_a_field_in_another_place_of_its_condition_is_its_own_node() -> None:
    """The same field under `not` or `any` has another path within its condition: another node."""
    with shared_conditions():
        plain = parsed({"channel": "app"})
        negated = parsed({"not": {"channel": "app"}}).children_of()[0]
        grouped = parsed({"any": [{"channel": "app"}, {"tier": "gold"}]}).children_of()[0]
        again = parsed({"channel": "app", "tier": "gold"}).children_of()[0]
    assert (plain.path, negated.path, grouped.path) == (
        ("channel",),
        ("not", "channel"),
        ("any", 0, "channel"),
    )
    assert plain is not negated
    assert plain is not grouped
    assert plain is again


def test_a_wrong_field_reports_each_time_it_is_read() -> None:
    """A field with a mistake is not kept: a second condition with it gets its own finding."""
    with shared_conditions():
        first = parse_condition({"channel": {">=": "app"}}, vocabulary=VOCABULARY)
        second = parse_condition({"channel": {">=": "app"}}, vocabulary=VOCABULARY)
    assert first[0] is None
    assert second[0] is None
    assert first[1] == second[1] != []


def test_a_shared_node_compiles_once_per_zone() -> None:
    """The predicate of a node compiled twice in one load is the one already made."""
    with shared_conditions():
        cond = parsed({"channel": ["app"]})
        assert compile_condition(cond, SHANGHAI) is compile_condition(cond, SHANGHAI)
    assert compile_condition(cond, SHANGHAI) is not compile_condition(cond, SHANGHAI)


def test_nothing_is_shared_after_a_load() -> None:
    """The table lives only while a policy loads."""
    assert shared() is None
    memberkit.parse_policy(
        HEAD + "points:\n  earn:\n    - {id: a, points: 1, on: purchase, when: {channel: app}}\n",
        source="p.yaml",
    )
    assert shared() is None
    with shared_conditions():
        assert shared() == {}
    assert shared() is None


@pytest.mark.parametrize("parser", PARSERS)
def test_equal_wrong_conditions_report_their_own_places(parser: str) -> None:
    """Two rules with the same mistake each report it at their own line and path."""
    rule = "    - {{id: r{n}, points: 1, on: purchase, when: {{channel: app, chanel: app}}}}\n"
    text = HEAD + "points:\n  earn:\n" + rule.format(n=1) + rule.format(n=2)
    with yaml_parser_named(parser), pytest.raises(PolicyError) as info:
        memberkit.parse_policy(text, source="p.yaml")
    places = [(i.line, i.path) for i in info.value.issues]
    assert places == [
        (5, "points.earn[0].when.chanel"),
        (6, "points.earn[1].when.chanel"),
    ]


@pytest.mark.parametrize("parser", PARSERS)
def test_a_shared_condition_reading_an_unknown_figure_is_reported_per_rule(parser: str) -> None:
    """A shared valid node that names an undeclared figure is found under each rule that uses it."""
    rule = "    - {{id: r{n}, points: 1, on: purchase, when: {{channel: app, figure.x: 1}}}}\n"
    text = HEAD + "points:\n  earn:\n" + rule.format(n=1) + rule.format(n=2)
    with yaml_parser_named(parser), pytest.raises(PolicyError) as info:
        memberkit.parse_policy(text, source="p.yaml")
    places = [(i.line, i.path, i.code) for i in info.value.issues]
    assert places == [
        (5, 'points.earn[0].when["figure.x"]', "unknown_figure"),
        (6, 'points.earn[1].when["figure.x"]', "unknown_figure"),
    ]
