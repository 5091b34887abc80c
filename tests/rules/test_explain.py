"""Explaining a condition: the deciding clauses, as reasons rendered in three languages."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from tests.rules.builders import NOON, SHANGHAI, parsed

from memberkit import LocalizedText, Reason
from memberkit.i18n import render
from memberkit.rules import Facts, clause_reason, compile_condition, culprits, field_label


def blame(data: object, values: dict[str, object], *, at: datetime = NOON) -> list[Reason]:
    """The clause reasons for a condition that must hold but does not."""
    predicate = compile_condition(parsed(data), SHANGHAI)
    trace = predicate.trace(Facts(at, values))
    return [clause_reason(leaf, wanted, "p") for leaf, wanted in culprits(trace, True)]


def test_only_the_failing_clause_of_an_all_is_blamed() -> None:
    """In `all`, the clause that held is not mentioned."""
    reasons = blame({"channel": "app", "amount": {">=": 100}}, {"channel": "app", "amount": 50})
    assert [r.code for r in reasons] == ["rule.ge"]
    assert (reasons[0].params["expected"], reasons[0].params["actual"]) == (100, 50)


def test_every_failing_branch_of_an_any_is_blamed() -> None:
    """In `any`, each alternative that failed is a reason."""
    reasons = blame(
        {"any": [{"channel": "app"}, {"store": "s1"}]}, {"channel": "web", "store": "s2"}
    )
    assert [r.code for r in reasons] == ["rule.eq", "rule.eq"]


@pytest.mark.parametrize(
    ("data", "values", "code"),
    [
        ({"not": {"channel": "app"}}, {"channel": "app"}, "rule.ne"),
        (
            {"not": {"category": ["gift_card"]}},
            {"category": frozenset({"gift_card"})},
            "rule.not_in",
        ),
        ({"not": {"amount": {"<": 10}}}, {"amount": 5}, "rule.ge"),
        ({"not": {"amount": {"between": [1, 10]}}}, {"amount": 5}, "rule.not_between"),
        ({"not": {"not": {"channel": "app"}}}, {"channel": "web"}, "rule.eq"),
    ],
)
def test_a_clause_under_not_is_explained_as_its_negation(
    data: object, values: dict[str, object], code: str
) -> None:
    """What had to be false is said as what must not hold."""
    assert [r.code for r in blame(data, values)] == [code]


def test_a_missing_value_is_unknown_not_a_mismatch() -> None:
    """A clause whose field was not given says the field is unknown."""
    (reason,) = blame({"channel": "app"}, {})
    assert reason.code == "rule.unknown"
    assert render(reason, "zh_Hans") == "渠道未知"


def test_weekdays_are_named_in_the_locale() -> None:
    """An ISO weekday number is shown as the weekday's name."""
    (reason,) = blame({"weekday": "mon"}, {})  # NOON is a Saturday
    assert render(reason, "zh_Hans") == "星期须为 星期一（当前为 星期六）"
    assert render(reason, "en") == "day of the week must be Monday (it is Saturday)"


def test_tier_ids_are_shown_by_their_names() -> None:
    """Given the programme's tier names, a tier clause names tiers, not ids."""
    predicate = compile_condition(parsed({"tier": ["gold", "platinum"]}), SHANGHAI)
    trace = predicate.trace(Facts(NOON, {"tier": "silver"}))
    names = {
        t: LocalizedText({"zh_Hans": z, "en": e}, "zh_Hans")
        for t, z, e in [
            ("silver", "银卡", "Silver"),
            ("gold", "金卡", "Gold"),
            ("platinum", "白金", "Platinum"),
        ]
    }
    ((leaf, wanted),) = culprits(trace, True)
    reason = clause_reason(leaf, wanted, "p", tier_names=names)
    assert render(reason, "zh_Hans") == "会员等级须为 金卡或白金（当前为 银卡）"
    assert render(reason, "en") == "tier must be Gold or Platinum (it is Silver)"


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("zh_Hans", "仅限生日当月"),
        ("zh_Hant", "僅限生日當月"),
        ("en", "only in the birthday month"),
    ],
)
def test_a_birthday_window_reads_as_a_sentence(locale: str, text: str) -> None:
    """`birthday: month` outside the month says it is for the birthday month only."""
    (reason,) = blame({"birthday": "month"}, {"birthday": frozenset()})
    assert reason.code == "rule.birthday"
    assert render(reason, locale) == text


def test_a_between_clause_shows_a_range() -> None:
    """`between` renders its two ends as a range."""
    (reason,) = blame({"amount": {"between": [100, 200]}}, {"amount": Decimal("50")})
    assert render(reason, "en") == "amount must be between 100–200 (it is 50)"


def test_a_custom_attribute_is_called_by_its_own_name() -> None:
    """attr.nights is shown as 'nights' in every locale."""
    assert field_label("attr.nights").get("zh_Hans") == "nights"
    assert field_label("channel").get("zh_Hant") == "通路"


def test_a_combinator_given_as_a_clause_is_reported_as_unmet() -> None:
    """clause_reason on an all/any node (no single field to name) says the condition is unmet."""
    predicate = compile_condition(parsed({"any": [{"channel": "app"}]}), SHANGHAI)
    trace = predicate.trace(Facts(NOON, {"channel": "web"}))
    reason = clause_reason(trace, True, "p")
    assert reason.code == "rule.unmet"
    assert render(reason, "en") == "the condition is not met"
