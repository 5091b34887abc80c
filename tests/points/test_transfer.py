"""Transfers between members, exchange with partners, and manual adjustments."""

from __future__ import annotations

from datetime import datetime

import pytest
from tests.builders import at
from tests.points.builders import applied, event, findings, member, points_policy, total

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


RECEIVING = (
    "transfer:\n  max_per_year: 500\n  max_in_per_year: 300\n  receive_tiers: [gold, platinum]\n"
    "  partners:\n"
    "    - {id: air, rate: 2, max_per_year: 1000, max_in_per_year: 400, min_points: 50}\n"
    "    - {id: hotel, rate: 1, directions: out}\n"
)


def _received(
    points: int, when: datetime | None = None, counterparty: str = "m2"
) -> memberkit.Event:
    moment = when or at(2026, 3, 2)
    return event(
        "transfer",
        f"in-{counterparty}-{moment:%Y%m%d%H%M}",
        moment,
        direction="in",
        points=points,
        counterparty=counterparty,
    )


@pytest.mark.parametrize(
    ("tier", "points", "codes"),
    [
        ("gold", 300, []),
        ("gold", 301, ["points.transfer_over_limit"]),
        ("silver", 100, ["points.receive_tier"]),
        (None, 400, ["points.transfer_over_limit", "points.receive_tier"]),
    ],
)
def test_the_receiver_s_yearly_limit_and_tier_bind_incoming_transfers(
    tier: str | None, points: int, codes: list[str]
) -> None:
    """A member receives at most 300 a year from members, and only in gold or platinum."""
    policy = points_policy(RECEIVING)
    _, outcome = memberkit.apply(policy, member(tier), _received(points))
    assert [r.code for r in outcome.reasons if outcome.refused] == codes


def test_the_sender_s_limit_does_not_bind_what_a_member_receives() -> None:
    """Without max_in_per_year, 600 points may be received although senders may send 500."""
    policy = points_policy("transfer: {max_per_year: 500}\n")
    state = applied(policy, member(), _received(600))
    assert total(state) == 600


@pytest.mark.parametrize(
    ("first", "second", "accepted"),
    [
        (at(2026, 12, 31, 23, 59), at(2027, 1, 1, 0, 1), True),
        (at(2026, 12, 31, 0, 1), at(2026, 12, 31, 23, 59), False),
    ],
)
def test_the_incoming_limit_renews_on_1_january_in_shanghai(
    first: datetime, second: datetime, accepted: bool
) -> None:
    """200 received on 31 Dec and 200 more a minute after midnight fit two yearly limits of 300."""
    policy = points_policy(RECEIVING)
    state = applied(policy, member("gold"), _received(200, first))
    _, outcome = memberkit.apply(policy, state, _received(200, second, "m3"))
    assert outcome.accepted is accepted


def test_an_over_limit_refusal_names_the_direction_in_chinese() -> None:
    """The refusal says 转入 (received), with the limit and what was used."""
    policy = points_policy(RECEIVING)
    state = applied(policy, member("gold"), _received(250))
    _, outcome = memberkit.apply(policy, state, _received(100, at(2026, 3, 3), "m3"))
    assert outcome.explain("zh_Hans") == "超出每年转入 300 积分的上限（已转入 250，本次 100）。"


def _exchange(direction: str, points: int, partner: str = "air", n: int = 1) -> memberkit.Event:
    return event(
        "transfer",
        f"x-{direction}-{n}",
        at(2026, 3, 2 + n),
        direction=direction,
        points=points,
        counterparty=partner,
        partner=True,
    )


@pytest.mark.parametrize(
    ("steps", "codes"),
    [
        # 800 partner points in make 400 of ours: the incoming limit is reached exactly.
        ([("in", 800)], []),
        ([("in", 802)], ["points.transfer_over_limit"]),
        # Out and in are limited on their own: 400 in does not use the 1000 out.
        ([("in", 800), ("out", 1000)], []),
        ([("in", 800), ("out", 1001)], ["points.transfer_over_limit"]),
        ([("out", 40)], ["points.exchange_below_min"]),
        ([("in", 60)], ["points.exchange_below_min"]),
    ],
)
def test_partner_exchange_limits_hold_in_both_directions(
    steps: list[tuple[str, int]], codes: list[str]
) -> None:
    """Yearly limits per direction and a minimum per exchange, in this programme's points."""
    policy = points_policy(RECEIVING)
    state = applied(
        policy, member(), event("adjustment", "a1", at(2026, 3, 1), points=2000, reason="seed")
    )
    outcome = None
    for n, (direction, points) in enumerate(steps):
        state, outcome = memberkit.apply(policy, state, _exchange(direction, points, n=n))
    assert outcome is not None
    assert [r.code for r in outcome.reasons if outcome.refused] == codes


def test_a_one_way_partner_refuses_the_other_direction() -> None:
    """Points can be sent to the hotel partner but not brought in from it."""
    policy = points_policy(RECEIVING)
    _, outcome = memberkit.apply(policy, member(), _exchange("in", 100, "hotel"))
    assert [r.code for r in outcome.reasons] == ["points.exchange_direction"]
    assert outcome.explain("en") == "Points cannot be received in an exchange with hotel."


def test_an_unknown_receive_tier_is_reported() -> None:
    """A receive_tiers entry that is not a tier of the ladder is a finding with a suggestion."""
    problems = findings("transfer: {receive_tiers: [gld]}\n")
    assert [(p.path, p.code) for p in problems] == [
        (("points", "transfer", "receive_tiers", 0), "unknown_tier")
    ]
    assert "did you mean 'gold'" in problems[0].message
