"""Benefits of a paid tier held alongside the ladder (a paid club next to the spend ladder)."""

from __future__ import annotations

from decimal import Decimal

from tests.builders import at
from tests.tiers.builders import PAID, club_member, ladder

import memberkit
from memberkit.benefits import check_benefit, entitlements

POLICY = ladder(
    PAID
    + """benefits:
  - {id: club-lounge, tiers: [club]}
  - {id: gold-desk, tiers: [gold, platinum]}
  - id: discount
    value: {by_tier: {silver: 0.95, gold: 0.9, club: 0.8}}
  - id: club-rate
    tiers: [gold, club]
    value: {by_tier: {gold: 0.9, club: 0.85}}
  - id: club-gift
    tiers: [club]
    quota: {count: 1, per: month}
"""
)


def test_a_benefit_of_the_paid_tier_alongside_is_allowed() -> None:
    """A silver member in the paid club may use a benefit that lists only the club."""
    decision = check_benefit(POLICY, club_member(POLICY), "club-lounge", at(2026, 3, 15))
    assert decision.allowed


def test_the_benefit_of_the_paid_tier_ends_with_the_paid_period() -> None:
    """Once the club month lapses, the club's benefit is refused as not in tier."""
    decision = check_benefit(POLICY, club_member(POLICY), "club-lounge", at(2026, 4, 15))
    assert not decision.allowed
    assert [r.code for r in decision.reasons] == ["benefit.not_in_tier"]


def test_the_paid_tier_alongside_does_not_lend_other_ladder_benefits() -> None:
    """The club does not make a silver member gold: the gold desk stays refused."""
    decision = check_benefit(POLICY, club_member(POLICY), "gold-desk", at(2026, 3, 15))
    assert not decision.allowed


def test_the_ladder_tier_value_comes_before_the_paid_tier_value() -> None:
    """by_tier lists both silver and club: the ladder tier's value (0.95) is the one given."""
    decision = check_benefit(POLICY, club_member(POLICY), "discount", at(2026, 3, 15))
    assert decision.value == Decimal("0.95")


def test_the_paid_tier_value_applies_when_the_ladder_tier_has_none() -> None:
    """Silver has no club-rate value; the club held alongside gives 0.85."""
    decision = check_benefit(POLICY, club_member(POLICY), "club-rate", at(2026, 3, 15))
    assert decision.allowed
    assert decision.value == Decimal("0.85")


def test_entitlements_list_the_paid_tier_benefit_as_allowed() -> None:
    """entitlements reads the same tiers as check_benefit."""
    found = entitlements(POLICY, club_member(POLICY), at(2026, 3, 15))
    allowed = {item.benefit_id for item in found.items if item.allowed}
    assert "club-lounge" in allowed
    assert "gold-desk" not in allowed


def test_a_use_of_the_paid_tier_benefit_is_recorded() -> None:
    """A benefit_use event for a club benefit is accepted while the club runs."""
    use = memberkit.parse_event(
        {"type": "benefit_use", "id": "u1", "at": at(2026, 3, 20), "benefit": "club-gift"}
    )
    state, outcome = memberkit.apply(POLICY, club_member(POLICY), use)
    assert outcome.accepted
    assert len(state.benefits.uses) == 1
