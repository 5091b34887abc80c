"""Member facts as every part's conditions read them: the tier field holds every tier held."""

from __future__ import annotations

from tests.builders import at, member
from tests.tiers.builders import PAID, club_member, ladder

from memberkit._facts import member_values


def test_the_tier_field_holds_the_ladder_tier_and_the_paid_tier_alongside() -> None:
    """A silver member in the paid club has both in the tier field."""
    state = club_member(ladder(PAID))
    assert member_values(state, at(2026, 3, 15), tier="silver")["tier"] == {"silver", "club"}


def test_the_tier_field_is_absent_without_any_tier() -> None:
    """No ladder tier and no paid tier: the field is unknown, not an empty set."""
    assert "tier" not in member_values(member(), at(2026, 3, 15), tier=None)


def test_a_paid_tier_alongside_alone_fills_the_tier_field() -> None:
    """Before any ladder tier is recorded, a paid tier alongside is still held."""
    state = club_member(ladder(PAID))
    assert member_values(state, at(2026, 3, 15), tier=None)["tier"] == {"club"}
