"""A department store's member lifecycle: stages by recency and frequency, and a win-back list.

The stages follow the recency bands Chinese department-store CRM teams commonly work with (the
thresholds are each programme's own choice; these are typical): a member who has never bought
is a 潜客 (prospect); within 90 days of a first and only purchase a 新客 (new customer);
buying at least 4 times in 12 months and within 90 days 忠诚 (loyal); within 90 days 活跃
(active); 91-180 days since the last purchase 沉默 (silent); 181-365 days 睡眠 (sleeping); over
365 days 流失 (lost). The win-back (唤醒) audience is the silent and sleeping members, and a second
one those of them who hold a card tier (银卡 and above).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.programmes.builders import applied, joined, order, programme, wall

import memberkit

POLICY = """
memberkit: 1
program: {id: dept-store, name: {zh_Hans: 百货会员, zh_Hant: 百貨會員, en: Store Club},
          currency: CNY, timezone: Asia/Shanghai, locale: zh_Hans}
tiers:
  window: {rolling_months: 12}     # 近 12 个月消费定级，每月 1 日复核
  review: monthly
  ladder:
    - {id: basic, name: {zh_Hans: 普通会员, en: Member}}
    - {id: silver, name: {zh_Hans: 银卡, en: Silver}, qualify: {spend: 5000}}
    - {id: gold, name: {zh_Hans: 金卡, en: Gold}, qualify: {spend: 20000}}
lifecycle:
  window: {months: 12}
  stages:
    - {id: prospect, name: {zh_Hans: 潜客, en: Prospect}, when: {purchases: 0}}
    - id: new
      name: {zh_Hans: 新客, en: New}
      when: {purchases: 1, recency_days: {"<=": 90}}
    - id: loyal
      name: {zh_Hans: 忠诚, en: Loyal}
      when: {frequency: {">=": 4}, recency_days: {"<=": 90}}
    - {id: active, name: {zh_Hans: 活跃, en: Active}, when: {recency_days: {"<=": 90}}}
    - {id: silent, name: {zh_Hans: 沉默, en: Silent}, when: {recency_days: {"<=": 180}}}
    - {id: sleeping, name: {zh_Hans: 睡眠, en: Sleeping}, when: {recency_days: {"<=": 365}}}
    - {id: lost, name: {zh_Hans: 流失, en: Lost}}
  default: lost
  audiences:
    - id: win-back
      name: {zh_Hans: 沉默睡眠唤醒, en: Win back}
      when: {stage: [silent, sleeping]}
    - id: card-win-back
      name: {zh_Hans: 持卡会员唤醒, en: Win back card holders}
      when: {stage: [silent, sleeping], tier_rank: {">=": 1}}
"""

AT = wall("Asia/Shanghai")
NOW = AT(2027, 6, 30, 20)


@pytest.fixture(scope="module")
def policy() -> memberkit.Policy:
    """The department store's programme."""
    return programme(POLICY, "dept-store")


def shopper(
    policy: memberkit.Policy, name: str, *days_ago: int, amount: str = "300"
) -> memberkit.MemberState:
    """A member (joined in January 2026) with purchases the given numbers of days before NOW."""
    state = joined(name, AT(2026, 1, 1, 0))
    events = [
        order(f"{name}-o{i}", NOW - timedelta(days=d), amount)
        for i, d in enumerate(sorted(days_ago, reverse=True))
    ]
    return applied(policy, state, *events)


@pytest.mark.parametrize(
    ("days_ago", "stage"),
    [
        ((), "prospect"),
        ((30,), "new"),
        ((200, 30), "active"),
        ((300, 200, 100, 30), "loyal"),
        ((400, 91), "silent"),
        ((400, 180), "silent"),
        ((400, 181), "sleeping"),
        ((400, 365), "sleeping"),
        ((400,), "lost"),
        ((366,), "lost"),
    ],
)
def test_stage_by_recency_and_frequency(
    policy: memberkit.Policy, days_ago: tuple[int, ...], stage: str
) -> None:
    """Each band of days since the last purchase (and the count in 12 months) has its stage."""
    state = shopper(policy, "m", *days_ago)
    assert memberkit.lifecycle_stage(policy, state, NOW).stage == stage


def test_the_stage_reads_in_chinese(policy: memberkit.Policy) -> None:
    """A sleeping member's stage explains itself with the programme's Chinese name."""
    decision = memberkit.lifecycle_stage(policy, shopper(policy, "m", 400, 200), NOW)
    assert decision.name is not None
    assert decision.name.get("zh_Hans") == "睡眠"
    assert "睡眠" in decision.explain("zh_Hans")


def test_win_back_selects_the_silent_and_the_sleeping(policy: memberkit.Policy) -> None:
    """Of five members, the silent and the sleeping are invited back, in input order."""
    members = [
        shopper(policy, "active", 10),
        shopper(policy, "silent", 400, 120),
        shopper(policy, "lost", 500),
        shopper(policy, "sleeping", 400, 250),
        shopper(policy, "prospect"),
    ]
    chosen = memberkit.select_audience(policy, members, "win-back", NOW)
    assert [(m.member_id, m.stage) for m in chosen] == [
        ("silent", "silent"),
        ("sleeping", "sleeping"),
    ]


def test_card_win_back_reads_the_tier_in_force_now(policy: memberkit.Policy) -> None:
    """Silver whose spend has left the 12 months is reviewed away: only a current silver is invited."""
    lapsed = applied(
        policy,
        joined("lapsed", AT(2026, 1, 1, 0)),
        order("l-o1", NOW - timedelta(days=400), "6000"),
        order("l-o2", NOW - timedelta(days=200), "300"),
    )
    current = shopper(policy, "current", 200, amount="6000")
    chosen = memberkit.select_audience(policy, [lapsed, current], "card-win-back", NOW)
    assert [m.member_id for m in chosen] == ["current"]
