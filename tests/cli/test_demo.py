"""`memberkit demo`: the report on stdout, stable; timing on stderr; options honoured."""

from __future__ import annotations

import io
import json
import re

import pytest

from memberkit.cli import main
from memberkit.cli._demo import demo_workers


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["demo", *argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_the_demo_prints_a_report_and_exits_zero() -> None:
    """A small demo exits 0 and names the programme and the member count."""
    code, out, _ = _run("--members", "30")
    assert code == 0
    assert "acme-retail" in out
    assert "30 位模拟会员" in out


def test_the_report_is_the_same_on_every_run() -> None:
    """The population is seeded, so two runs print the same report."""
    assert _run("--members", "25")[1] == _run("--members", "25")[1]


def test_the_elapsed_time_goes_to_stderr_not_stdout() -> None:
    """stdout carries only the report; the timing line is on stderr."""
    _, out, err = _run("--members", "10")
    assert re.search(r"events in \d+\.\ds$", err.strip())
    assert "events in" not in out


def test_no_progress_bar_is_drawn_when_stderr_is_not_a_terminal() -> None:
    """Without a terminal, stderr has no carriage-return redraws."""
    assert "\r" not in _run("--members", "10")[2]


def test_json_output_is_one_document_with_the_counts() -> None:
    """--format json prints one JSON object whose member count is the one asked for."""
    code, out, _ = _run("--members", "12", "--format", "json")
    assert (code, json.loads(out)["members"]) == (0, 12)


def test_a_member_count_below_one_is_a_usage_error() -> None:
    """--members 0 exits 2."""
    assert _run("--members", "0")[0] == 2


def test_two_workers_print_the_report_one_prints() -> None:
    """--workers 2 replays the members in two processes; the report is byte for byte the same."""
    assert _run("--members", "40", "--workers", "2")[1] == _run("--members", "40")[1]


@pytest.mark.parametrize("workers", ["0", "-1", "two"])
def test_a_worker_count_that_is_no_count_is_a_usage_error(workers: str) -> None:
    """--workers takes a whole number of at least 1, else exits 2."""
    assert _run("--members", "5", "--workers", workers)[0] == 2


@pytest.mark.parametrize(
    ("members", "asked", "cores", "workers"),
    [
        (2000, None, 8, 4),  # one a core, each with at least 500 members
        (2000, None, 2, 2),
        (10_000, None, 2, 2),
        (499, None, 8, 1),  # too few to earn a second process
        (30, 3, 8, 3),  # as asked
        (5000, None, None, 1),  # cores unknown
    ],
)
def test_the_default_worker_count_follows_cores_and_members(
    members: int, asked: int | None, cores: int | None, workers: int
) -> None:
    """Without --workers the demo uses one process a core while each gets 500 members."""
    assert demo_workers(members, asked, cores) == workers


class _Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_progress_bar_is_drawn_on_a_terminal() -> None:
    """With a terminal on stderr the bar is redrawn in place and ends at the member count."""
    err = _Terminal()
    main(["demo", "--members", "8"], stdout=io.StringIO(), stderr=err)
    assert "\r" in err.getvalue()
    assert "8/8 members" in err.getvalue()


HEADINGS = {
    "en": (
        "Events",
        "Tiers at Dec 31, 2026",
        "Tier movements in 2026",
        "Points: points (points), 2026",
        "Benefits used in 2026",
        "Lifecycle stages at Dec 31, 2026",
        "RFM segments at Dec 31, 2026",
        "KPIs 2026",
        "Three members explained",
    ),
    "zh_Hans": (
        "事件",
        "2026年12月31日 等级分布",
        "2026 年等级变动",
        "2026 年积分：积分（points）",
        "2026 年权益使用",
        "2026年12月31日 生命周期阶段",
        "2026年12月31日 RFM 分群",
        "2026 年关键指标",
        "三位会员的说明",
    ),
    "zh_Hant": (
        "事件",
        "2026年12月31日 等級分佈",
        "2026 年等級變動",
        "2026 年積分：積分（points）",
        "2026 年權益使用",
        "2026年12月31日 生命週期階段",
        "2026年12月31日 RFM 分群",
        "2026 年關鍵指標",
        "三位會員的說明",
    ),
}


@pytest.mark.parametrize("locale", sorted(HEADINGS))
def test_the_text_report_has_a_section_per_part_in_the_locale(locale: str) -> None:
    """Every heading of the report is in the chosen locale, zh_Hans by the programme's default."""
    out = _run("--members", "40", "--locale", locale)[1]
    for heading in HEADINGS[locale]:
        assert f"\n{heading}\n" in out, heading


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_a_chinese_report_has_no_english_labels_codes_or_ids(locale: str) -> None:
    """In Chinese: no English headings or row labels, no refusal codes, benefit names not ids."""
    out = _run("--members", "60", "--locale", locale)[1]
    for english in (
        "Events",
        "Tiers at",
        "issued",
        "redeemed",
        "outstanding",
        "refused",
        "synthetic",
        "(joined)",
        "monthly active",
        "breakage",
        "purchase",
        "activity",
    ):
        assert english not in out, english
    assert "benefit.not_in_tier" not in out
    assert "points.insufficient" not in out
    assert "birthday-gift" not in out
    assert ("生日礼" if locale == "zh_Hans" else "生日禮") in out


def test_regional_chinese_reads_traditional() -> None:
    """--locale zh_TW gives the Traditional Chinese report, like zh_Hant."""
    assert _run("--members", "20", "--locale", "zh_TW")[1] == _run(
        "--members", "20", "--locale", "zh_Hant"
    )[1].replace("zh_Hant", "zh_TW")


def test_stages_are_listed_in_lifecycle_order() -> None:
    """The stages section runs new, growing, mature, dormant, churned, won back."""
    out = _run("--members", "60", "--locale", "en")[1]
    section = out.split("Lifecycle stages at Dec 31, 2026\n")[1].split("\n\n")[0]
    names = [line.split()[0] for line in section.splitlines()]
    assert names == ["New", "Growing", "Mature", "Dormant", "Churned", "Won"]


def test_the_locale_option_changes_the_explanations() -> None:
    """--locale en renders tier names and explanations in English."""
    out = _run("--members", "40", "--locale", "en")[1]
    assert "Three members explained" in out
    assert "Platinum" in out or "Gold" in out


def test_json_output_has_the_parts_sections() -> None:
    """--format json carries tiers, points, lifecycle stages, RFM segments and KPIs."""
    data = json.loads(_run("--members", "30", "--format", "json")[1])
    assert {"tiers", "points", "lifecycle_stages", "rfm_segments", "kpis", "explained"} <= set(data)


def test_an_unknown_locale_is_a_usage_error() -> None:
    """--locale xx_YY exits 2 instead of silently using the programme's locale."""
    assert _run("--members", "5", "--locale", "xx_YY")[0] == 2


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en", ("Member value (BG/NBD", "win-back list", "Holdout check:", "total", "expected □")),
        ("zh_Hant", ("會員價值（BG/NBD", "留出期檢驗", "合計", "預測 □")),
    ],
)
def test_the_report_shows_member_value_and_a_holdout_chart(
    locale: str, words: tuple[str, ...]
) -> None:
    """The printed demo has the value section (CLV, win-back list), the holdout table with its
    total row and the chart of actual (■) against expected (□) purchases, in the locale."""
    code, out, _ = _run("--members", "150", "--locale", locale)
    assert code == 0
    for word in words:
        assert word in out, word
    bars = [line for line in out.splitlines() if "│■" in line or "│□" in line]
    assert len(bars) >= 8  # a bar of each kind for each of at least four frequency buckets
