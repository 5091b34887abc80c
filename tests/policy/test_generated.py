"""Generated policies: every valid one loads; a single planted mistake is found at its line."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.policy.builders import PARSERS, yaml_parser_named

import memberkit

CURRENCIES = ["CNY", "USD", "JPY", "HKD", "TWD", "EUR", "KWD", "SGD"]
TIMEZONES = [
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "UTC",
    "America/New_York",
    "Europe/London",
]
LOCALES = ["zh_Hans", "zh_Hant", "en", "en_US", "zh_Hant_TW", "ja"]
ids = st.text(alphabet=st.sampled_from("abcxyz019_-会员积分"), min_size=1, max_size=12)
names = st.text(alphabet=st.sampled_from("优选会員 Rewards金卡"), min_size=1, max_size=10).filter(
    lambda s: s.strip() == s and s != ""
)


@st.composite
def programs(draw: st.DrawFn) -> dict[str, object]:
    """A valid programme section, as data."""
    program: dict[str, object] = {
        "id": draw(ids),
        "currency": draw(st.sampled_from(CURRENCIES)),
        "timezone": draw(st.sampled_from(TIMEZONES)),
        "locale": draw(st.sampled_from(LOCALES)),
    }
    if draw(st.booleans()):
        program["name"] = draw(
            st.one_of(names, st.dictionaries(st.sampled_from(LOCALES), names, min_size=1))
        )
    if draw(st.booleans()):
        program["notice_days"] = draw(st.integers(0, 3650))
    if draw(st.booleans()):
        program["leap_birthday"] = draw(st.sampled_from(["feb28", "mar1"]))
    return program


def as_yaml(program: dict[str, object], *, block: bool) -> str:
    """The policy text, in block style (one key per line) or as one flow mapping."""
    if not block:
        return f"memberkit: 1\nprogram: {json.dumps(program, ensure_ascii=False)}\n"
    lines = ["memberkit: 1", "program:"]
    lines += [f"  {key}: {json.dumps(value, ensure_ascii=False)}" for key, value in program.items()]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("parser", PARSERS)
@given(programs(), st.booleans())
def test_every_generated_valid_policy_loads(
    parser: str, program: dict[str, object], block: bool
) -> None:
    """A valid programme section loads, in either YAML style and with either parser, intact."""
    with yaml_parser_named(parser):
        policy = memberkit.parse_policy(as_yaml(program, block=block), source="gen.yaml")
    info = policy.info
    assert (info.id, info.currency, info.timezone, info.locale) == (
        program["id"],
        program["currency"],
        program["timezone"],
        program["locale"],
    )
    assert info.notice_days == program.get("notice_days", 0)


@pytest.mark.parametrize("parser", PARSERS)
@given(programs(), st.sampled_from(["lcoale", "curency", "timezon", "colour"]))
def test_a_planted_unknown_key_is_reported_at_its_line(
    parser: str, program: dict[str, object], key: str
) -> None:
    """An extra key in a block-style programme is the one issue, on its line, with either parser."""
    text = as_yaml(program, block=True) + f"  {key}: 1\n"
    with yaml_parser_named(parser):
        issues = memberkit.validate_policy(text, source="gen.yaml")
    assert [(i.line, i.column, i.code) for i in issues] == [(len(program) + 3, 3, "unknown_key")]


@pytest.mark.usefixtures("yaml_parser")
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("on", "on"),
        ("yes", "yes"),
        ("no", "no"),
        ("off", "off"),
        ('"007"', "007"),
        ("1.10", "1.10"),
    ],
)
def test_yaml_11_booleans_and_quoted_numbers_stay_text(text: str, value: str) -> None:
    """`on`/`yes`/`no` are text (YAML 1.2), a quoted number is text, 1.10 keeps its digits."""
    from memberkit.policy._yaml import read_yaml

    data = read_yaml(f"k: {text}\n", "t.yaml").data
    assert str(data["k"]) == value


@pytest.mark.usefixtures("yaml_parser")
def test_a_mapping_key_is_always_text() -> None:
    """`on:` as a key stays the text 'on' (YAML 1.1 would make it True)."""
    from memberkit.policy._yaml import read_yaml

    assert list(read_yaml("on: purchase\n1: x\n", "t.yaml").data) == ["on", "1"]


@pytest.mark.usefixtures("yaml_parser")
def test_a_second_document_is_refused() -> None:
    """A policy file holds one YAML document; a second one is an error at its line."""
    issues = memberkit.validate_policy("memberkit: 1\n---\nmemberkit: 1\n", source="two.yaml")
    assert [(i.line, i.code) for i in issues] == [(2, "many_documents")]


@pytest.mark.usefixtures("yaml_parser")
@pytest.mark.parametrize(
    ("text", "where", "code"),
    [
        ("memberkit: 1\nprogram: *nowhere\n", (2, 10), "unknown_alias"),
        ("", (1, 1), "empty"),
        ("- 1\n", (1, 1), "not_a_mapping"),
        ("memberkit: 1\n{a: 1}: 2\n", (2, 1), "complex_key"),
    ],
)
def test_malformed_documents_are_located(text: str, where: tuple[int, int], code: str) -> None:
    """An unknown alias, an empty file, a list document and a mapping key each get one issue."""
    issues = memberkit.validate_policy(text, source="a.yaml")
    assert [((i.line, i.column), i.code) for i in issues] == [(where, code)]


@pytest.mark.usefixtures("yaml_parser")
def test_text_that_is_not_utf8_is_refused() -> None:
    """Bytes that are not UTF-8 are refused with a located message, not a decode traceback."""
    issues = memberkit.validate_policy(b"memberkit: 1\nid: \xff\n", source="a.yaml")
    assert [(i.line, i.column, i.code) for i in issues] == [(2, 5, "not_text")]
