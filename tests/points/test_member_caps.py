"""Per-member caps across all rules of a currency, per day/week/month/year on the local clock."""

from __future__ import annotations

from datetime import datetime

import pytest
from tests.builders import activity, at, purchase, refund
from tests.points.builders import applied, findings, member, points_policy, total

import memberkit
from memberkit.i18n import render

RULES = (
    "earn:\n"
    "  - {id: base, per: 1 CNY, points: 1}\n"
    "  - {id: app, when: {channel: app}, multiply: 2}\n"
    "  - {id: checkin, on: checkin, points: 500}\n"
)


def _capped(per: str, points: int = 5000) -> memberkit.Policy:
    return points_policy(RULES + f"earn_cap: {{points: {points}, per: {per}}}\n")


@pytest.mark.parametrize(
    ("per", "first", "second", "expected"),
    [
        # 31 Dec 2026 is a Thursday: a new day, month and year begin at 00:00, the ISO week not.
        ("day", at(2026, 12, 31, 23, 59), at(2027, 1, 1, 0, 1), 8000),
        ("week", at(2026, 12, 31, 23, 59), at(2027, 1, 1, 0, 1), 5000),
        ("month", at(2026, 12, 31, 23, 59), at(2027, 1, 1, 0, 1), 8000),
        ("year", at(2026, 12, 31, 23, 59), at(2027, 1, 1, 0, 1), 8000),
        ("day", at(2026, 12, 31, 0, 1), at(2026, 12, 31, 23, 59), 5000),
        ("year", at(2027, 1, 1, 0, 1), at(2027, 12, 31, 23, 59), 5000),
        # 08:00 in Shanghai is midnight UTC; it must not renew a daily cap.
        ("day", at(2026, 12, 31, 7, 59), at(2026, 12, 31, 8, 1), 5000),
    ],
)
def test_the_member_cap_renews_at_local_period_boundaries(
    per: str, first: datetime, second: datetime, expected: int
) -> None:
    """Two orders of 4,000 points each earn 8,000 across a period boundary, 5,000 within one."""
    state = applied(
        _capped(per),
        member(),
        purchase("o1", first, ("l1", "x", "4000")),
        purchase("o2", second, ("l1", "x", "4000")),
    )
    assert total(state) == expected


def test_the_cap_counts_every_rule_together() -> None:
    """A check-in bonus after an app order of 2,400 (×2 = 4,800) earns only the 200 left."""
    policy = _capped("day")
    state = applied(
        policy,
        member(),
        purchase("o1", at(2026, 3, 2, 10), ("l1", "x", "2400"), channel="app"),
        activity("a1", at(2026, 3, 2, 11), "checkin"),
    )
    assert [e.points for e in state.points.journal] == [2400, 2400, 200]


def test_a_multiplier_is_capped_after_the_base() -> None:
    """An app order of 3,000 earns its 3,000 base and only 2,000 of its 3,000 bonus."""
    quote = memberkit.quote_points(
        _capped("day"),
        member(),
        purchase("o1", at(2026, 3, 2), ("l1", "x", "3000"), channel="app"),
    )
    assert [(line.rule, line.points) for line in quote.lines] == [("base", 3000), ("app", 2000)]
    assert "points.member_capped" in [r.code for r in quote.reasons]


def test_a_refund_gives_the_room_back() -> None:
    """After a refund of the day's capped order, a new order that day earns in full again."""
    policy = _capped("day")
    state = applied(
        policy,
        member(),
        purchase("o1", at(2026, 3, 2, 10), ("l1", "x", "5000")),
        refund("r1", at(2026, 3, 2, 11), "o1"),
        purchase("o2", at(2026, 3, 2, 12), ("l1", "x", "4000")),
    )
    assert total(state) == 4000


def test_a_partial_refund_gives_back_only_its_share() -> None:
    """Refunding half of a 5,000 order frees 2,500 of the day's room, no more."""
    policy = _capped("day")
    state = applied(
        policy,
        member(),
        purchase("o1", at(2026, 3, 2, 10), ("l1", "x", "2500"), ("l2", "x", "2500")),
        refund("r1", at(2026, 3, 2, 11), "o1", ("l1", None)),
        purchase("o2", at(2026, 3, 2, 12), ("l1", "x", "4000")),
    )
    assert [e.points for e in state.points.journal if e.event_id == "o2"] == [2500]


def test_the_cap_binds_only_its_own_currency() -> None:
    """Growth points have no cap while spendable points stop at 1,000 a day."""
    policy = points_policy(
        "currencies:\n"
        "  - {id: points, earn_cap: {points: 1000, per: day}}\n"
        "  - {id: growth, spendable: false}\n"
        "earn:\n"
        "  - {id: base, per: 1 CNY, points: 1}\n"
        "  - {id: growth, per: 1 CNY, points: 1, currency: growth}\n"
    )
    state = applied(policy, member(), purchase("o1", at(2026, 3, 2), ("l1", "x", "3000")))
    assert (total(state), total(state, "growth")) == (1000, 3000)


def test_the_member_cap_is_explained_in_chinese() -> None:
    """The reason names the limit, the currency and the period in zh_Hans."""
    quote = memberkit.quote_points(
        _capped("day"), member(), purchase("o1", at(2026, 3, 2), ("l1", "x", "6000"))
    )
    capped = next(r for r in quote.reasons if r.code == "points.member_capped")
    assert render(capped, "zh_Hans") == (
        "base：已达每位会员每日 5,000 积分的总上限，仅得 5,000（原应得 6,000）。"
    )


def test_with_currencies_the_member_cap_belongs_inside_a_currency() -> None:
    """A top-level earn_cap beside declared currencies is reported as misplaced."""
    problems = findings("currencies: [{id: points}]\nearn_cap: {points: 10, per: day}\n")
    assert [(p.path, p.code) for p in problems] == [(("points", "earn_cap"), "misplaced_key")]
