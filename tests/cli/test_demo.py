"""`memberkit demo`: the report on stdout, stable; timing on stderr; options honoured."""

from __future__ import annotations

import io
import json
import re

from memberkit.cli import main


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["demo", *argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_the_demo_prints_a_report_and_exits_zero() -> None:
    """A small demo exits 0 and names the programme and the member count."""
    code, out, _ = _run("--members", "30")
    assert code == 0
    assert "acme-retail" in out
    assert "30 synthetic members" in out


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


def test_the_text_report_has_a_section_per_part() -> None:
    """The retail report shows tiers, points, benefits, lifecycle, RFM, KPIs and members."""
    out = _run("--members", "40")[1]
    for heading in (
        "Tiers at",
        "Tier movements in",
        "Points: 积分 (points)",
        "Benefits used in",
        "Lifecycle stages at",
        "RFM segments at",
        "KPIs 2026",
        "Three members explained (zh_Hans)",
    ):
        assert heading in out, heading


def test_the_locale_option_changes_the_explanations() -> None:
    """--locale en renders tier names and explanations in English."""
    out = _run("--members", "40", "--locale", "en")[1]
    assert "Three members explained (en)" in out
    assert "Platinum" in out or "Gold" in out


def test_json_output_has_the_parts_sections() -> None:
    """--format json carries tiers, points, lifecycle stages, RFM segments and KPIs."""
    data = json.loads(_run("--members", "30", "--format", "json")[1])
    assert {"tiers", "points", "lifecycle_stages", "rfm_segments", "kpis", "explained"} <= set(data)


def test_an_unknown_locale_is_a_usage_error() -> None:
    """--locale xx_YY exits 2 instead of silently using the programme's locale."""
    assert _run("--members", "5", "--locale", "xx_YY")[0] == 2
