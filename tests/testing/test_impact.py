"""The member-level impact: counters over a streamed sample, examples capped."""

from __future__ import annotations

from tests.builders import at, policy

from memberkit.testing._collect import SampleMember, member_from_data
from memberkit.testing._impact import EXAMPLES, measure

OLD = policy("benefits:\n  - {id: lounge, quota: {count: 2, per: year}}\n")
NEW = policy("benefits:\n  - {id: lounge, quota: {count: 1, per: year}}\n")


def user(n: int, uses: int) -> SampleMember:
    """A member who joined in 2026 and used the lounge ``uses`` times in March."""
    events = [
        {"type": "benefit_use", "id": f"u{k}", "at": at(2026, 3, 1 + k), "benefit": "lounge"}
        for k in range(uses)
    ]
    return member_from_data({"id": f"m{n}", "joined": "2026-01-01", "events": events}, OLD.info.tz)


def test_members_who_used_one_visit_lose_the_lounge() -> None:
    """Only members with one use left under the old quota lose it under the new."""
    impact = measure(OLD, NEW, [user(1, 0), user(2, 1), user(3, 2)], at(2026, 4, 1))
    lounge = impact.benefits["lounge"]
    assert (impact.members, impact.changed, lounge.lost, lounge.lost_examples) == (3, 1, 1, ["m2"])


def test_examples_are_capped_but_counts_are_not() -> None:
    """Twelve losers are all counted; only the first few are kept as examples."""
    impact = measure(OLD, NEW, (user(n, 1) for n in range(12)), at(2026, 4, 1))
    lounge = impact.benefits["lounge"]
    assert (lounge.lost, len(lounge.lost_examples)) == (12, EXAMPLES)


def test_a_bare_joined_date_is_local_midnight() -> None:
    """joined as a date starts at 00:00 in the programme's timezone."""
    assert user(1, 0).joined_at == at(2026, 1, 1, 0, 0)
