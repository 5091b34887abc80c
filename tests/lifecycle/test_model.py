"""The `lifecycle:` section: schema and cross-checks, each problem at its path with a hint."""

from __future__ import annotations

import pytest
from tests.builders import policy
from tests.lifecycle.builders import findings

from memberkit import PolicyError


def _messages(body: str) -> list[tuple[str, str]]:
    from memberkit._paths import format_path

    return [(format_path(f.path), f.code) for f in findings(body)]


def test_an_unknown_default_stage_suggests_the_nearest() -> None:
    """A misspelt default names the stage it probably meant."""
    (found,) = findings("stages: [{id: mature, when: {frequency: 4}}]\ndefault: matur")
    assert found.message == "unknown stage 'matur'; did you mean 'mature'?"


def test_only_the_default_stage_may_omit_its_condition() -> None:
    """A stage without `when` that is not the default could never be chosen on purpose."""
    assert _messages("stages: [{id: a}, {id: b}]\ndefault: b") == [
        ("lifecycle.stages[0].id", "missing_condition")
    ]


def test_duplicate_stage_ids_are_reported() -> None:
    """Two stages with one id are one mistake, reported at the second."""
    body = "stages: [{id: a, when: {frequency: 1}}, {id: a, when: {frequency: 2}}]"
    assert _messages(body) == [("lifecycle.stages[1].id", "duplicate_id")]


def test_an_unknown_tier_in_a_stage_condition_is_reported() -> None:
    """A tier literal the ladder does not declare is caught, with a hint."""
    (found,) = findings("stages: [{id: vip, when: {tier: glod}}]")
    assert found.message == "unknown tier 'glod'; did you mean 'gold'?"
    assert found.path == ("lifecycle", "stages", 0, "when", "tier")


def test_an_audience_stage_must_be_declared() -> None:
    """An audience that names a stage the policy lacks is caught."""
    body = "stages: [{id: dormant, when: {recency_days: {'>=': 180}}}]\n"
    body += "audiences: [{id: x, when: {stage: dormnat}}]"
    assert _messages(body) == [("lifecycle.audiences[0].when.stage", "unknown_stage")]


def test_p_alive_needs_bgnbd_parameters() -> None:
    """A stage on p_alive without lifecycle.bgnbd could never hold: an error, not a silent no."""
    assert _messages("stages: [{id: gone, when: {p_alive: {'<': 0.3}}}]") == [
        ("lifecycle.stages[0].when.p_alive.<", "missing_bgnbd")
    ]


def test_segment_scores_beyond_the_ntiles_are_reported() -> None:
    """r: 6 can never hold with five n-tiles."""
    body = "rfm: {ntiles: 5, segments: [{id: top, when: {r: 6}}]}"
    assert _messages(body) == [("lifecycle.rfm.segments[0].when.r", "out_of_range")]


def test_the_loader_locates_lifecycle_mistakes() -> None:
    """Through the loader a lifecycle problem has its line and column."""
    body = "lifecycle:\n  stages:\n    - {id: a, when: {frequncy: 2}}\n"
    with pytest.raises(PolicyError) as caught:
        policy(body)
    (issue,) = caught.value.issues
    assert (issue.line, issue.path) == (5, "lifecycle.stages[0].when.frequncy")
    assert "frequency" in issue.message


def test_a_window_needs_exactly_one_length() -> None:
    """Both days and months is ambiguous."""
    with pytest.raises(PolicyError, match="exactly one of 'days' or 'months'"):
        policy("lifecycle: {window: {days: 30, months: 1}}\n")


STAGES = "stages: [{id: won_back, when: {frequency: 9}}, {id: new, when: {frequency: 1}}, {id: mature}]\ndefault: mature\n"


def test_the_journey_order_lists_every_stage_once() -> None:
    """`order` naming every stage once is valid."""
    assert findings(STAGES + "order: [new, mature, won_back]") == []


def test_the_journey_order_must_not_leave_a_stage_out() -> None:
    """A stage left out of `order` would have no place in a report, so it is refused."""
    (found,) = findings(STAGES + "order: [new, mature]")
    assert (found.code, found.message) == (
        "incomplete_order",
        "order leaves out 'won_back'; list every stage once",
    )


def test_the_journey_order_names_known_stages_once() -> None:
    """An unknown stage gets a suggestion; a stage listed twice is reported at the second."""
    assert _messages(STAGES + "order: [new, matur, won_back, new, mature]") == [
        ("lifecycle.order[1]", "unknown_stage"),
        ("lifecycle.order[3]", "duplicate_id"),
    ]
