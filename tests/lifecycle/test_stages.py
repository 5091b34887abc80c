"""Lifecycle stages: the retail example's stage boundaries, reasons, explanations and the tier."""

from __future__ import annotations

from datetime import datetime

import pytest
from tests.builders import at, days, policy
from tests.lifecycle.builders import lifecycle_policy, retail_policy, shopper

from memberkit import EventError, MemberState
from memberkit.lifecycle import lifecycle_stage
from memberkit.tiers._state import TierChange, TierState

AS_OF = at(2026, 6, 1)
POLICY = retail_policy()


def ago(n: int) -> datetime:
    """A moment ``n`` whole days before AS_OF."""
    return AS_OF - days(n)


CASES = [
    # (what the member did, stage)
    ("lapsed 300 days, came back 90 days ago", (ago(390), ago(90)), ago(800), "won_back"),
    ("lapsed 300 days, came back 91 days ago", (ago(391), ago(91)), ago(800), "growing"),
    ("lapse of exactly 180 days then back", (ago(200), ago(20)), ago(800), "won_back"),
    ("gap of 179 days is no lapse", (ago(199), ago(20)), ago(800), "growing"),
    ("joined 179 days ago, one purchase", (ago(10),), ago(179), "new"),
    ("joined 180 days ago, one purchase", (ago(10),), ago(180), "growing"),
    ("joined recently, two purchases", (ago(10), ago(5)), ago(30), "growing"),
    ("joined 179 days ago, never bought", (), ago(179), "new"),
    ("joined 180 days ago, never bought", (), ago(180), "dormant"),
    ("joined 364 days ago, never bought", (), ago(364), "dormant"),
    ("joined 365 days ago, never bought", (), ago(365), "churned"),
    ("last bought 365 days ago", (ago(365),), ago(800), "churned"),
    ("last bought 364 days ago", (ago(364),), ago(800), "dormant"),
    ("last bought 180 days ago", (ago(180),), ago(800), "dormant"),
    ("last bought 179 days ago", (ago(179),), ago(800), "growing"),
    ("3 usual gaps without buying", (ago(50), ago(40), ago(30)), ago(800), "dormant"),
    ("2.9 usual gaps without buying", (ago(49), ago(39), ago(29)), ago(800), "growing"),
    ("four purchases in the window", (ago(40), ago(30), ago(20), ago(10)), ago(800), "mature"),
    ("three purchases in the window", (ago(30), ago(20), ago(10)), ago(800), "growing"),
]


@pytest.mark.parametrize(
    ("purchases", "joined", "stage"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_retail_stage_boundaries(
    purchases: tuple[datetime, ...], joined: datetime, stage: str
) -> None:
    """Each boundary of the retail example's stages puts the member on the side the policy says."""
    member = shopper(*purchases, joined=joined)
    assert lifecycle_stage(POLICY, member, AS_OF).stage == stage


def test_the_winning_rule_and_its_figures_are_the_reasons() -> None:
    """The decision names the stage, each clause with the figure it read, and the figures."""
    decision = lifecycle_stage(POLICY, shopper(ago(390), ago(30), joined=ago(800)), AS_OF)
    codes = [r.code for r in decision.reasons]
    assert codes == [
        "lifecycle.stage",
        "lifecycle.condition_held",
        "lifecycle.condition_held",
        "lifecycle.figures",
        "lifecycle.window_months",
    ]
    clauses = [r.params["clause"] for r in decision.reasons[1:3]]
    assert [c.code for c in clauses] == ["rule.le", "rule.is"]  # type: ignore[attr-defined]
    assert clauses[0].params["actual"] == 30  # type: ignore[attr-defined]
    assert decision.explain("en").splitlines()[1:3] == [
        "Met: days since the last purchase must be at most 90 (it is 30).",
        "Met: churned before.",
    ]
    assert decision.path == "lifecycle.stages[0]"


def test_the_default_stage_says_no_rule_held() -> None:
    """A member no stage rule fits is in the default stage, and the reason says so."""
    decision = lifecycle_stage(POLICY, shopper(ago(100), joined=ago(800)), AS_OF)
    assert (decision.stage, decision.reasons[0].code) == ("growing", "lifecycle.stage_default")


@pytest.mark.parametrize(
    ("locale", "first_line"),
    [
        ("zh_Hans", "生命周期阶段：挽回。"),
        ("zh_Hant", "生命週期階段：挽回。"),
        ("en", "Lifecycle stage: Won back."),
    ],
)
def test_explain_in_every_locale(locale: str, first_line: str) -> None:
    """The decision explains itself in each shipped locale."""
    decision = lifecycle_stage(POLICY, shopper(ago(390), ago(30), joined=ago(800)), AS_OF)
    assert decision.explain(locale).splitlines()[0] == first_line


def test_the_figures_reason_renders_money_per_locale() -> None:
    """The figures line shows the window's spending as money in the programme's currency."""
    decision = lifecycle_stage(POLICY, shopper((ago(3), "88.50"), joined=ago(800)), AS_OF)
    assert "消费 ¥88.50" in decision.explain("zh_Hans")


def _gold_from(member: MemberState, when: datetime) -> MemberState:
    return member.evolve(tiers=TierState((TierChange(when, "gold", "upgrade"),)))


GOLD = """
stages:
  - {id: vip, when: {tier: gold}}
  - {id: other}
default: other
"""


def test_the_tier_is_the_one_in_force_at_the_moment() -> None:
    """A tier recorded from after the moment does not count yet."""
    policy = lifecycle_policy(GOLD)
    member = shopper(ago(5), joined=ago(800))
    assert lifecycle_stage(policy, _gold_from(member, ago(1)), AS_OF).stage == "vip"
    assert lifecycle_stage(policy, _gold_from(member, AS_OF + days(1)), AS_OF).stage == "other"


def test_without_a_default_a_member_may_have_no_stage() -> None:
    """No rule holding and no default stage gives no stage, with a reason."""
    policy = lifecycle_policy("stages: [{id: vip, when: {tier: gold}}]")
    decision = lifecycle_stage(policy, shopper(joined=ago(800)), AS_OF)
    assert (decision.stage, decision.reasons[0].code) == (None, "lifecycle.no_stage")


def test_a_naive_moment_is_refused() -> None:
    """as_of without an offset is an error, not a guess at the timezone."""
    with pytest.raises(EventError, match="as_of has no timezone offset"):
        lifecycle_stage(POLICY, shopper(joined=ago(800)), datetime(2026, 6, 1))


def test_p_alive_is_a_figure_when_the_policy_gives_bgnbd_parameters() -> None:
    """With BG/NBD parameters a stage may test p_alive, and the decision reports it."""
    policy = lifecycle_policy(
        """
        bgnbd: {r: 0.243, alpha: 4.414, a: 0.793, b: 2.426}
        summary: {unit: weeks}
        stages: [{id: gone, when: {p_alive: {"<": 0.5}}}, {id: here}]
        default: here
        """
    )
    # Weekly buyer for ten weeks, then silent for a year: very probably gone.
    member = shopper(*(ago(420 - 7 * k) for k in range(10)), joined=ago(800))
    decision = lifecycle_stage(policy, member, AS_OF)
    assert decision.stage == "gone"
    assert decision.p_alive is not None
    assert decision.p_alive < 0.5


def test_a_policy_without_a_lifecycle_section_has_no_stages() -> None:
    """Without a lifecycle section the figures still work, but no stage is declared."""
    decision = lifecycle_stage(policy(), shopper(ago(3), joined=ago(800)), AS_OF)
    assert (decision.stage, decision.figures.recency_days) == (None, 3)


def test_a_member_who_never_bought_is_explained_as_such() -> None:
    """Without a purchase the figures line says so instead of showing empty figures."""
    decision = lifecycle_stage(POLICY, shopper(joined=ago(10)), AS_OF)
    assert "该会员尚未购买。" in decision.explain("zh_Hans").splitlines()
