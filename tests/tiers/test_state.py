"""The tier part of the state as other parts read it: the ladder tier and paid tiers alongside."""

from __future__ import annotations

from tests.builders import at
from tests.tiers.builders import PAID, club_member, grant, ladder

import memberkit


def test_tiers_at_holds_the_ladder_tier_and_the_paid_tier_alongside() -> None:
    """While the club month runs, a silver member holds both silver and club."""
    state = club_member(ladder(PAID))
    assert state.tiers.tiers_at(at(2026, 3, 15)) == {"silver", "club"}


def test_tier_at_stays_the_ladder_tier_while_a_paid_tier_runs_alongside() -> None:
    """The alongside tier never takes the ladder tier's place."""
    state = club_member(ladder(PAID))
    assert state.tiers.tier_at(at(2026, 3, 15)) == "silver"
    assert state.tiers.current == "silver"


def test_the_paid_tier_alongside_starts_at_its_start() -> None:
    """Before the purchase only the ladder tier is held."""
    state = club_member(ladder(PAID))
    assert state.tiers.tiers_at(at(2026, 2, 28)) == {"silver"}


def test_the_paid_tier_alongside_lapses_at_the_end_of_its_period() -> None:
    """A one-month club bought at noon on 1 March is held until noon on 1 April, not after."""
    state = club_member(ladder(PAID))
    assert "club" in state.tiers.tiers_at(at(2026, 4, 1, 11, 59, 59))
    assert state.tiers.tiers_at(at(2026, 4, 1, 12)) == {"silver"}


def test_a_paid_tier_above_the_ladder_is_not_held_alongside() -> None:
    """A plus membership replaces the ladder tier in force, so tiers_at holds it alone."""
    p = ladder(PAID)
    state = memberkit.replay(
        p,
        club_member(p),
        (grant("plus1", at(2026, 5, 1), "plus", reason="paid"),),
        as_of=at(2026, 5, 2),
    )
    assert state.tiers.alongside_at(at(2026, 5, 2)) == frozenset()
    assert state.tiers.tiers_at(at(2026, 5, 2)) == {"plus"}


def test_the_alongside_flag_survives_the_json_round_trip() -> None:
    """A stored state still knows which paid tier runs alongside."""
    state = club_member(ladder(PAID))
    again = memberkit.state_from_json(memberkit.state_to_json(state))
    assert again.tiers.tiers_at(at(2026, 3, 15)) == {"silver", "club"}
