"""Policy messages a policy author can act on: honest suggestions, YAML hints, one date message."""

from __future__ import annotations

import pytest

import memberkit
from memberkit import PolicyError

# Every test here runs with libyaml's parser and the pure-Python one (tests/policy/conftest.py).
pytestmark = pytest.mark.usefixtures("yaml_parser")

HEAD = "memberkit: 1\nprogram: {id: p, currency: CNY, timezone: Asia/Shanghai, locale: zh_Hans}\n"


def messages(text: str) -> list[str]:
    """Every issue of a policy text as `line:col: path: message [code]`, without the file name."""
    with pytest.raises(PolicyError) as info:
        memberkit.parse_policy(text, source="p.yaml")
    return [str(issue).removeprefix("p.yaml:") for issue in info.value.issues]


def test_a_key_sharing_only_a_word_gets_no_misleading_suggestion() -> None:
    """`min_order` is not taken for `order` (the order lots are spent in); the allowed keys are listed."""
    text = (
        HEAD
        + "points:\n  earn:\n    - {id: base, per: 1 CNY, points: 1}\n  redeem: {min_order: 10}\n"
    )
    [message] = messages(text)
    assert "did you mean" not in message
    assert message.startswith("6:12: points.redeem.min_order: unknown key 'min_order' (allowed: ")
    assert "min_points" in message


@pytest.mark.parametrize(
    ("written", "meant"),
    [("min_ponits", "min_points"), ("minpoints", "min_points"), ("ordre", "order")],
)
def test_a_real_misspelling_still_gets_its_suggestion(written: str, meant: str) -> None:
    """Swapped, dropped or run-together letters of a key are still suggested."""
    text = (
        HEAD
        + f"points:\n  earn:\n    - {{id: base, per: 1 CNY, points: 1}}\n  redeem: {{{written}: 10}}\n"
    )
    [message] = messages(text)
    assert f"unknown key '{written}'; did you mean '{meant}'?" in message


def test_a_misindented_line_gets_a_hint_instead_of_pyyaml_text() -> None:
    """A key indented one space off says the columns must match, where, and not PyYAML's parser words."""
    text = (
        HEAD
        + "points:\n  earn:\n    - {id: base, per: 1 CNY, points: 1}\n   redeem: {points_per_unit: 100}\n"
    )
    assert messages(text) == [
        "6:4: not valid YAML: this line is indented differently from the lines above it "
        "(the block that starts on line 4); keys of one mapping, and the '- ' items of one "
        "list, must start in the same column (use spaces, not tabs) [yaml_syntax]"
    ]


def test_a_tab_is_named() -> None:
    """A tab used for indentation is named as such."""
    assert messages("memberkit: 1\nprogram:\n\tid: x\n") == [
        "3:1: not valid YAML: a tab character; indent with spaces [yaml_syntax]"
    ]


def test_a_colon_in_a_plain_value_says_to_quote_it() -> None:
    """`id: a: b` explains that a value containing ': ' needs quotes."""
    [message] = messages("memberkit: 1\nprogram:\n  id: a: b\n")
    assert "a value that contains ': ' needs quotes" in message


def test_a_bad_effective_from_is_one_plain_message() -> None:
    """A version's impossible date is said once, without pydantic's union wording."""
    text = (
        HEAD
        + "points:\n  earn:\n    - {id: base, per: 1 CNY, points: 1}\n"
        + "versions:\n  - effective_from: 2026-13-01\n    announced: 2026-01-01\n"
        + "    points:\n      earn:\n        - {id: base, per: 1 CNY, points: 2}\n"
    )
    assert messages(text) == [
        "7:21: versions[0].effective_from: '2026-13-01' is not a valid date: month value is "
        "outside expected range of 1-12; write YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS+08:00 for a "
        "moment [bad_date]"
    ]
