"""Period names in sentences come from the catalogue of each locale; periods follow the local clock."""

from __future__ import annotations

import pytest
from tests.builders import activity, at, purchase
from tests.points.builders import member, points_policy

import memberkit
from memberkit.i18n import render
from memberkit.points._periods import cap_span, period_name


@pytest.mark.parametrize(
    ("per", "locale", "text"),
    [
        ("day", "zh_Hans", "签到：已达日上限，仅得 0（原应得 5）。"),
        ("week", "zh_Hans", "签到：已达周上限，仅得 0（原应得 5）。"),
        ("month", "zh_Hans", "签到：已达月上限，仅得 0（原应得 5）。"),
        ("year", "zh_Hant", "签到：已達年上限，僅得 0（原應得 5）。"),
        ("lifetime", "zh_Hant", "签到：已達終身上限，僅得 0（原應得 5）。"),
        ("month", "en", "签到: capped at 0 (would have earned 5; month cap)."),
    ],
)
def test_a_cap_names_its_period_in_the_reader_s_language(per: str, locale: str, text: str) -> None:
    """The capped reason renders the period from the catalogue, never the policy keyword."""
    policy = points_policy(
        f"earn:\n  - {{id: c, name: 签到, on: checkin, points: 5, cap: {{count: 1, per: {per}}}}}\n"
    )
    state, _ = memberkit.apply(policy, member(), activity("a1", at(2026, 3, 2), "checkin"))
    _, outcome = memberkit.apply(policy, state, activity("a2", at(2026, 3, 2, 13), "checkin"))
    capped = [r for r in outcome.reasons if r.code == "points.capped"]
    assert [render(r, locale) for r in capped] == [text]


@pytest.mark.parametrize("per", ["day", "week", "month", "year"])
def test_a_first_order_rule_never_shows_an_english_period_in_chinese(per: str) -> None:
    """ "Only the first order in the month" reads 本月 in zh_Hans, with no English word."""
    policy = points_policy(
        "earn:\n"
        "  - {id: base, per: 1 CNY, points: 1}\n"
        f"  - {{id: first, name: 首单, first_in: {per}, multiply: 2}}\n"
    )
    state, _ = memberkit.apply(policy, member(), purchase("o1", at(2026, 3, 2)))
    quote = memberkit.quote_points(policy, state, purchase("o2", at(2026, 3, 2, 13)))
    text = quote.explain("zh_Hans")
    assert "首单：仅限本" in text
    assert per not in text


def test_every_period_name_has_text_in_every_locale() -> None:
    """Each period renders to a word of its own in each shipped locale."""
    pers = ("day", "week", "month", "year", "lifetime")
    for locale in ("en", "zh_Hans", "zh_Hant"):
        names = [render(period_name(p), locale) for p in pers]
        assert len(set(names)) == len(pers)
        assert not any(n.startswith("points.") for n in names)


@pytest.mark.parametrize(
    ("per", "start", "end"),
    [
        ("day", at(2026, 12, 31, 0, 0), at(2027, 1, 1, 0, 0)),
        ("week", at(2026, 12, 28, 0, 0), at(2027, 1, 4, 0, 0)),
        ("month", at(2026, 12, 1, 0, 0), at(2027, 1, 1, 0, 0)),
        ("year", at(2026, 1, 1, 0, 0), at(2027, 1, 1, 0, 0)),
    ],
)
def test_the_period_of_31_december_23_59(per: str, start: object, end: object) -> None:
    """The local period holding 31 Dec 2026 23:59 Shanghai; the ISO week runs into January."""
    assert cap_span(per, at(2026, 12, 31, 23, 59)) == (start, end)
