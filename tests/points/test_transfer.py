"""Transfers between members, exchange with partners, and manual adjustments."""

from __future__ import annotations

import pytest
from tests.builders import at
from tests.points.builders import applied, event, member, points_policy, total

import memberkit

TRANSFER = (
    "transfer:\n  min_points: 100\n  max_per_year: 500\n  tiers: [gold, platinum]\n"
    "  partners: [{id: airline, rate: 0.5, max_per_year: 2000}]\n"
)


def _seeded(tier: str | None = "gold") -> memberkit.MemberState:
    policy = points_policy(TRANSFER)
    return applied(
        policy, member(tier), event("adjustment", "a1", at(2026, 3, 1), points=1000, reason="seed")
    )


def test_a_gold_member_may_send_points() -> None:
    """A transfer out takes the points and journals the counterparty."""
    policy = points_policy(TRANSFER)
    state = applied(
        policy,
        _seeded(),
        event("transfer", "t1", at(2026, 3, 2), direction="out", points=200, counterparty="m2"),
    )
    last = state.points.journal[-1]
    assert (last.kind, last.points, last.rule, total(state)) == ("transfer_out", -200, "m2", 800)


@pytest.mark.parametrize(
    ("tier", "points", "code"),
    [
        ("silver", 200, "points.transfer_tier"),
        ("gold", 50, "points.transfer_below_min"),
        ("gold", 600, "points.transfer_over_limit"),
    ],
)
def test_transfer_limits_refuse(tier: str, points: int, code: str) -> None:
    """A transfer by a tier not allowed, below the minimum or over the yearly limit is refused."""
    policy = points_policy(TRANSFER)
    _, outcome = memberkit.apply(
        policy,
        _seeded(tier),
        event("transfer", "t1", at(2026, 3, 2), direction="out", points=points, counterparty="m2"),
    )
    assert outcome.refused
    assert code in [r.code for r in outcome.reasons]


def test_partner_exchange_in_converts_at_the_rate() -> None:
    """1000 airline miles at 0.5 miles per point credit 2000 points."""
    policy = points_policy(TRANSFER)
    state = applied(
        policy,
        member(),
        event(
            "transfer",
            "t1",
            at(2026, 3, 2),
            direction="in",
            points=1000,
            counterparty="airline",
            partner=True,
        ),
    )
    assert total(state) == 2000


def test_a_negative_adjustment_beyond_the_balance_is_refused() -> None:
    """Staff cannot take more points than the member holds."""
    policy = points_policy(TRANSFER)
    _, outcome = memberkit.apply(
        policy, _seeded(), event("adjustment", "a2", at(2026, 3, 2), points=-5000, reason="fix")
    )
    assert [r.code for r in outcome.reasons] == ["points.insufficient"]


def test_an_unknown_currency_is_an_event_error() -> None:
    """An event naming a currency the programme lacks raises EventError with a suggestion."""
    policy = points_policy(TRANSFER)
    with pytest.raises(memberkit.EventError, match="did you mean 'points'"):
        memberkit.apply(
            policy,
            member(),
            event("adjustment", "a1", at(2026, 3, 1), points=5, currency="pointz", reason="x"),
        )
