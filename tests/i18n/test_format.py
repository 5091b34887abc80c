"""Parameters are formatted for the locale: money, numbers, dates, names, lists and plurals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from memberkit import LocalizedText, Money, Reason
from memberkit.i18n import format_value, render
from memberkit.i18n._render import _fill


@pytest.mark.parametrize(
    ("value", "locale", "text"),
    [
        (Money(Decimal("1200"), "CNY"), "zh_Hans", "¥1,200.00"),
        (Money(Decimal("1200"), "CNY"), "en", "CN¥1,200.00"),
        (Money(Decimal("1200"), "JPY"), "en", "¥1,200"),
        (1200, "zh_Hans", "1,200"),
        (Decimal("0.85"), "en", "0.85"),
        (date(2026, 12, 31), "zh_Hans", "2026年12月31日"),
        (date(2026, 12, 31), "zh_Hant", "2026年12月31日"),
        (date(2026, 12, 31), "en", "Dec 31, 2026"),
        (LocalizedText({"zh_Hans": "金卡", "en": "Gold"}, "zh_Hans"), "en", "Gold"),
        (LocalizedText({"zh_Hans": "金卡", "en": "Gold"}, "zh_Hans"), "zh_Hant", "金卡"),
        (("a", "b", "c"), "en", "a, b, and c"),
        (("a", "b"), "zh_Hans", "a和b"),
    ],
)
def test_values_are_formatted_for_the_locale(value: object, locale: str, text: str) -> None:
    """Each kind of parameter reads the way the locale writes it."""
    assert format_value(value, locale) == text


@pytest.mark.parametrize(("n", "text"), [(1, "1 use left"), (2, "2 uses left"), (0, "0 uses left")])
def test_plural_pairs_follow_the_count(n: int, text: str) -> None:
    """{n|use|uses} picks the singular word only for exactly one."""
    assert _fill("{n} {n|use|uses} left", {"n": n}, "en") == text


def test_a_placeholder_without_its_parameter_is_left_visible() -> None:
    """A template naming a parameter the reason lacks keeps the placeholder rather than failing."""
    assert _fill("{missing} x", {}, "en") == "{missing} x"


def test_a_reason_inside_a_reason_renders_in_place() -> None:
    """A nested reason (one way among several) is rendered, and {x|or} joins with 'or'."""
    from memberkit import Reason
    from memberkit.i18n import render

    ways = (
        Reason.of(
            "tier.path", needs=(Reason.of("tier.need_spend", amount=Money(Decimal(5), "CNY")),)
        ),
        Reason.of("tier.path", needs=(Reason.of("tier.need_orders", count=1),)),
    )
    reason = Reason.of("tier.progress", tier=LocalizedText({"en": "Gold"}), paths=ways)
    assert render(reason, "en") == "To reach Gold: spend CN¥5.00 more or place 1 more order."


@pytest.mark.parametrize(
    ("rate", "zhe", "off"),
    [("0.9", "9", "10%"), ("0.95", "95", "5%"), ("0.85", "85", "15%"), ("0.875", "87.5", "12.5%")],
)
def test_a_discount_rate_reads_as_zhe_and_as_percent_off(rate: str, zhe: str, off: str) -> None:
    """0.9 is 九折 (9) in Chinese and 10% off in English."""
    assert format_value(Decimal(rate), "zh_Hans", style="zhe") == zhe
    assert format_value(Decimal(rate), "en", style="off") == off


def test_an_empty_list_reads_as_a_dash() -> None:
    """Nothing to list is shown as a dash rather than as nothing."""
    assert format_value((), "en") == "—"


def test_a_moment_can_be_shown_as_its_day() -> None:
    """{since|date} shows the calendar day of the moment on its own clock."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    moment = datetime(2028, 1, 1, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert format_value(moment, "zh_Hant", style="date") == "2028年1月1日"
    assert format_value(moment, "en", style="date") == "Jan 1, 2028"


@pytest.mark.parametrize(
    ("limit", "text"),
    [
        (1, "Gift: the only use of this period is used (1); renews on Jan 1, 2027."),
        (3, "Gift: all 3 uses of this period are used (3); renews on Jan 1, 2027."),
    ],
)
def test_a_used_up_quota_agrees_with_its_count(limit: int, text: str) -> None:
    """One use reads 'the only use ... is used', never 'all 1 use ... are used'."""
    reason = Reason.of(
        "benefit.quota_used",
        name=LocalizedText({"en": "Gift"}),
        limit=limit,
        used=limit,
        resets=date(2027, 1, 1),
    )
    assert render(reason, "en") == text


@pytest.mark.parametrize(("points", "text"), [(1, "Base: +1 point."), (2, "Base: +2 points.")])
def test_a_currency_name_agrees_with_the_points(points: int, text: str) -> None:
    """'+1 point', not '+1 points': the currency's own English name follows the count."""
    reason = Reason.of(
        "points.earned",
        rule=LocalizedText({"en": "Base"}),
        points=points,
        currency=LocalizedText({"en": "points"}),
    )
    assert render(reason, "en") == text
