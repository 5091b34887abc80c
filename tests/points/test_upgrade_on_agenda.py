"""A tier earned on the agenda (at a review, on a version's first day) pays its upgrade bonuses
and extends expiry, as one earned at an event does; a grant starting later does not."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import memberkit

SHANGHAI = ZoneInfo("Asia/Shanghai")

HEAD = """memberkit: 1
program: {id: t, currency: CNY, timezone: Asia/Shanghai, locale: en, notice_days: 0}
tiers:
  window: calendar_year
  upgrade: at_review
  ladder:
    - {id: basic}
    - {id: gold, qualify: {spend: 1000}}
points:
  currencies:
    - {id: points, expiry: {rolling_months: 12, extend_on_upgrade_months: 6}}
  earn:
    - {id: base, per: 1 CNY, points: 1}
    - {id: welcome-gold, on: tier_upgrade, when: {tier: gold}, points: 500}
"""


def at(y: int, m: int, d: int, h: int = 12) -> datetime:
    return datetime(y, m, d, h, tzinfo=SHANGHAI)


def buy(event_id: str, when: datetime, amount: str) -> memberkit.Event:
    return memberkit.parse_event(
        {
            "type": "purchase",
            "id": event_id,
            "at": when,
            "currency": "CNY",
            "lines": [{"id": "l1", "amount": amount}],
        }
    )


def bonuses(state: memberkit.MemberState) -> list[tuple[str, int]]:
    return [(e.rule, int(e.points)) for e in state.points.journal if e.kind == "bonus"]


def test_an_upgrade_at_the_review_pays_the_upgrade_bonus() -> None:
    """¥1,500 in 2026 makes the member gold at the review on 1 Jan 2027: 500 points then, not
    before."""
    policy = memberkit.parse_policy(HEAD, source="t.yaml")
    state, _ = memberkit.apply(
        policy, memberkit.new_member("m1", at(2026, 1, 1)), buy("o1", at(2026, 3, 1), "1500")
    )
    assert memberkit.balance(policy, state, at(2026, 12, 31, 23)).available == 1500
    assert memberkit.balance(policy, state, at(2027, 1, 1, 0)).available == 2000
    moved, told = memberkit.advance(policy, state, at(2027, 1, 2))
    assert bonuses(moved) == [("welcome-gold", 500)]
    assert "points.earned" in [r.code for r in told]
    # The next event after the review sees the bonus once, however the state got there.
    direct, _ = memberkit.apply(policy, state, buy("o2", at(2027, 2, 1), "100"))
    via, _ = memberkit.apply(policy, moved, buy("o2", at(2027, 2, 1), "100"))
    assert direct == via
    assert bonuses(direct) == [("welcome-gold", 500)]
    assert (
        memberkit.replay(
            policy,
            memberkit.new_member("m1", at(2026, 1, 1)),
            [buy("o1", at(2026, 3, 1), "1500"), buy("o2", at(2027, 2, 1), "100")],
        )
        == direct
    )


def test_an_upgrade_at_the_review_extends_the_points_held() -> None:
    """The points of 1 Mar 2026 (valid through 1 Mar 2027, the anniversary) live 6 months longer
    from the review's upgrade: valid through 1 Sep 2027; the 500-point bonus of 1 Jan 2027 stays."""
    policy = memberkit.parse_policy(HEAD, source="t.yaml")
    state, _ = memberkit.apply(
        policy, memberkit.new_member("m1", at(2026, 1, 1)), buy("o1", at(2026, 3, 1), "1500")
    )
    assert memberkit.balance(policy, state, at(2027, 9, 1, 23)).available == 2000
    assert memberkit.balance(policy, state, at(2027, 9, 2, 1)).available == 500


def test_a_version_lowering_the_threshold_pays_the_bonus_on_its_first_day() -> None:
    """Immediate upgrades; ¥800 in 2026 is not gold (1,000), but the 2027 version asks 500:
    gold on 1 Jan 2027 with the 500-point bonus."""
    text = HEAD.replace("upgrade: at_review", "upgrade: immediate") + (
        "versions:\n  - effective_from: 2027-01-01\n    announced: 2026-11-15\n    changes:\n"
        "      - {at: tiers.ladder.gold.qualify.spend, set: 500}\n"
        "      - {at: tiers.window, set: lifetime}\n"
    )
    policy = memberkit.parse_policy(text, source="t.yaml")
    state, _ = memberkit.apply(
        policy, memberkit.new_member("m1", at(2026, 1, 1)), buy("o1", at(2026, 3, 1), "800")
    )
    assert memberkit.tier_of(policy, state, at(2026, 12, 31)).tier == "basic"
    moved, _ = memberkit.advance(policy, state, at(2027, 1, 2))
    assert memberkit.tier_of(policy, moved, at(2027, 1, 2)).tier == "gold"
    assert bonuses(moved) == [("welcome-gold", 500)]


def _grant_later(on_grant: bool) -> memberkit.MemberState:
    """A status match sent on 1 Mar 2026 that starts on 1 Apr 2026, advanced past its start."""
    text = HEAD.replace(
        "points: 500}", "points: 500, on_grant: true}" if on_grant else "points: 500}"
    )
    policy = memberkit.parse_policy(text, source="t.yaml")
    grant = memberkit.parse_event(
        {
            "type": "tier_grant",
            "id": "g1",
            "at": at(2026, 3, 1),
            "tier": "gold",
            "start": at(2026, 4, 1, 0),
            "reason": "match",
        }
    )
    state, _ = memberkit.apply(policy, memberkit.new_member("m1", at(2026, 1, 1)), grant)
    moved, _ = memberkit.advance(policy, state, at(2026, 4, 2))
    return moved


def test_a_grant_starting_on_the_agenda_pays_only_bonuses_that_say_on_grant() -> None:
    """A match that starts later is not an upgrade earned: the welcome bonus is paid at its start
    only when the rule says ``on_grant: true``."""
    assert bonuses(_grant_later(on_grant=False)) == []
    assert bonuses(_grant_later(on_grant=True)) == [("welcome-gold", 500)]
