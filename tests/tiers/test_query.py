"""tier_of and progress: the tier, its dates and figures, and the way up, in three locales."""

from __future__ import annotations

from datetime import datetime

import pytest
from tests.builders import at, member, purchase, state_on
from tests.tiers.builders import ladder, tiers_yaml

import memberkit
from memberkit import EventError, MemberState


def spend(event_id: str, when: datetime, amount: str) -> memberkit.Purchase:
    """A one-line purchase of ``amount``."""
    return purchase(event_id, when, ("l1", "general", amount))


def silver_member() -> MemberState:
    """A silver member with 6,800 of spend over 18 orders in 2026."""
    events = [spend("big", at(2026, 2, 1), "6630")]
    events += [spend(f"o{i}", at(2026, 3, i + 1), "10") for i in range(17)]
    return memberkit.replay(ladder(), memberkit.new_member("m1", at(2026, 1, 1, 0)), events)


def test_tier_of_gives_tier_since_and_figures() -> None:
    """The decision names the tier, when it started and the window's figures."""
    decision = memberkit.tier_of(ladder(), silver_member(), at(2026, 6, 1))
    assert decision.tier == "silver"
    assert decision.since == at(2026, 2, 1)
    assert decision.figures == {"spend": 6800, "orders": 18}
    assert (decision.window_start, decision.window_end) == (at(2026, 1, 1, 0), at(2027, 1, 1, 0))


def test_tier_of_explains_in_chinese() -> None:
    """The explanation in zh_Hans lists the tier, the thresholds met and the year's figures."""
    text = memberkit.tier_of(ladder(), silver_member(), at(2026, 6, 1)).explain("zh_Hans")
    assert text.splitlines() == [
        "当前等级：银卡会员，自 2026年2月1日 12:00:00 起。",
        "银卡会员：当年消费金额 ¥6,800.00 ≥ ¥2,000.00。",
        "银卡会员：当年订单数 18 ≥ 6。",
        "2026年1月1日 至 2026年12月31日 的消费金额：¥6,800.00。",
        "2026年1月1日 至 2026年12月31日 的订单数：18。",
    ]


def gold_member() -> MemberState:
    """A gold member on 8,200 of spend in 2026 (five orders, short of the 20-order path)."""
    events = [spend(f"o{i}", at(2026, 3, i + 1), "1640") for i in range(5)]
    return memberkit.replay(ladder(), memberkit.new_member("m1", at(2026, 1, 1, 0)), events)


@pytest.mark.parametrize(
    ("locale", "line"),
    [
        ("zh_Hans", "金卡会员：当年消费金额 ¥8,200.00 ≥ ¥8,000.00。"),
        ("zh_Hant", "金卡會員：當年消費金額 CN¥8,200.00 ≥ CN¥8,000.00。"),
        ("en", "Gold: spend this year, CN¥8,200.00 ≥ CN¥8,000.00."),
    ],
)
def test_tier_of_says_which_threshold_held(locale: str, line: str) -> None:
    """The explanation names the threshold the figures met, with the figure and the amount."""
    text = memberkit.tier_of(ladder(), gold_member(), at(2026, 6, 1)).explain(locale)
    assert text.splitlines()[1] == line


def test_only_the_alternatives_that_held_are_named() -> None:
    """Gold by spend alone: the 20-order alternative, not met, is not given as a reason."""
    decision = memberkit.tier_of(ladder(), gold_member(), at(2026, 6, 1))
    held = [r.path for r in decision.reasons if r.code == "tier.threshold_held"]
    assert held == ["tiers.ladder[2].qualify.any[0].spend"]


def test_a_tier_kept_on_retention_names_the_retention_threshold() -> None:
    """Reviewed into 2027 on 8,200, a gold member with 6,500 this year meets retain, not qualify."""
    events = [spend(f"o{i}", at(2026, 3, i + 1), "1640") for i in range(5)]
    events.append(spend("n1", at(2027, 2, 1), "6500"))
    state = memberkit.replay(ladder(), memberkit.new_member("m1", at(2026, 1, 1, 0)), events)
    decision = memberkit.tier_of(ladder(), state, at(2027, 6, 1))
    assert decision.tier == "gold"
    held = [r for r in decision.reasons if r.code == "tier.threshold_held"]
    assert [r.path for r in held] == ["tiers.ladder[2].retain.spend"]


def test_no_threshold_is_named_when_the_figures_meet_none() -> None:
    """Gold kept into a new year with no spend yet: no threshold reason, only the figures."""
    state = memberkit.replay(ladder(), gold_member(), (), as_of=at(2027, 2, 1))
    decision = memberkit.tier_of(ladder(), state, at(2027, 2, 1))
    assert decision.tier == "gold"
    assert "tier.threshold_held" not in [r.code for r in decision.reasons]


def test_a_strict_threshold_is_shown_with_greater_than() -> None:
    """A tier met at '>' names its threshold with '>', not '≥'."""
    p = tiers_yaml(
        "  ladder:\n    - {id: basic}\n"
        "    - {id: silver, name: 银卡, qualify: {spend: 2000}, inclusive: false}\n"
    )
    state = memberkit.replay(p, member(), (spend("o1", at(2026, 3, 1), "2000.01"),))
    text = memberkit.tier_of(p, state, at(2026, 6, 1)).explain("zh_Hans")
    assert "银卡：当年消费金额 ¥2,000.01 > ¥2,000.00。" in text.splitlines()


def test_a_rolling_window_is_named_in_the_threshold_reason() -> None:
    """On a rolling 12-month ladder the reason says "近 12 个月"."""
    p = ladder("  review: monthly\n", window="{rolling_months: 12}")
    state = memberkit.replay(p, member(), (spend("o1", at(2026, 3, 1), "2500"),))
    text = memberkit.tier_of(p, state, at(2026, 6, 1)).explain("zh_Hans")
    assert "银卡会员：近 12 个月消费金额 ¥2,500.00 ≥ ¥2,000.00。" in text.splitlines()


def test_progress_lists_every_path_to_the_next_tier() -> None:
    """Spend 1,200 more or place 2 more orders: either reaches gold."""
    result = memberkit.progress(ladder(), silver_member(), at(2026, 6, 1))
    assert result.next_tier == "gold"
    assert [[(n.measure, n.missing) for n in p.needs] for p in result.paths] == [
        [("spend", 1200)],
        [("orders", 2)],
    ]
    assert (
        result.explain("zh_Hans").splitlines()[0]
        == "再消费 ¥1,200.00或再下 2 单即可升级为金卡会员。"
    )


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en", "To reach Gold: spend CN¥1,200.00 more or place 2 more orders."),
        ("zh_Hant", "再消費 CN¥1,200.00或再下 2 單即可升級為金卡會員。"),
    ],
)
def test_progress_in_other_locales(locale: str, text: str) -> None:
    """The same progress reads naturally in English and Traditional Chinese."""
    result = memberkit.progress(ladder(), silver_member(), at(2026, 6, 1))
    assert result.explain(locale).splitlines()[0] == text


def test_progress_says_what_keeps_the_tier_at_the_next_review() -> None:
    """A gold member with 5,000 this year is told the review date and the 1,000 still needed."""
    p = ladder()
    state = memberkit.replay(
        p, member(), [spend("o1", at(2026, 3, 1), "9000"), spend("o2", at(2027, 2, 1), "5000")]
    )
    result = memberkit.progress(p, state, at(2027, 6, 1))
    assert result.review_at == at(2028, 1, 1, 0)
    assert [[(n.measure, n.missing) for n in path.needs] for path in result.retain_paths] == [
        [("spend", 1000)]
    ]
    assert result.explain("zh_Hans").splitlines()[1] == (
        "如需在 2028年1月1日 评级时保持金卡会员：再消费 ¥1,000.00。"
    )


def test_progress_under_a_strict_threshold_asks_for_one_unit_more() -> None:
    """With > the member needs a cent above the threshold."""
    p = tiers_yaml(
        "  ladder:\n    - {id: basic}\n    - {id: silver, qualify: {spend: 2000}, inclusive: false}\n"
    )
    state = memberkit.replay(p, member(), [spend("o1", at(2026, 3, 1), "2000")])
    result = memberkit.progress(p, state, at(2026, 3, 2))
    assert str(result.paths[0].needs[0].missing) == "0.01"


def test_progress_at_the_top() -> None:
    """A platinum member has no next tier."""
    state = memberkit.replay(ladder(), member(), [spend("o1", at(2026, 3, 1), "20000")])
    result = memberkit.progress(ladder(), state, at(2026, 4, 1))
    assert result.next_tier is None
    assert result.explain("en").splitlines()[0] == "Platinum is the top of the ladder."


def test_progress_for_a_tier_held_by_validity() -> None:
    """A tier held until a date says the next review cannot take it."""
    p = tiers_yaml(
        "  ladder:\n    - {id: basic}\n"
        "    - {id: gold, qualify: {spend: 8000}, validity: rest_of_year_plus_next}\n"
    )
    state = memberkit.replay(p, member(), [spend("o1", at(2026, 3, 1), "8000")])
    result = memberkit.progress(p, state, at(2026, 6, 1))
    assert result.explain("en").splitlines()[1] == (
        "gold is held until the end of Dec 31, 2027, so the review of Jan 1, 2027 keeps it."
    )


def test_a_query_reviews_on_a_copy_without_changing_the_state() -> None:
    """Asking about a later date applies the due reviews to the answer only."""
    p = ladder()
    state = memberkit.replay(p, member(), [spend("o1", at(2026, 3, 1), "2000")])
    assert memberkit.tier_of(p, state, at(2028, 6, 1)).tier == "basic"
    assert state.tiers.current == "silver"


def test_a_past_date_is_refused_and_answered_by_replaying_up_to_it() -> None:
    """tier_of a moment before the last event is refused; the events up to it answer it."""
    p = ladder()
    events = [spend("o1", at(2026, 3, 1), "2000"), spend("o2", at(2026, 5, 1), "6000")]
    state = memberkit.replay(p, member(), events)
    with pytest.raises(memberkit.AsOfError):
        memberkit.tier_of(p, state, at(2026, 4, 1))
    assert (
        memberkit.tier_of(p, state_on(p, events, at(2026, 4, 1)), at(2026, 4, 1)).tier == "silver"
    )
    assert memberkit.tier_of(p, state, at(2026, 5, 2)).tier == "gold"


def test_naive_as_of_is_an_event_error() -> None:
    """A date without offset is refused."""
    with pytest.raises(EventError):
        memberkit.tier_of(ladder(), member(), datetime(2026, 1, 1))


def test_a_programme_without_tiers_is_an_event_error() -> None:
    """tier_of on a policy without a tiers section says so."""
    from tests.builders import policy

    with pytest.raises(EventError, match="no tiers"):
        memberkit.tier_of(policy(), member(), at(2026, 1, 2))


def test_a_granted_tier_says_what_was_earned_beneath() -> None:
    """During a match the explanation names the earned tier too."""
    from tests.tiers.builders import grant

    p = ladder()
    state = memberkit.replay(
        p,
        member(),
        [spend("o1", at(2026, 2, 1), "2000"), grant("g", at(2026, 3, 1), "gold", reason="match")],
    )
    decision = memberkit.tier_of(p, state, at(2026, 4, 1))
    assert (decision.tier, decision.earned, decision.granted) == ("gold", "silver", True)
    assert "Silver" in decision.explain("en")


def test_a_tier_held_by_validity_names_its_last_day() -> None:
    """The explanation gives the last local day the tier is held, not the next midnight."""
    p = tiers_yaml(
        "  ladder:\n    - {id: basic}\n"
        "    - {id: gold, name: 金卡会员, qualify: {spend: 8000}, validity: rest_of_year_plus_next}\n"
    )
    state = memberkit.replay(p, member(), [spend("o1", at(2026, 3, 1), "8000")])
    decision = memberkit.tier_of(p, state, at(2026, 6, 1))
    assert decision.valid_until == at(2028, 1, 1, 0)
    assert decision.explain("zh_Hans").splitlines()[1] == "金卡会员有效期至 2027年12月31日（含）。"


def test_progress_when_the_upgrade_waits_for_the_review() -> None:
    """Under upgrade: at_review a member past the threshold is told the upgrade is due."""
    p = ladder("  upgrade: at_review\n")
    state = memberkit.replay(p, member(), [spend("o1", at(2026, 3, 1), "2500")])
    result = memberkit.progress(p, state, at(2026, 4, 1))
    assert result.tier == "basic"
    assert result.explain("en").splitlines()[0] == (
        "The figures reach Silver; the upgrade takes effect at the review."
    )


def test_progress_of_a_lifetime_tier_has_no_review() -> None:
    """A tier held for life needs nothing to keep it."""
    p = tiers_yaml(
        "  ladder:\n    - {id: basic}\n"
        "    - {id: top, name: 终身会员, qualify: {spend: 100}, lifetime_after_years: 1}\n"
    )
    state = memberkit.replay(
        p, member(), [spend("o1", at(2026, 1, 5), "100"), spend("o2", at(2027, 1, 5), "100")]
    )
    result = memberkit.progress(p, state, at(2030, 1, 2))
    assert result.review_at is None
    assert result.explain("zh_Hans").splitlines()[-1] == "终身会员为终身等级，不会降级。"


def test_tier_of_announces_a_downgrade_in_grace() -> None:
    """During the grace period the member is told the date of the coming downgrade."""
    p = ladder("  grace_days: 30\n")
    state = memberkit.replay(p, member(), [spend("o1", at(2026, 5, 1), "8000")])
    text = memberkit.tier_of(p, state, at(2028, 1, 15)).explain("zh_Hans")
    assert "如未重新达标，将于 2028年1月31日 00:00:00 调整为普通会员。" in text.splitlines()
