"""Audiences: streaming selection of members by a rule over state and stage, with reasons."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from tests.builders import at, days
from tests.lifecycle.builders import retail_policy, shopper

from memberkit import EventError, MemberState
from memberkit.lifecycle import select_audience
from memberkit.points._state import Lot, PointsState

AS_OF = at(2026, 6, 1)
POLICY = retail_policy()


def test_gold_and_above_active_in_the_last_90_days() -> None:
    """Gold and platinum members active within 90 days are chosen; silver or quiet ones are not."""
    states = [
        shopper(AS_OF - days(10), member_id="gold-recent", tier="gold"),
        shopper(AS_OF - days(91), member_id="gold-quiet", tier="gold"),
        shopper(member_id="plat-checkin", tier="platinum", activities=(AS_OF - days(90),)),
        shopper(AS_OF - days(10), member_id="silver-recent", tier="silver"),
    ]
    chosen = [m.member_id for m in select_audience(POLICY, states, "gold-active", AS_OF)]
    assert chosen == ["gold-recent", "plat-checkin"]


def test_the_reasons_say_which_clauses_held() -> None:
    """Each selected member carries the audience and the figures that qualified them."""
    (chosen,) = select_audience(
        POLICY, [shopper(AS_OF - days(10), tier="gold")], "gold-active", AS_OF
    )
    assert [r.code for r in chosen.reasons] == [
        "lifecycle.audience",
        "lifecycle.condition_held",
        "lifecycle.condition_held",
    ]
    assert chosen.explain("zh_Hans").splitlines()[0] == "入选人群：金卡及以上活跃会员。"


@pytest.mark.parametrize(
    ("birthday", "chosen"),
    [(date(1990, 7, 3), True), (date(1990, 6, 30), False), (date(1990, 8, 1), False)],
)
def test_birthday_next_month(birthday: date, chosen: bool) -> None:
    """On 1 June a July birthday is next month; June and August are not."""
    states = [shopper(birthday=birthday)]
    assert bool(list(select_audience(POLICY, states, "birthday-next-month", AS_OF))) is chosen


def test_birthday_next_month_wraps_the_year() -> None:
    """In December, a January birthday is next month."""
    states = [shopper(birthday=date(1990, 1, 15))]
    assert list(select_audience(POLICY, states, "birthday-next-month", at(2026, 12, 5)))


def test_an_audience_can_select_by_stage() -> None:
    """The win-back audience takes dormant and churned members only."""
    states = [
        shopper(AS_OF - days(200), member_id="dormant"),
        shopper(AS_OF - days(400), member_id="churned"),
        shopper(AS_OF - days(20), member_id="growing"),
    ]
    chosen = [(m.member_id, m.stage) for m in select_audience(POLICY, states, "win-back", AS_OF)]
    assert chosen == [("dormant", "dormant"), ("churned", "churned")]


def _lot(lot_id: str, expires: datetime | None, remaining: int, *, expired: bool = False) -> Lot:
    return Lot(
        id=lot_id,
        currency="points",
        amount=remaining,
        remaining=remaining,
        earned_at=AS_OF - days(300),
        available_at=AS_OF - days(300),
        expires_at=expires,
        source="e",
        expired=expired,
    )


@pytest.mark.parametrize(
    ("lot", "chosen"),
    [
        (_lot("in", AS_OF + days(30), 100), True),
        (_lot("beyond", AS_OF + days(31), 100), False),
        (_lot("spent", AS_OF + days(10), 0), False),
        (_lot("gone", AS_OF + days(10), 100, expired=True), False),
        (_lot("undated", None, 100), False),
    ],
    ids=["within-30-days", "day-31", "nothing-left", "already-expired", "no-date"],
)
def test_points_expiring_within_30_days(lot: Lot, chosen: bool) -> None:
    """Only unspent, unexpired points whose lot expires within the next 30 days count."""
    state = shopper(AS_OF - days(20))
    state = state.evolve(points=PointsState(lots=(lot,)))
    found = list(select_audience(POLICY, [state], "points-expiring", AS_OF))
    assert bool(found) is chosen


def test_selection_streams() -> None:
    """The first member is yielded before the next state is even read."""

    def states() -> Iterator[MemberState]:
        yield shopper(AS_OF - days(200), member_id="first")
        raise AssertionError("read too far")

    assert next(select_audience(POLICY, states(), "win-back", AS_OF)).member_id == "first"


def test_an_unknown_audience_suggests_the_nearest() -> None:
    """A misspelt audience id is bad input with a did-you-mean."""
    with pytest.raises(EventError, match="did you mean 'win-back'"):
        select_audience(POLICY, [], "win-bak", AS_OF)
