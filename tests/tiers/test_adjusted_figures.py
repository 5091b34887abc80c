"""Adjustments in a points measure: counted as points earned on their day when the measure says
``counts_adjustments``, and only then (figures worked by hand per test)."""

from __future__ import annotations

import pytest
from tests.builders import at, member, policy

import memberkit
from memberkit import Policy, PolicyError

LADDER = """
points:
  currencies:
    - {id: status, name: {zh_Hans: 定级积分, en: status points}, spendable: false}
  earn:
    - {id: base, per: 10 CNY, points: 1, currency: status}
  pending: immediate
tiers:
  measures:
    qp: {of: points, currency: status%s}
  window: calendar_year
  ladder:
    - {id: blue}
    - {id: gold, qualify: {qp: 5000}}
"""


def ladder(counts: bool) -> Policy:
    """Gold on 5,000 status points in the calendar year; adjustments counted if ``counts``."""
    return policy(LADDER % (", counts_adjustments: true" if counts else ""))


def adjustment(event_id: str, points: int, month: int) -> memberkit.Adjustment:
    """Status points booked by staff on the 1st of ``month`` 2026."""
    return memberkit.Adjustment(
        id=event_id,
        at=at(2026, month, 1),
        points=points,
        currency="status",
        reason="flight missing from the record",
    )


@pytest.mark.parametrize(("counts", "tier"), [(True, "gold"), (False, "blue")])
def test_a_credit_counts_only_when_the_measure_says_so(counts: bool, tier: str) -> None:
    """5,000 credited on 1 Mar: gold at once when adjustments count; the balance either way."""
    p = ladder(counts)
    state = memberkit.replay(p, member(), [adjustment("a1", 5000, 3)])
    assert memberkit.tier_of(p, state, at(2026, 3, 2)).tier == tier
    assert memberkit.balance(p, state, at(2026, 3, 2), currency="status").available == 5000


def test_a_debit_lowers_the_figure_and_the_review_reads_it() -> None:
    """6,000 credited in March, 1,500 taken back in June: 4,500 in 2026, so gold (reached in
    March at 6,000) is not kept at the review on 1 Jan 2027."""
    p = ladder(True)
    events = [adjustment("a1", 6000, 3), adjustment("a2", -1500, 6)]
    state = memberkit.replay(p, member(), events, as_of=at(2027, 1, 2))
    assert memberkit.tier_of(p, state, at(2026, 12, 31)).tier == "gold"
    assert memberkit.tier_of(p, state, at(2026, 12, 31)).figures["qp"] == 4500
    assert memberkit.tier_of(p, state, at(2027, 1, 2)).tier == "blue"


def test_an_adjustment_counts_in_the_window_holding_its_day() -> None:
    """Credited on 1 Dec 2026, 3,000 counts in 2026 and none of it in 2027."""
    p = ladder(True)
    state = memberkit.replay(p, member(), [adjustment("a1", 3000, 12)], as_of=at(2027, 1, 2))
    assert memberkit.tier_of(p, state, at(2026, 12, 2)).figures["qp"] == 3000
    assert memberkit.tier_of(p, state, at(2027, 1, 2)).figures["qp"] == 0


def test_counts_adjustments_applies_to_points_measures_only() -> None:
    """On a spend measure the key is refused, saying what to write instead."""
    with pytest.raises(PolicyError) as caught:
        policy(
            "tiers:\n  measures:\n    online: {of: spend, counts_adjustments: true}\n"
            "  ladder:\n    - {id: blue}\n"
        )
    (issue,) = caught.value.issues
    assert issue.path == "tiers.measures.online"
    assert "applies to points measures only" in issue.message
    assert "opening event's 'figures'" in issue.message
