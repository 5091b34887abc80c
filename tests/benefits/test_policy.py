"""The benefits section read from a policy file by the loader, with located mistakes."""

from __future__ import annotations

import pytest
from tests.benefits.builders import use
from tests.builders import at, member, policy

import memberkit
from memberkit import PolicyError
from memberkit.benefits import check_benefit


def _issues(body: str) -> list[tuple[str, str]]:
    with pytest.raises(PolicyError) as info:
        policy(body)
    return [(issue.path, issue.code) for issue in info.value.issues]


def test_a_benefits_section_loads_and_decides() -> None:
    """A YAML benefits list compiles and a use spends its monthly quota."""
    loaded = policy(
        """
benefits:
  - id: coupon-credit
    name: {zh_Hans: 购物金, en: Shopping credit}
    quota: {value: 50, per: month}
    valid: {from: "2026-01-01", until: "2026-12-31"}
"""
    )
    state, outcome = memberkit.apply(
        loaded, member(), use("u1", at(2026, 3, 1), "coupon-credit", value="50")
    )
    assert outcome.accepted
    decision = check_benefit(loaded, state, "coupon-credit", at(2026, 3, 2))
    assert [r.code for r in decision.reasons] == ["benefit.value_used"]
    assert decision.reasons[0].path == "benefits[0].quota"


def test_a_duplicate_id_is_a_located_policy_issue() -> None:
    """The loader reports the benefit cross-check at the second id."""
    assert ("benefits[1].id", "duplicate_id") in _issues(
        "benefits:\n  - {id: gift}\n  - {id: gift}\n"
    )


def test_a_mistake_in_a_single_quota_is_located_at_its_key() -> None:
    """A quota written as one mapping reports its errors under `quota`, not a list index."""
    issues = _issues("benefits:\n  - {id: gift, quota: {count: 0, per: day}}\n")
    assert [path for path, _ in issues] == ["benefits[0].quota.count"]


def test_an_unknown_condition_field_is_located_inside_when() -> None:
    """A misspelt field in `when` is reported at its own path."""
    issues = _issues("benefits:\n  - {id: gift, when: {chanel: app}}\n")
    assert issues == [("benefits[0].when.chanel", "unknown_field")]
