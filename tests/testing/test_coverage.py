"""Rule coverage: which rules some decision pointed at, per edition of the policy."""

from __future__ import annotations

from pathlib import Path

from tests.builders import at

import memberkit
from memberkit.testing import Coverage, run_file
from memberkit.testing._coverage import exercised_paths, rule_paths

from .builders import PASSING, POLICY, write_suite


def test_rules_are_listed_by_policy_path() -> None:
    """The benefits of the policy are its rules."""
    policy = memberkit.parse_policy(POLICY)
    assert rule_paths(policy) == ("benefits[0]", "benefits[1]", "benefits[2]")


def test_a_path_inside_a_rule_covers_it() -> None:
    """benefits[0].quota covers benefits[0] but not benefits[10]."""
    rules = ("benefits[0]", "benefits[10]")
    assert Coverage.of(rules, ["benefits[0].quota"]).missed == ("benefits[10]",)


def test_scenarios_report_the_rules_never_exercised(tmp_path: Path) -> None:
    """Asking only about the gift leaves ship and lounge unexercised."""
    coverage = run_file(write_suite(tmp_path, PASSING)).coverage()
    assert coverage.missed == ("benefits[1]", "benefits[2]")
    assert round(coverage.percent, 1) == 33.3


def test_a_versions_rules_are_placed_in_that_version() -> None:
    """A reason from a later edition covers the rule written in that version."""
    policy = memberkit.parse_policy(
        POLICY
        + "versions:\n  - effective_from: 2027-01-01\n    announced: 2026-01-01\n"
        + "    benefits: [{id: gift}]\n"
    )
    reasons = memberkit.benefits.check_benefit(
        policy, memberkit.new_member("m", at(2026, 1, 1)), "gift", at(2027, 2, 1)
    ).reasons
    assert exercised_paths(policy, 1, reasons) == {"versions[0].benefits[0]"}
    assert "versions[0].benefits[0]" in rule_paths(policy)
