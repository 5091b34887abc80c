"""Upgrades that take effect later than the figures qualify: ``upgrade: {effective: ...}``.

Every expected value is worked out by hand in the test: the programme runs on Shanghai time
(UTC+8, no daylight saving) unless a test says otherwise; silver takes 1,000 of spend in the
calendar year and gold 5,000 (kept on 3,000); earning is 1 point per yuan, times 2 in silver
and 3 in gold, and every upgrade pays 100 points.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.builders import at, member, policy, purchase, refund

import memberkit
from memberkit import Policy

LADDER = """tiers:
  ladder:
    - {{id: basic, name: {{en: Member, zh_Hans: 普通会员, zh_Hant: 普通會員}}}}
    - {{id: silver, name: {{en: Silver, zh_Hans: 银卡会员, zh_Hant: 銀卡會員}}, qualify: {{spend: 1000}}}}
    - id: gold
      name: {{en: Gold, zh_Hans: 金卡会员, zh_Hant: 金卡會員}}
      qualify: {{spend: 5000}}
      retain: {{spend: 3000}}
{gold}  upgrade: {{effective: {effective}}}
{extra}points:
  earn:
    - {{id: base, per: 1 CNY, points: 1}}
    - {{id: tier, multiply: {{by_tier: {{silver: 2, gold: 3}}}}}}
    - {{id: welcome, on: tier_upgrade, points: 100}}
"""


def later(effective: str, *, gold: str = "", extra: str = "") -> Policy:
    """The test ladder whose upgrades take effect as ``effective`` says."""
    return policy(LADDER.format(effective=effective, gold=gold, extra=extra))


NEXT_DAY = later("next_day")
NEXT_MONTH = later("next_month")
THREE_DAYS = later("{days: 3}")


def spend(event_id: str, when: datetime, *amounts: str) -> memberkit.Purchase:
    """An order of one line per amount (lines l1, l2, ...)."""
    return purchase(event_id, when, *((f"l{i}", "general", a) for i, a in enumerate(amounts, 1)))


def points(p: Policy, state: memberkit.MemberState, when: datetime) -> int:
    """The points available at ``when``."""
    return memberkit.balance(p, state, when).available


# --- when the new tier takes effect ------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "qualified", "effective"),
    [
        # 23:10 on 14 March: the tier is in force from the next local midnight.
        (NEXT_DAY, at(2026, 3, 14, 23, 10), at(2026, 3, 15, 0, 0)),
        # One second before midnight is still the 14th.
        (NEXT_DAY, at(2026, 3, 14, 23, 59, 59), at(2026, 3, 15, 0, 0)),
        # At midnight itself the qualifying day is the 15th.
        (NEXT_DAY, at(2026, 3, 15, 0, 0), at(2026, 3, 16, 0, 0)),
        # The last day of February in a common year: the next day is 1 March.
        (NEXT_DAY, at(2026, 2, 28, 9, 0), at(2026, 3, 1, 0, 0)),
        # 次月1日: from the first of the next month, whatever the day of this one.
        (NEXT_MONTH, at(2026, 3, 14, 23, 10), at(2026, 4, 1, 0, 0)),
        (NEXT_MONTH, at(2026, 3, 31, 23, 59), at(2026, 4, 1, 0, 0)),
        (NEXT_MONTH, at(2026, 4, 1, 0, 0), at(2026, 5, 1, 0, 0)),
        # December's next month is January of the next year.
        (NEXT_MONTH, at(2026, 12, 5, 10, 0), at(2027, 1, 1, 0, 0)),
        # Three whole days after the qualifying day, at midnight: 14 + 3 = 17 March.
        (THREE_DAYS, at(2026, 3, 14, 23, 10), at(2026, 3, 17, 0, 0)),
        (THREE_DAYS, at(2026, 3, 30, 8, 0), at(2026, 4, 2, 0, 0)),
    ],
)
def test_the_new_tier_takes_effect_at_the_stated_midnight(
    p: Policy, qualified: datetime, effective: datetime
) -> None:
    """The order reaching gold leaves the member in the base tier until the stated midnight."""
    state = memberkit.replay(p, member(), [spend("o1", qualified, "5000")])
    before = memberkit.tier_of(p, state, effective - (effective - qualified) / 2)
    just_before = memberkit.tier_of(p, state, effective - timedelta(seconds=1))
    after = memberkit.tier_of(p, state, effective)
    assert (before.tier, before.upgrade_tier, before.upgrade_at) == ("basic", "gold", effective)
    assert (just_before.tier, just_before.upgrade_at) == ("basic", effective)
    assert (after.tier, after.since, after.upgrade_tier) == ("gold", effective, None)


def test_due_moments_lists_the_effective_moment() -> None:
    """The agenda holds the upgrade: due_moments names 15 March 00:00 and nothing else."""
    state = memberkit.replay(NEXT_DAY, member(), [spend("o1", at(2026, 3, 14, 23, 10), "5000")])
    moments = memberkit.due_moments(NEXT_DAY, state, at(2026, 3, 14, 23, 10), at(2026, 3, 31))
    assert moments == (at(2026, 3, 15, 0, 0),)


def test_the_history_records_the_upgrade_at_the_effective_moment() -> None:
    """Brought past it, the state records gold at 15 March 00:00, caused by the order o1."""
    state = memberkit.replay(
        NEXT_DAY, member(), [spend("o1", at(2026, 3, 14, 23, 10), "5000")], as_of=at(2026, 4, 1)
    )
    last = state.tiers.history[-1]
    assert (last.tier, last.reason, last.at, last.event_id) == (
        "gold",
        "upgrade",
        at(2026, 3, 15, 0, 0),
        "o1",
    )
    assert state.tiers.upgrades_due == ()


def test_a_later_event_records_what_tier_of_answered() -> None:
    """An order on 15 March 09:00 finds gold in force since midnight, as tier_of said it would."""
    first = memberkit.replay(NEXT_DAY, member(), [spend("o1", at(2026, 3, 14, 23, 10), "5000")])
    told = memberkit.tier_of(NEXT_DAY, first, at(2026, 3, 15, 9, 0))
    booked, _ = memberkit.apply(NEXT_DAY, first, spend("o2", at(2026, 3, 15, 9, 0), "100"))
    assert [(c.tier, c.at) for c in booked.tiers.history] == [
        ("basic", at(2026, 1, 1, 0, 0)),
        ("gold", at(2026, 3, 15, 0, 0)),
    ]
    assert memberkit.tier_of(NEXT_DAY, booked, at(2026, 3, 15, 9, 0)).tier == told.tier == "gold"


def test_a_program_timezone_with_daylight_saving() -> None:
    """New York: 23:30 on 7 March 2026 (EST, 04:30 UTC on the 8th) takes effect at local midnight
    05:00 UTC the next day, or with {days: 2} on 9 March 00:00 EDT (04:00 UTC): clocks went
    forward at 02:00 on 8 March."""
    head = "memberkit: 1\nprogram: {id: ny, currency: CNY, timezone: America/New_York}\n"
    qualified = datetime(2026, 3, 8, 4, 30, tzinfo=UTC)
    for effective, expected in (
        ("next_day", datetime(2026, 3, 8, 5, 0, tzinfo=UTC)),
        ("{days: 2}", datetime(2026, 3, 9, 4, 0, tzinfo=UTC)),
    ):
        p = memberkit.parse_policy(head + LADDER.format(effective=effective, gold="", extra=""))
        state = memberkit.replay(
            p, member(joined=datetime(2026, 1, 1, 5, tzinfo=UTC)), [spend("o1", qualified, "5000")]
        )
        assert memberkit.tier_of(p, state, qualified).upgrade_at == expected
        assert memberkit.due_moments(p, state, qualified, datetime(2026, 4, 1, tzinfo=UTC)) == (
            expected,
        )


# --- what reads the tier in force ----------------------------------------------------------------


def test_an_order_on_the_qualifying_day_earns_at_the_old_tier() -> None:
    """100 yuan at 23:40 after qualifying at 23:10 earns 100 points (base tier); at 00:10 the
    next day it earns 300 (gold, times 3); the quote and the booking agree each time."""
    state = memberkit.replay(NEXT_DAY, member(), [spend("o1", at(2026, 3, 14, 23, 10), "5000")])
    for when, expected in ((at(2026, 3, 14, 23, 40), 100), (at(2026, 3, 15, 0, 10), 300)):
        order = spend("o2", when, "100")
        quote = memberkit.quote_points(NEXT_DAY, state, order)
        booked, _ = memberkit.apply(NEXT_DAY, state, order)
        before = points(NEXT_DAY, state, when)
        assert dict(quote.totals)["points"] == expected
        assert points(NEXT_DAY, booked, when) - before == expected


def test_the_upgrade_bonus_is_paid_at_the_effective_moment() -> None:
    """5,000 points for the order; the 100-point upgrade bonus arrives at 15 March 00:00."""
    state = memberkit.replay(NEXT_DAY, member(), [spend("o1", at(2026, 3, 14, 23, 10), "5000")])
    assert points(NEXT_DAY, state, at(2026, 3, 14, 23, 59)) == 5000
    assert points(NEXT_DAY, state, at(2026, 3, 15, 0, 0)) == 5100
    _, reasons = memberkit.advance(NEXT_DAY, state, at(2026, 3, 16))
    assert [r.code for r in reasons] == ["tier.upgraded", "points.earned"]


def test_the_qualifying_event_says_when_the_upgrade_takes_effect() -> None:
    """Applying the order upgrades nothing and says gold takes effect on 15 March."""
    _, outcome = memberkit.apply(NEXT_DAY, member(), spend("o1", at(2026, 3, 14, 23, 10), "5000"))
    codes = [r.code for r in outcome.reasons]
    assert "tier.upgrade_scheduled" in codes
    assert "tier.upgraded" not in codes


def test_the_explanation_names_the_tier_and_the_day_in_three_locales() -> None:
    """tier_of between qualifying and taking effect explains both days in en, zh_Hans, zh_Hant."""
    state = memberkit.replay(NEXT_DAY, member(), [spend("o1", at(2026, 3, 14, 23, 10), "5000")])
    decision = memberkit.tier_of(NEXT_DAY, state, at(2026, 3, 14, 23, 30))
    assert (
        "The figures reached Gold on Mar 14, 2026; the upgrade takes effect on Mar 15, 2026."
        in decision.explain("en")
    )
    assert "已于 2026年3月14日 达到金卡会员标准，升级自 2026年3月15日 起生效。" in decision.explain(
        "zh_Hans"
    )
    assert "已於 2026年3月14日 達到金卡會員標準，升級自 2026年3月15日 起生效。" in decision.explain(
        "zh_Hant"
    )


def test_progress_says_when_rather_than_at_the_review() -> None:
    """progress on the qualifying day gives the effective moment and no "at the review" line."""
    state = memberkit.replay(NEXT_DAY, member(), [spend("o1", at(2026, 3, 14, 23, 10), "5000")])
    found = memberkit.progress(NEXT_DAY, state, at(2026, 3, 14, 23, 30))
    codes = [r.code for r in found.reasons]
    assert found.upgrade_at == at(2026, 3, 15, 0, 0)
    assert "tier.upgrade_scheduled" in codes
    assert "tier.upgrade_due" not in codes


def test_validity_counts_from_the_effective_moment() -> None:
    """Gold held 12 months from the upgrade, reached on 20 March with next_month: from 1 April
    2026 through 31 March 2027."""
    p = later("next_month", gold="      validity: {months_from_upgrade: 12}\n")
    state = memberkit.replay(p, member(), [spend("o1", at(2026, 3, 20), "5000")])
    decision = memberkit.tier_of(p, state, at(2026, 4, 1, 0, 0))
    assert (decision.tier, decision.valid_through) == ("gold", datetime(2027, 3, 31).date())


# --- what happens before it takes effect ----------------------------------------------------------


def test_a_refund_before_the_effective_moment_lowers_the_upgrade() -> None:
    """2,000 + 3,000 reach gold on 14 March; returning the 3,000 line that evening leaves 2,000,
    so silver (not gold) takes effect on 15 March, and tier_of said so in between."""
    events = [
        spend("o1", at(2026, 3, 14, 10), "2000", "3000"),
        refund("r1", at(2026, 3, 14, 20), "o1", ("l2", None)),
    ]
    state = memberkit.replay(NEXT_DAY, member(), events)
    between = memberkit.tier_of(NEXT_DAY, state, at(2026, 3, 14, 21))
    assert (between.tier, between.upgrade_tier) == ("basic", "silver")
    after, reasons = memberkit.advance(NEXT_DAY, state, at(2026, 3, 15, 0, 0))
    assert after.tiers.history[-1].tier == "silver"
    assert "tier.upgrade_lowered" in [r.code for r in reasons]


def test_a_full_refund_before_the_effective_moment_withdraws_the_upgrade() -> None:
    """Everything returned before midnight: no upgrade on 15 March, and the reason says why."""
    events = [spend("o1", at(2026, 3, 14, 10), "5000"), refund("r1", at(2026, 3, 14, 20), "o1")]
    state = memberkit.replay(NEXT_DAY, member(), events)
    assert memberkit.tier_of(NEXT_DAY, state, at(2026, 3, 14, 21)).upgrade_tier is None
    after, reasons = memberkit.advance(NEXT_DAY, state, at(2026, 3, 15, 0, 0))
    assert after.tiers.current == "basic"
    assert [r.code for r in reasons] == ["tier.upgrade_withdrawn"]


def test_a_refund_after_the_effective_moment_waits_for_the_review() -> None:
    """Returned on 16 March, after gold took effect: refunds: at_review keeps gold until then."""
    events = [spend("o1", at(2026, 3, 14, 10), "5000"), refund("r1", at(2026, 3, 16), "o1")]
    state = memberkit.replay(NEXT_DAY, member(), events)
    assert memberkit.tier_of(NEXT_DAY, state, at(2026, 3, 16, 13)).tier == "gold"


def test_a_higher_tier_the_same_day_replaces_the_lower_one() -> None:
    """Silver at 10:00 and gold at 15:00 on 14 March both take effect at midnight: one step to
    gold, never silver in between."""
    events = [spend("o1", at(2026, 3, 14, 10), "1000"), spend("o2", at(2026, 3, 14, 15), "4000")]
    state = memberkit.replay(NEXT_DAY, member(), events, as_of=at(2026, 3, 20))
    assert [(c.tier, c.at) for c in state.tiers.history] == [
        ("basic", at(2026, 1, 1, 0, 0)),
        ("gold", at(2026, 3, 15, 0, 0)),
    ]


def test_a_higher_tier_later_takes_effect_on_its_own_day() -> None:
    """{days: 3}: silver reached on 14 March takes effect on the 17th, gold reached on the 15th
    on the 18th; gold is not brought forward to the 17th."""
    events = [spend("o1", at(2026, 3, 14, 10), "1000"), spend("o2", at(2026, 3, 15, 10), "4000")]
    state = memberkit.replay(THREE_DAYS, member(), events)
    assert memberkit.due_moments(THREE_DAYS, state, at(2026, 3, 15, 10), at(2026, 3, 31)) == (
        at(2026, 3, 17, 0, 0),
        at(2026, 3, 18, 0, 0),
    )
    assert [
        memberkit.tier_of(THREE_DAYS, state, when).tier
        for when in (at(2026, 3, 16, 23, 59), at(2026, 3, 17, 0, 0), at(2026, 3, 18, 0, 0))
    ] == ["basic", "silver", "gold"]


def test_a_review_in_between_does_not_bring_the_upgrade_forward() -> None:
    """{days: 7}: gold reached on 28 December takes effect on 4 January, judged on last year's
    figures; the year-end review on 1 January leaves the base tier in force."""
    p = later("{days: 7}")
    state = memberkit.replay(p, member(), [spend("o1", at(2026, 12, 28), "5000")])
    on_2nd = memberkit.tier_of(p, state, at(2027, 1, 2))
    on_4th = memberkit.tier_of(p, state, at(2027, 1, 4, 0, 0))
    assert (on_2nd.tier, on_2nd.upgrade_at) == ("basic", at(2027, 1, 4, 0, 0))
    assert (on_4th.tier, on_4th.figures["spend"]) == ("gold", 0)


def test_a_review_at_the_effective_moment_judges_the_new_tier() -> None:
    """Gold reached at 23:10 on 31 December takes effect at 1 January 00:00, the year-end review:
    the upgrade comes first, the review keeps gold on the year's 5,000 (3,000 keeps it)."""
    state = memberkit.replay(
        NEXT_DAY, member(), [spend("o1", at(2026, 12, 31, 23, 10), "5000")], as_of=at(2027, 2, 1)
    )
    assert [(c.tier, c.reason, c.at) for c in state.tiers.history[1:]] == [
        ("gold", "upgrade", at(2027, 1, 1, 0, 0))
    ]


def test_reaching_a_higher_tier_cancels_an_announced_downgrade_at_once() -> None:
    """Silver since March 2026, nothing spent in 2027: the 2028 review announces basic for
    31 January (30 days' grace); 5,000 on 10 January cancels it at once and gold follows on the
    11th."""
    p = later("next_day", extra="  grace_days: 30\n")
    state = memberkit.replay(
        p, member(), [spend("o1", at(2026, 3, 14), "1000")], as_of=at(2028, 1, 5)
    )
    announced = memberkit.tier_of(p, state, at(2028, 1, 5))
    assert (announced.tier, announced.pending_tier) == ("silver", "basic")
    state, outcome = memberkit.apply(p, state, spend("o2", at(2028, 1, 10), "5000"))
    assert {"tier.downgrade_cancelled", "tier.upgrade_scheduled"} <= {
        r.code for r in outcome.reasons
    }
    between = memberkit.tier_of(p, state, at(2028, 1, 10, 13))
    assert (between.tier, between.pending_tier, between.upgrade_tier) == ("silver", None, "gold")
    assert memberkit.tier_of(p, state, at(2028, 2, 1)).tier == "gold"


# --- the state -----------------------------------------------------------------------------------


def test_a_pending_upgrade_survives_the_json_round_trip() -> None:
    """The state between qualifying and taking effect reads back equal and answers the same."""
    state = memberkit.replay(NEXT_DAY, member(), [spend("o1", at(2026, 3, 14, 23, 10), "5000")])
    text = memberkit.state_to_json(state)
    back = memberkit.state_from_json(text)
    # (A row of format 5: the moment in the member's offset as seconds since 1970.)
    assert f'"upgrades_due":[[{int(at(2026, 3, 15, 0, 0).timestamp())},"gold",' in text
    assert back == state
    assert memberkit.tier_of(NEXT_DAY, back, at(2026, 3, 15)).tier == "gold"


def test_a_state_without_a_pending_upgrade_writes_no_key() -> None:
    """Default values stay out of the JSON: a state with nothing waiting has no upgrades_due."""
    events = [spend("o1", at(2026, 3, 14, 23, 10), "5000"), spend("o2", at(2026, 3, 16), "100")]
    state = memberkit.replay(NEXT_DAY, member(), events)
    assert state.tiers.current == "gold"
    assert "upgrades_due" not in memberkit.state_to_json(state)


# --- the policy ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "read"),
    [
        ("immediate", "immediate"),
        ("at_review", "at_review"),
        ("{effective: next_day}", {"effective": "next_day"}),
        ("{effective: next_month}", {"effective": "next_month"}),
        ("{effective: {days: 30}}", {"effective": {"days": 30}}),
    ],
)
def test_the_accepted_forms_load(form: str, read: object) -> None:
    """The two words keep their meaning and the mapping form reads back as written."""
    p = policy(f"tiers:\n  ladder: [{{id: basic}}]\n  upgrade: {form}\n")
    assert p.document.tiers is not None
    assert p.document.tiers.model_dump(mode="json")["upgrade"] == read


@pytest.mark.parametrize(
    ("form", "path", "message"),
    [
        ("next_day", "tiers.upgrade", "for a tier that takes effect later write {effective: "),
        ("immediatly", "tiers.upgrade", "did you mean 'immediate'?"),
        ("{effective: nextday}", "tiers.upgrade.effective", "did you mean 'next_day'?"),
        ("{effective: 3}", "tiers.upgrade.effective", "write a number of days as a mapping"),
        ("{effective: {days: 0}}", "tiers.upgrade.effective.days", "or upgrade: immediate"),
        ("{effective: {days: 400}}", "tiers.upgrade.effective.days", "write at most 366"),
        ("{effective: {days: true}}", "tiers.upgrade.effective.days", "whole number of days"),
        ("{efective: next_day}", "tiers.upgrade.efective", "did you mean 'effective'?"),
        ("[next_day]", "tiers.upgrade", "{effective: next_month} or {effective: {days: N}}"),
    ],
)
def test_bad_forms_are_refused_with_what_to_write(form: str, path: str, message: str) -> None:
    """Each wrong form is located and says what to write instead."""
    with pytest.raises(memberkit.PolicyError) as caught:
        policy(f"tiers:\n  ladder: [{{id: basic}}]\n  upgrade: {form}\n")
    issues = [(i.path, i.message) for i in caught.value.issues]
    assert any(p == path and message in m for p, m in issues), issues


def test_a_month_ending_under_a_whole_months_window_counts_from_its_first_midnight() -> None:
    """Gold on the last full month's 5,000: March's order is counted when March ends (1 April
    00:00), which is when gold is reached; with next_day it takes effect on 2 April."""
    p = later("next_day", gold="      window: {qualify: {full_months: 1}}\n")
    state = memberkit.replay(p, member(), [spend("o1", at(2026, 3, 20), "5000")])
    on_1st = memberkit.tier_of(p, state, at(2026, 4, 1, 12))
    assert (on_1st.tier, on_1st.upgrade_tier, on_1st.upgrade_at) == (
        "silver",
        "gold",
        at(2026, 4, 2, 0, 0),
    )
    assert memberkit.tier_of(p, state, at(2026, 4, 2, 0, 0)).tier == "gold"


def test_a_rename_in_between_carries_the_waiting_upgrade() -> None:
    """{days: 3}: gold reached on 14 March is due on the 17th; a version renaming gold to vip on
    the 16th carries it, and vip takes effect on the 17th."""
    p = memberkit.parse_policy(
        "memberkit: 1\n"
        "program: {id: t, currency: CNY, timezone: Asia/Shanghai, locale: en}\n"
        "tiers:\n"
        "  ladder: [{id: basic}, {id: gold, qualify: {spend: 1000}}]\n"
        "  upgrade: {effective: {days: 3}}\n"
        "versions:\n"
        "  - effective_from: 2026-03-16\n"
        "    announced: 2026-02-01\n"
        "    renames: {tiers: {gold: vip}}\n"
        "    tiers:\n"
        "      ladder: [{id: basic}, {id: vip, qualify: {spend: 1000}}]\n"
        "      upgrade: {effective: {days: 3}}\n"
    )
    state = memberkit.replay(p, member(), [spend("o1", at(2026, 3, 14), "1000")])
    between = memberkit.tier_of(p, state, at(2026, 3, 16, 12))
    assert (between.tier, between.upgrade_tier) == ("basic", "vip")
    assert memberkit.tier_of(p, state, at(2026, 3, 17, 0, 0)).tier == "vip"
