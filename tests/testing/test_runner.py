"""Running scenarios: checks at their moments, failures with expected, actual and explanation."""

from __future__ import annotations

from pathlib import Path

from memberkit.testing import run_file
from memberkit.testing._report import scenario_text, summary_line

from .builders import PASSING, WRONG, write_suite


def test_a_passing_suite_passes(tmp_path: Path) -> None:
    """Every expectation of the passing scenario holds."""
    suite = run_file(write_suite(tmp_path, PASSING))
    assert (suite.passed, suite.failed) == (1, 0)
    assert [c.passed for c in suite.scenarios[0].checks] == [True, True]


def test_a_wrong_expectation_fails_readably(tmp_path: Path) -> None:
    """The failure names the place, expected and actual, and explains the actual decision."""
    suite = run_file(write_suite(tmp_path, WRONG))
    text = scenario_text(suite.scenarios[0])
    assert text.splitlines()[1:] == [
        f"  {tmp_path}/policy_test.yaml:9:18: at 2026-03-10T23:59:59+08:00, benefit gift",
        "    expected: allowed: true",
        "    actual:   allowed: false",
        "    explanation:",
        "      gift: the only use of this period is used (1); renews on Jan 1, 2027.",
    ]


def test_a_bare_date_is_the_end_of_the_local_day(tmp_path: Path) -> None:
    """An event late on the expectation's date already counts."""
    text = PASSING.replace("2026-03-02T10:00:00+08:00", "2026-03-10T23:00:00+08:00")
    suite = run_file(write_suite(tmp_path, text))
    assert suite.passed == 1


def test_an_event_that_cannot_apply_fails_the_scenario(tmp_path: Path) -> None:
    """An event before the member joined stops the scenario with its location."""
    text = PASSING.replace("joined: 2026-01-01", "joined: 2026-04-01")
    result = run_file(write_suite(tmp_path, text)).scenarios[0]
    assert result.error is not None
    assert result.error.startswith(f"{tmp_path}/policy_test.yaml:6:9: ")
    assert "before_join" in result.error


def test_an_unknown_benefit_fails_the_check_not_the_run(tmp_path: Path) -> None:
    """Asking about a benefit the policy lacks is a failed check with the error as actual."""
    text = PASSING.replace("{id: gift, allowed: true, remaining: 1}", "{id: gfit}")
    result = run_file(write_suite(tmp_path, text)).scenarios[0]
    assert "did you mean 'gift'" in str(result.checks[0].actual["error"])


def test_entitlements_compare_the_allowed_set(tmp_path: Path) -> None:
    """Entitlements pass when exactly the listed benefits are allowed."""
    text = PASSING.replace(
        "benefit: {id: gift, allowed: true, remaining: 1}",
        "entitlements: {allowed: [lounge, gift]}",
    )
    assert run_file(write_suite(tmp_path, text)).passed == 1


def test_the_summary_line_counts_scenarios(tmp_path: Path) -> None:
    """The summary is exactly 'N passed, N failed'."""
    good = run_file(write_suite(tmp_path / "a", PASSING))
    bad = run_file(write_suite(tmp_path / "b", WRONG))
    assert summary_line([good, bad]) == "1 passed, 1 failed"


def test_explanations_follow_the_chosen_locale(tmp_path: Path) -> None:
    """With locale zh_Hans the explanation of a failure is in Chinese."""
    suite = run_file(write_suite(tmp_path, WRONG), locale="zh_Hans")
    assert "已用完" in suite.scenarios[0].checks[0].explanation


def test_an_outcome_expectation_reads_the_events_result(tmp_path: Path) -> None:
    """A second use of the yearly gift is refused, and the scenario can say so."""
    text = PASSING.replace(
        "    expect:\n",
        '      - {type: benefit_use, id: u2, at: "2026-03-03T10:00:00+08:00", benefit: gift}\n'
        "    expect:\n      - at: 2026-03-04\n"
        "        outcome: [{event: u1, refused: false}, {event: u2, refused: true, reason: benefit.quota_used}]\n",
    )
    assert run_file(write_suite(tmp_path, text)).passed == 1


def test_an_outcome_of_an_event_not_yet_applied_fails(tmp_path: Path) -> None:
    """Asking about an event dated after the expectation is a failed check."""
    text = PASSING.replace(
        "        benefit: {id: gift, allowed: true, remaining: 1}",
        "        outcome: {event: u1, refused: false}",
    )
    check = run_file(write_suite(tmp_path, text)).scenarios[0].checks[0]
    assert (check.passed, check.actual) == (
        False,
        {"error": "event 'u1' was not applied by this moment"},
    )
