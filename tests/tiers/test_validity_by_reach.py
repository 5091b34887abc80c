"""A tier's term by how it was reached: ``validity`` after an upgrade, ``validity_after_review``
after a review keeps it (figures worked by hand in each row)."""

from __future__ import annotations

from datetime import date

import pytest
from tests.builders import at, member, policy, purchase

import memberkit
from memberkit import Policy, PolicyError

LADDER = """
tiers:
  window: calendar_year
  ladder:
    - {id: basic}
    - id: gold
      qualify: {spend: 8000}
      retain: {spend: 6000}
      validity: rest_of_year_plus_next
%s  review: validity_end
"""


def ladder(after_review: str | None) -> Policy:
    """Gold on 8,000 (kept on 6,000) held to the end of next year; ``after_review`` if given."""
    extra = f"      validity_after_review: {after_review}\n" if after_review else ""
    return policy(LADDER % extra)


@pytest.mark.parametrize(
    ("after_review", "kept_through"),
    [
        # No key: the review at 1 Jan 2028 holds gold as an upgrade in 2027 would, to the end
        # of 2028.
        (None, date(2028, 12, 31)),
        # 12 more months from the review day, 1 Jan 2028: through 31 Dec 2028.
        ("{months_from_upgrade: 12}", date(2028, 12, 31)),
        # 6 more months from 1 Jan 2028: through 30 Jun 2028.
        ("{months_from_upgrade: 6}", date(2028, 6, 30)),
        # To 31 Mar of the year after the window that kept it (2027 + 1).
        ('{until: "03-31"}', date(2028, 3, 31)),
    ],
)
def test_the_term_after_a_retention_review_follows_validity_after_review(
    after_review: str | None, kept_through: date
) -> None:
    """Upgraded 1 Mar 2026 (held through 2027); 6,000 spent in 2027 keeps gold on 1 Jan 2028."""
    p = ladder(after_review)
    events = [
        purchase("p1", at(2026, 3, 1), ("l1", "general", "8000")),
        purchase("p2", at(2027, 5, 1), ("l1", "general", "6000")),
    ]
    state = memberkit.replay(p, member(), events, as_of=at(2028, 1, 2))
    first = memberkit.replay(p, member(), events[:1])
    upgraded = memberkit.tier_of(p, first, at(2026, 3, 2))
    # rest_of_year_plus_next from 1 Mar 2026: through 31 Dec 2027, whatever the key says.
    assert (upgraded.tier, upgraded.reached_by, upgraded.valid_through) == (
        "gold",
        "earned",
        date(2027, 12, 31),
    )
    kept = memberkit.tier_of(p, state, at(2028, 1, 2))
    assert (kept.tier, kept.reached_by, kept.valid_through) == ("gold", "retained", kept_through)


def test_an_opening_tier_kept_at_its_end_is_held_for_the_term_after_review() -> None:
    """Gold through 31 Mar 2027, kept on 6,000 in 2026, is held 12 more months: to 31 Mar 2028."""
    p = ladder("{months_from_upgrade: 12}")
    events = [
        memberkit.parse_event(
            {
                "type": "opening",
                "id": "o1",
                "at": at(2026, 7, 1, 0, 0),
                "tier": "gold",
                "through": "2027-03-31",
                "figures": {"spend": "6000"},
            }
        )
    ]
    state = memberkit.replay(p, member(joined=at(2026, 7, 1, 0, 0)), events, as_of=at(2027, 4, 2))
    kept = memberkit.tier_of(p, state, at(2027, 4, 2))
    assert (kept.tier, kept.reached_by, kept.valid_through) == (
        "gold",
        "retained",
        date(2028, 3, 31),
    )


def test_validity_after_review_is_a_validity() -> None:
    """A misspelt term is refused with the shapes a validity takes."""
    with pytest.raises(PolicyError) as info:
        ladder("{months_from_review: 12}")
    assert "validity_after_review" in str(info.value)


def test_a_term_the_last_full_year_earned_to_this_day_is_not_kept_again() -> None:
    """Gold reached on 1 Jun 2026 is held to 28 Feb 2027 (2026's term); at that end 2027 holds
    10 and 2026 earned no more than the term ending: gold ends, it is not held for ever."""
    p = policy(
        """
tiers:
  window: calendar_year
  review: validity_end
  ladder:
    - {id: basic}
    - id: gold
      qualify: {spend: 1000}
      validity: {until: "02-28", years: 1}
"""
    )
    events = [
        purchase("p1", at(2026, 1, 10), ("l1", "general", "600")),
        purchase("p2", at(2026, 6, 1), ("l1", "general", "600")),
        purchase("p3", at(2027, 2, 20), ("l1", "general", "10")),
    ]
    state = memberkit.replay(p, member(), events, as_of=at(2028, 3, 2))
    assert memberkit.tier_of(p, state, at(2027, 2, 28)).tier == "gold"
    assert memberkit.tier_of(p, state, at(2027, 3, 2)).tier == "basic"
    assert memberkit.tier_of(p, state, at(2028, 3, 2)).tier == "basic"
