"""Lifecycle questions read the member as time has left them: reviews due by then are carried out."""

from __future__ import annotations

from tests.builders import at, member, policy, purchase

import memberkit

POLICY = policy(
    """tiers:
  window: calendar_year
  ladder:
    - {id: basic}
    - {id: silver, qualify: {spend: 2000}}
lifecycle:
  stages:
    - {id: quiet, when: {recency_days: {">=": 180}}}
    - {id: active}
  default: active
  audiences:
    - {id: quiet-cards, when: {stage: [quiet], tier_rank: {">=": 1}}}
"""
)


def lapsed_silver() -> memberkit.MemberState:
    """Silver on 2026 spend, with no event since: the 1 January 2028 review takes silver away."""
    state = member()
    state, _ = memberkit.apply(POLICY, state, purchase("o1", at(2026, 12, 1), ("l1", "x", "2500")))
    return state


def test_the_stage_decision_reports_the_tier_after_the_reviews_due() -> None:
    """Asked in 2028, the stage decision's tier is basic, not the silver last recorded."""
    decision = memberkit.lifecycle_stage(POLICY, lapsed_silver(), at(2028, 3, 1))
    assert (decision.stage, decision.tier) == ("quiet", "basic")


def test_an_audience_of_card_holders_leaves_out_a_tier_reviewed_away() -> None:
    """A quiet member whose silver ended at the 2028 review is not a card holder any more."""
    in_2027 = memberkit.select_audience(POLICY, [lapsed_silver()], "quiet-cards", at(2027, 7, 1))
    in_2028 = memberkit.select_audience(POLICY, [lapsed_silver()], "quiet-cards", at(2028, 3, 1))
    assert [m.member_id for m in in_2027] == ["m1"]
    assert list(in_2028) == []


def test_the_kpi_tier_distribution_counts_the_tier_at_the_periods_end() -> None:
    """The 2028 distribution counts the lapsed silver member as basic."""
    kpis = memberkit.programme_kpis(POLICY, [lapsed_silver()], at(2028, 1, 1, 0), at(2028, 2, 1, 0))
    assert kpis.tiers == (("basic", 1),)
