"""Locales as people write them: regional names read the right script, unknown ones are flagged."""

from __future__ import annotations

import warnings

import pytest

from memberkit import Reason
from memberkit._reasons import LocalizedText
from memberkit.i18n import UnknownLocaleWarning, locale_chain, render, shipped_locale

DUPLICATE = Reason.of("event.duplicate", event_id="e1")
HANS = "事件 e1 已处理过，本次未做任何变更。"
HANT = "事件 e1 已處理過，本次未做任何變更。"
EN = "Event e1 was already applied; nothing changed."


@pytest.mark.parametrize(
    ("asked", "shipped"),
    [
        ("zh_TW", "zh_Hant"),
        ("zh_HK", "zh_Hant"),
        ("zh-Hant-HK", "zh_Hant"),
        ("zh_MO", "zh_Hant"),
        ("zh_CN", "zh_Hans"),
        ("zh_SG", "zh_Hans"),
        ("zh", "zh_Hans"),
        ("en_US", "en"),
        ("en_GB", "en"),
        ("en_US.UTF-8", "en"),
        ("zh_Hant", "zh_Hant"),
        ("fr", None),
        ("ja_JP", None),
    ],
)
def test_a_regional_locale_reads_the_shipped_texts_of_its_script(
    asked: str, shipped: str | None
) -> None:
    """zh_TW and zh_HK read Traditional Chinese, zh_CN and zh Simplified, en_US English."""
    assert shipped_locale(asked) == shipped


@pytest.mark.parametrize(("asked", "text"), [("zh_TW", HANT), ("zh_CN", HANS), ("en_US", EN)])
def test_a_reason_renders_in_the_script_of_the_region(asked: str, text: str) -> None:
    """A reason asked for in zh_TW is Traditional Chinese, not the programme's Simplified."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert render(DUPLICATE, asked, default_locale="zh_Hans") == text


def test_a_name_given_per_script_is_read_by_region() -> None:
    """A tier name given in zh_Hans and zh_Hant is shown in zh_Hant for zh_TW."""
    name = LocalizedText({"zh_Hans": "金卡会员", "zh_Hant": "金卡會員", "en": "Gold"}, "zh_Hans")
    assert [name.get(x) for x in ("zh_TW", "zh_HK", "zh_CN", "en_US", "fr")] == [
        "金卡會員",
        "金卡會員",
        "金卡会员",
        "Gold",
        "金卡会员",
    ]


def test_an_unknown_locale_warns_and_names_the_fallback() -> None:
    """A locale with no shipped text is not a silent fallback: a warning names it and the text shown."""
    with pytest.warns(UnknownLocaleWarning, match=r"'de_DE'.*showing 'zh_Hans'"):
        assert render(DUPLICATE, "de_DE", default_locale="zh_Hans") == HANS


def test_the_chain_goes_from_most_to_least_specific() -> None:
    """zh_TW is looked up as zh_Hant_TW, then zh_Hant, then zh_TW, then zh."""
    assert locale_chain("zh_TW") == ("zh_Hant_TW", "zh_Hant", "zh_TW", "zh")
