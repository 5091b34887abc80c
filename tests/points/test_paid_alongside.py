"""Earning for a member holding a paid tier alongside the ladder: by_tier and the tier field.

The rule: a ``by_tier`` multiplier takes the highest factor among the tiers held (ladder tier and
paid tiers alongside); a ``tier`` condition holds when any tier held matches.
"""

from __future__ import annotations

from tests.builders import at, purchase
from tests.tiers.builders import PAID, club_member, ladder

import memberkit

POLICY = ladder(
    PAID
    + """points:
  earn:
    - {id: base, per: 1 CNY, points: 1}
    - {id: tier-bonus, multiply: {by_tier: {silver: 1.2, gold: 1.5, club: 1.5}}}
    - {id: club-extra, per: 10 CNY, points: 1, when: {tier: club}}
"""
)

ORDER = purchase("o2", at(2026, 3, 15), ("l1", "general", "100"))
LATER = purchase("o3", at(2026, 4, 15), ("l1", "general", "100"))


def _by_rule(quote: memberkit.PointsQuote) -> dict[str, int]:
    return {line.rule: int(line.points) for line in quote.lines}


def test_by_tier_takes_the_highest_multiplier_among_tiers_held() -> None:
    """Silver (1.2) in the club (1.5): the bonus is 50% of the base 100, not 20%."""
    quote = memberkit.quote_points(POLICY, club_member(POLICY), ORDER)
    assert _by_rule(quote)["tier-bonus"] == 50


def test_by_tier_falls_back_to_the_ladder_tier_when_the_club_lapses() -> None:
    """After the club month the silver factor 1.2 applies again."""
    quote = memberkit.quote_points(POLICY, club_member(POLICY), LATER)
    assert _by_rule(quote)["tier-bonus"] == 20


def test_a_tier_condition_holds_for_the_paid_tier_alongside() -> None:
    """when: {tier: club} earns for a silver member while the club runs."""
    quote = memberkit.quote_points(POLICY, club_member(POLICY), ORDER)
    assert _by_rule(quote)["club-extra"] == 10


def test_a_tier_condition_on_the_paid_tier_fails_once_it_lapses() -> None:
    """After the club month the club-only rule earns nothing."""
    quote = memberkit.quote_points(POLICY, club_member(POLICY), LATER)
    assert "club-extra" not in _by_rule(quote)


def test_applying_the_purchase_books_the_same_points_as_the_quote() -> None:
    """The engine reads the tiers held at the event as the quote does."""
    state, _ = memberkit.apply(POLICY, club_member(POLICY), ORDER)
    booked = sum(e.points for e in state.points.journal if e.event_id == "o2")
    assert booked == 100 + 50 + 10
