"""The synthetic population: deterministic, time-ordered, and shaped like a retail year."""

from __future__ import annotations

from tests.builders import SHANGHAI

from memberkit.demo import synthetic_members


def _population(count: int = 60) -> list[object]:
    return list(synthetic_members(count, year=2026, tz=SHANGHAI))


def test_the_same_seed_gives_the_same_members() -> None:
    """Two runs with the same seed produce identical members and events."""
    assert _population() == _population()


def test_another_seed_gives_other_members() -> None:
    """A different seed changes the population."""
    first = list(synthetic_members(20, year=2026, tz=SHANGHAI, seed=1))
    second = list(synthetic_members(20, year=2026, tz=SHANGHAI, seed=2))
    assert first != second


def test_each_members_events_are_in_time_order() -> None:
    """Every member's events are sorted by time, as the engine requires."""
    for member in synthetic_members(100, year=2026, tz=SHANGHAI):
        times = [e.at for e in member.events]
        assert times == sorted(times)


def test_the_population_has_the_activities_a_retail_year_has() -> None:
    """Purchases, refunds, sign-ups, referrals, check-ins, reviews and redemptions all occur."""
    kinds = {
        getattr(e, "kind", e.type)
        for m in synthetic_members(300, year=2026, tz=SHANGHAI)
        for e in m.events
    }
    assert {
        "purchase",
        "refund",
        "signup",
        "referral",
        "checkin",
        "review",
        "redemption",
    } <= kinds


def test_double_eleven_draws_purchases() -> None:
    """More purchases fall on 11 November than on an ordinary day."""
    days: dict[tuple[int, int], int] = {}
    for member in synthetic_members(300, year=2026, tz=SHANGHAI):
        for event in member.events:
            if event.type == "purchase":
                local = event.at.astimezone(SHANGHAI)
                days[(local.month, local.day)] = days.get((local.month, local.day), 0) + 1
    assert days[(11, 11)] > 5 * (sum(days.values()) / len(days))
