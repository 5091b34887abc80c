"""Timed rules (points.timed): decay after inactivity, blocks, card years, dates and tier moments."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import activity, at, policy, purchase, refund
from tests.points.builders import applied, event, findings, member, points_policy, total
from tests.tiers.builders import RETAIL

import memberkit
from memberkit import MemberState, Policy
from memberkit.i18n._render import render

BASE = "earn:\n  - {id: base, per: 1 CNY, points: 1}\n"

DECAY = points_policy(
    BASE + "timed:\n"
    "  - id: decay\n"
    "    name: {zh_Hans: 不活跃衰减, en: Inactivity decay}\n"
    "    at: {inactive: {weeks: 8}, every: {weeks: 1}, times: 3}\n"
    "    do: {expire: 10%, min_points: 50, rounding: ceil}\n"
)


def _available(p: Policy, state: MemberState, moment: datetime) -> int:
    return int(memberkit.balance(p, state, moment).available)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Last purchase 10 Jan; 8 weeks later is 7 Mar, so the first step is at the end of 7 Mar.
        (at(2026, 3, 7, 23, 59), 1000),
        (at(2026, 3, 8, 0, 0), 900),  # 10% of 1000
        (at(2026, 3, 15, 0, 0), 810),  # 10% of 900
        (at(2026, 3, 22, 0, 0), 729),  # 10% of 810 (81)
        (at(2027, 1, 1), 729),  # times: 3, then no more steps
    ],
)
def test_weekly_decay_after_eight_inactive_weeks(moment: datetime, expected: int) -> None:
    """A share of the balance lapses each week once the member has been inactive 8 weeks."""
    state = applied(DECAY, member(), purchase("o1", at(2026, 1, 10), ("l1", "x", "1000")))
    assert _available(DECAY, state, moment) == expected


def test_decay_takes_at_least_the_floor_and_rounds_as_stated() -> None:
    """10% of 300 is 30, below the floor of 50; 10% of 905 is 90.5, rounded up to 91."""
    small = applied(DECAY, member(), purchase("o1", at(2026, 1, 10), ("l1", "x", "300")))
    assert _available(DECAY, small, at(2026, 3, 8, 0, 0)) == 250
    odd = applied(DECAY, member(), purchase("o1", at(2026, 1, 10), ("l1", "x", "905")))
    assert _available(DECAY, odd, at(2026, 3, 8, 0, 0)) == 814


def test_the_floor_never_takes_more_than_the_balance() -> None:
    """With 30 points held, a floor of 50 takes the 30 and no more."""
    state = applied(DECAY, member(), purchase("o1", at(2026, 1, 10), ("l1", "x", "30")))
    state, _ = memberkit.advance(DECAY, state, at(2026, 3, 8, 0, 0))
    assert _available(DECAY, state, at(2026, 3, 8, 0, 0)) == 0
    assert total(state) == 0


def test_a_purchase_restarts_the_count() -> None:
    """A purchase after the first step moves the next step to 8 weeks after it."""
    state = applied(
        DECAY,
        member(),
        purchase("o1", at(2026, 1, 10), ("l1", "x", "1000")),
        purchase("o2", at(2026, 3, 10), ("l1", "x", "100")),
    )
    # 900 left after the step of 8 Mar, plus 100.
    assert _available(DECAY, state, at(2026, 5, 5, 23, 59)) == 1000
    assert _available(DECAY, state, at(2026, 5, 6, 0, 0)) == 900


def test_decay_is_explained_and_journaled_against_the_lots() -> None:
    """The reason names the rule and the day; the journal line names the lot it took from."""
    state = applied(DECAY, member(), purchase("o1", at(2026, 1, 10), ("l1", "x", "1000")))
    state, reasons = memberkit.advance(DECAY, state, at(2026, 3, 9))
    assert [r.code for r in reasons] == ["points.timed_expired"]
    assert render(reasons[0], "en") == "Inactivity decay: 100 points expired after Mar 7, 2026."
    assert render(reasons[0], "zh_Hans") == "不活跃衰减：100 积分于2026年3月7日后失效。"
    assert [(e.kind, e.points, e.rule) for e in state.points.journal][-1] == (
        "expire",
        -100,
        "o1/points",
    )


def test_a_refund_after_decay_takes_back_only_what_decay_left() -> None:
    """Points of an order lost to decay are not taken again from the member's other points."""
    state = applied(
        DECAY,
        member(),
        purchase("o1", at(2026, 1, 10), ("l1", "x", "1000")),
    )
    state, _ = memberkit.advance(DECAY, state, at(2026, 3, 9))
    state = applied(DECAY, state, refund("r1", at(2026, 3, 9, 13), "o1"))
    assert _available(DECAY, state, at(2026, 3, 9, 14)) == 0
    assert total(state) == 0


def test_the_agenda_lists_the_decay_steps() -> None:
    """due_moments gives the steps advance would act on, and no more than ``times``."""
    state = applied(DECAY, member(), purchase("o1", at(2026, 1, 10), ("l1", "x", "1000")))
    moments = memberkit.due_moments(DECAY, state, at(2026, 1, 10, 13), at(2027, 1, 1))
    assert moments == (at(2026, 3, 8, 0, 0), at(2026, 3, 15, 0, 0), at(2026, 3, 22, 0, 0))


DEADLINE = points_policy(BASE + "timed:\n  - {id: claim, at: 2026-06-30, do: {expire: all}}\n")


def test_points_not_claimed_by_a_date_are_forfeited_after_it() -> None:
    """Valid through the whole of 30 June; gone at midnight."""
    state = applied(DEADLINE, member(), purchase("o1", at(2026, 2, 1), ("l1", "x", "500")))
    assert _available(DEADLINE, state, at(2026, 6, 30, 23, 59)) == 500
    assert _available(DEADLINE, state, at(2026, 7, 1, 0, 0)) == 0
    # Points earned after the deadline are not touched by it.
    later = applied(DEADLINE, state, purchase("o2", at(2026, 7, 2), ("l1", "x", "80")))
    assert _available(DEADLINE, later, at(2027, 1, 1)) == 80


CARD_YEAR = points_policy(
    BASE + "expiry: {rolling_months: 12}\n"
    "timed:\n"
    "  - {id: keep, at: {every: {months: 12}}, when: {balance: {'>=': 1000}}, "
    "do: {extend_months: 12}}\n"
    "  - {id: void, at: {every: {months: 12}}, when: {balance: {'<': 1000}}, do: {expire: all}}\n"
)


def test_a_card_year_ends_with_the_balance_deciding() -> None:
    """Joined 1 Mar: at the card year's end 1,200 points live a year longer; 800 are void."""
    joined = at(2026, 3, 1, 0, 0)
    rich = applied(
        CARD_YEAR, member(joined=joined), purchase("o1", at(2026, 4, 1), ("l1", "x", "1200"))
    )
    state, _ = memberkit.advance(CARD_YEAR, rich, at(2027, 3, 1, 0, 0))
    [lot] = state.points.lots
    assert lot.expires_at == at(2028, 4, 2, 0, 0)
    # The forecast runs to that date: the card year ending on 1 Mar 2028 pushes them again.
    held = memberkit.balance(CARD_YEAR, rich, at(2027, 3, 1, 0, 0))
    assert held.schedule == ((date(2029, 4, 1), 1200),)
    poor = applied(
        CARD_YEAR, member(joined=joined), purchase("o1", at(2026, 4, 1), ("l1", "x", "800"))
    )
    assert _available(CARD_YEAR, poor, at(2027, 2, 28, 23, 59)) == 800
    assert _available(CARD_YEAR, poor, at(2027, 3, 1, 0, 0)) == 0


def test_calendar_blocks_end_on_the_first_of_the_month() -> None:
    """Quarters from 1 January: a quarter's points are cut by a share at 1 Apr and 1 Jul."""
    p = points_policy(
        BASE + "timed:\n  - {id: q, at: {every: {months: 3}, from: calendar}, do: {expire: 50%}}\n"
    )
    state = applied(p, member(), purchase("o1", at(2026, 2, 10), ("l1", "x", "1000")))
    moments = memberkit.due_moments(p, state, at(2026, 2, 11), at(2026, 12, 31))
    assert moments[:2] == (at(2026, 4, 1, 0, 0), at(2026, 7, 1, 0, 0))
    assert _available(p, state, at(2026, 7, 1, 0, 0)) == 250


BLOCKS = policy(
    RETAIL.format(window="calendar_year") + "points:\n"
    "  earn: [{id: base, per: 1 CNY, points: 1}]\n"
    "  timed:\n"
    "    - id: block\n"
    "      at: {every: {months: 6}, from: joining}\n"
    "      when: {not: {tier_reached: [gold, platinum]}}\n"
    "      do: {expire: all}\n"
)


def test_points_are_cleared_at_a_block_end_unless_gold_was_reached_in_the_block() -> None:
    """Joined 15 Jan; the block ends 15 Jul. 500 spent: cleared. 8,000 spent (gold): kept."""
    joined = at(2026, 1, 15, 0, 0)
    small = applied(
        BLOCKS, member(joined=joined), purchase("o1", at(2026, 2, 1), ("l1", "x", "500"))
    )
    assert _available(BLOCKS, small, at(2026, 7, 14, 23, 59)) == 500
    assert _available(BLOCKS, small, at(2026, 7, 15, 0, 0)) == 0
    big = applied(
        BLOCKS, member(joined=joined), purchase("o1", at(2026, 2, 1), ("l1", "x", "8000"))
    )
    assert memberkit.tier_of(BLOCKS, big, at(2026, 2, 2)).tier == "gold"
    assert _available(BLOCKS, big, at(2026, 7, 15, 0, 0)) == 8000


TIER_MOMENTS = policy(
    RETAIL.format(window="calendar_year") + "points:\n"
    "  currencies:\n"
    "    - {id: points}\n"
    "    - {id: stars, name: {en: stars, zh_Hans: 星星}}\n"
    "  earn:\n"
    "    - {id: base, per: 1 CNY, points: 1}\n"
    "    - {id: star, per: 100 CNY, points: 1, currency: stars}\n"
    "  timed:\n"
    "    - {id: reset, currency: stars, at: tier_review, do: {expire: all}}\n"
    "    - {id: down, at: tier_down, do: {expire: all}}\n"
)


def test_a_currency_is_reset_at_each_tier_review() -> None:
    """Stars start again from zero at the year-end review; points are untouched by it."""
    state = applied(
        TIER_MOMENTS,
        memberkit.new_member("m1", at(2026, 1, 1, 0, 0)),
        purchase("o1", at(2026, 5, 1), ("l1", "x", "8000")),
    )
    stars = memberkit.balance(TIER_MOMENTS, state, at(2026, 12, 31, 23, 59), "stars")
    assert stars.available == 80
    after = memberkit.balance(TIER_MOMENTS, state, at(2027, 1, 1, 0, 0), "stars")
    assert after.available == 0
    assert _available(TIER_MOMENTS, state, at(2027, 1, 1, 0, 0)) == 8000


def test_points_expire_when_the_member_goes_down_a_tier() -> None:
    """Gold from 2026 spend, kept at the 2027 review, lost at the 2028 review with its points."""
    state = applied(
        TIER_MOMENTS,
        memberkit.new_member("m1", at(2026, 1, 1, 0, 0)),
        purchase("o1", at(2026, 5, 1), ("l1", "x", "8000")),
    )
    assert memberkit.tier_of(TIER_MOMENTS, state, at(2027, 6, 1)).tier == "gold"
    assert _available(TIER_MOMENTS, state, at(2027, 12, 31, 23, 59)) == 8000
    assert memberkit.tier_of(TIER_MOMENTS, state, at(2028, 1, 1, 0, 0)).tier != "gold"
    assert _available(TIER_MOMENTS, state, at(2028, 1, 1, 0, 0)) == 0


@pytest.mark.parametrize(
    ("body", "path", "words"),
    [
        (
            "timed:\n  - {id: t, currency: starz, at: 2026-06-30, do: {expire: all}}\n",
            ("points", "timed", 0, "currency"),
            "unknown points currency 'starz'",
        ),
        (
            "expiry: {inactivity_months: 12}\n"
            "timed:\n  - {id: t, at: 2026-06-30, do: {extend_months: 3}}\n",
            ("points", "timed", 0, "do", "extend_months"),
            "no last valid day",
        ),
        (
            "timed:\n  - {id: t, at: tier_review, when: {tier: [golden]}, do: {expire: all}}\n",
            ("points", "timed", 0, "when", "tier"),
            "unknown tier 'golden'",
        ),
        (
            "timed:\n  - {id: t, at: 2026-06-30, do: {expire: all}}\n"
            "  - {id: t, at: 2026-07-30, do: {expire: all}}\n",
            ("points", "timed", 1, "id"),
            "declared twice",
        ),
    ],
)
def test_cross_checks_point_at_the_key_and_say_what_to_write(
    body: str, path: tuple[object, ...], words: str
) -> None:
    """Each mistake is located and explained."""
    found = findings(body)
    assert [f.path for f in found] == [path]
    assert words in found[0].message


def test_tier_moments_need_a_ladder() -> None:
    """tier_review without tiers is refused at `at`."""
    found = findings("timed:\n  - {id: t, at: tier_review, do: {expire: all}}\n", tiers=())
    assert [(f.path, f.code) for f in found] == [(("points", "timed", 0, "at"), "no_tiers")]


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("{id: t, at: {every: {weeks: 1}, times: 3}, do: {expire: all}}", "'times' limits"),
        ("{id: t, at: 2026-06-30, do: {expire: all, rounding: ceil}}", "'rounding' goes with"),
        ("{id: t, at: tier_revew, do: {expire: all}}", "did you mean 'tier_review'"),
        ("{id: t, at: {every: {months: 5}, from: calendar}, do: {expire: all}}", "divide the year"),
        ("{id: t, at: {every: {weeks: 2, days: 3}}, do: {expire: all}}", "exactly one of"),
        ("{id: t, at: 2026-06-30, do: {expire: 5%, extend_months: 2}}", "exactly one action"),
        (
            "{id: t, at: {inactive: {weeks: 2}, activity: [refund]}, do: {expire: all}}",
            "does not count as activity",
        ),
        (
            "{id: t, at: {inactive: {weeks: 2}, activity: [purchse]}, do: {expire: all}}",
            "did you mean 'purchase'",
        ),
        ("{id: t, at: 2026-06-30, do: {expire: 150%}}", "less than or equal to 1"),
    ],
)
def test_a_policy_file_refuses_a_malformed_rule_with_its_line(rule: str, words: str) -> None:
    """parse_policy reports file:line:col and the words of the refusal."""
    with pytest.raises(memberkit.PolicyError) as info:
        policy("points:\n  timed:\n    - " + rule + "\n", source="p.yaml")
    text = str(info.value)
    assert "p.yaml:5:" in text, text
    assert words in text, text


def test_an_activity_kind_restarts_the_count_when_listed() -> None:
    """With activity: [purchase, checkin], a check-in moves the first step back."""
    p = points_policy(
        BASE + "timed:\n"
        "  - {id: d, at: {inactive: {weeks: 8}, activity: [purchase, checkin]}, do: {expire: all}}\n"
    )
    state = applied(
        p,
        member(),
        purchase("o1", at(2026, 1, 10), ("l1", "x", "100")),
        activity("c1", at(2026, 2, 1), "checkin"),
    )
    # 1 Feb + 8 weeks is 29 Mar: valid through that day.
    assert _available(p, state, at(2026, 3, 29, 23, 59)) == 100
    assert _available(p, state, at(2026, 3, 30, 0, 0)) == 0


_moves = st.lists(
    st.tuples(
        st.sampled_from(["buy", "big", "refund", "checkin"]),
        st.integers(min_value=1, max_value=120),
    ),
    max_size=12,
)


def _tier_events(moves: list[tuple[str, int]]) -> list[memberkit.Event]:
    events: list[memberkit.Event] = []
    moment = at(2026, 1, 3)
    orders: list[str] = []
    for i, (kind, days) in enumerate(moves):
        moment += timedelta(days=days)
        if kind == "refund" and orders:
            events.append(refund(f"e{i}", moment, orders.pop()))
        elif kind == "checkin":
            events.append(activity(f"e{i}", moment, "checkin"))
        else:
            spent = "6000" if kind == "big" else "300"
            events.append(purchase(f"e{i}", moment, ("l1", "x", spent)))
            orders.append(f"e{i}")
    return events


@given(_moves)
def test_tier_moment_rules_conserve_points_and_replay_equals_step_by_step(
    moves: list[tuple[str, int]],
) -> None:
    """With rules at reviews and steps down: journal = lots per currency, replay = apply."""
    state = memberkit.new_member("m1", at(2026, 1, 1, 0, 0))
    events = _tier_events(moves)
    for item in events:
        state, _ = memberkit.apply(TIER_MOMENTS, state, item)
        for currency in ("points", "stars"):
            journal = sum(e.points for e in state.points.journal if e.currency == currency)
            lots = sum(lot.remaining for lot in state.points.lots if lot.currency == currency)
            assert journal == lots - state.points.debt_of(currency)
    assert (
        memberkit.replay(TIER_MOMENTS, memberkit.new_member("m1", at(2026, 1, 1, 0, 0)), events)
        == state
    )
    # Two years on, every review and step down has acted: still conserved.
    later, _ = memberkit.advance(
        TIER_MOMENTS, state, (state.clock or at(2026, 1, 1)) + timedelta(days=730)
    )
    for currency in ("points", "stars"):
        journal = sum(e.points for e in later.points.journal if e.currency == currency)
        assert journal == sum(
            lot.remaining for lot in later.points.lots if lot.currency == currency
        )


def test_a_step_down_at_a_refund_is_a_tier_moment_too() -> None:
    """With refunds: at_once, refunding the order that made gold steps down and forfeits."""
    at_once = policy(
        RETAIL.format(window="calendar_year").replace("  window:", "  refunds: at_once\n  window:")
        + "points:\n"
        "  earn: [{id: base, per: 1 CNY, points: 1}]\n"
        "  timed: [{id: down, at: tier_down, do: {expire: all}}]\n"
    )
    state = applied(
        at_once,
        memberkit.new_member("m1", at(2026, 1, 1, 0, 0)),
        purchase("o1", at(2026, 2, 1), ("l1", "x", "500")),
        purchase("o2", at(2026, 3, 1), ("l1", "x", "8000")),
    )
    assert memberkit.tier_of(at_once, state, at(2026, 3, 2)).tier == "gold"
    state, outcome = memberkit.apply(at_once, state, refund("r1", at(2026, 3, 5), "o2"))
    assert memberkit.tier_of(at_once, state, at(2026, 3, 6)).tier != "gold"
    assert "points.timed_expired" in [r.code for r in outcome.reasons]
    # The 500 points of the first order are forfeited with the step down.
    assert _available(at_once, state, at(2026, 3, 6)) == 0


def _card_year(program: str = "") -> Policy:
    return memberkit.parse_policy(
        "memberkit: 1\n"
        "program: {id: t, currency: CNY, timezone: Asia/Shanghai, locale: zh_Hans" + program + "}\n"
        "points:\n"
        "  earn: [{id: base, per: 1 CNY, points: 1}]\n"
        "  timed:\n"
        "    - {id: few, at: {every: {months: 12}}, when: {orders: {'<': 2}}, do: {expire: all}}\n"
        "    - {id: small, at: {every: {months: 12}}, when: {spend: {'<': 1000}}, do: {expire: 50%}}\n",
        source="t.yaml",
    )


@pytest.mark.parametrize(
    ("orders", "refunds", "expected"),
    [
        # One order: fewer than 2 in the card year, all void.
        ((("o1", "1500"),), (), 0),
        # Two orders, 1100 spent: kept whole.
        ((("o1", "600"), ("o2", "500")), (), 1100),
        # Two orders, one fully refunded: it does not count; 600 left, all void.
        ((("o1", "600"), ("o2", "500")), ("o2",), 0),
        # Two orders, 800 spent: under 1000, half void.
        ((("o1", "300"), ("o2", "500")), (), 400),
    ],
)
def test_a_block_reads_its_orders_and_spend(
    orders: tuple[tuple[str, str], ...], refunds: tuple[str, ...], expected: int
) -> None:
    """Joined 1 Mar 2026: the card year's orders and net spend decide at 1 Mar 2027."""
    p = _card_year()
    state = memberkit.new_member("m1", at(2026, 3, 1, 0, 0))
    for i, (order, amount) in enumerate(orders):
        state = applied(p, state, purchase(order, at(2026, 4, 1 + i), ("l1", "x", amount)))
    for order in refunds:
        state = applied(p, state, refund(f"r-{order}", at(2026, 5, 1), order))
    assert _available(p, state, at(2027, 3, 1, 0, 0)) == expected


def test_block_figures_survive_folding() -> None:
    """With a 30-day refund horizon the orders of the card year are still there to count."""
    folded, whole = _card_year(", refund_days: 30"), _card_year()
    events = [purchase(f"o{i}", at(2026, 3 + i, 2), ("l1", "x", "400")) for i in range(3)]
    for p in (folded, whole):
        state = applied(p, memberkit.new_member("m1", at(2026, 3, 1, 0, 0)), *events)
        assert _available(p, state, at(2027, 3, 1, 0, 0)) == 1200


def test_block_figures_are_refused_without_a_block() -> None:
    """orders with a date moment has no block to count: refused at `when`."""
    found = findings("timed:\n  - {id: t, at: 2026-06-30, when: {orders: 0}, do: {expire: all}}\n")
    assert [(f.path, f.code) for f in found] == [(("points", "timed", 0, "when"), "no_block")]


CLOSE = points_policy(
    BASE + "redeem: {points_per_unit: 100}\n"
    "timed:\n"
    "  - id: dormant\n"
    "    name: {zh_Hans: 休眠销户, en: Dormant account}\n"
    "    at: {inactive: {months: 24}}\n"
    "    do: {expire: all, close: true}\n"
)


def test_forfeit_and_close_after_long_inactivity() -> None:
    """24 months without a purchase: points forfeited, the account closed, later earning nil."""
    state = applied(CLOSE, member(), purchase("o1", at(2026, 1, 10), ("l1", "x", "300")))
    assert _available(CLOSE, state, at(2028, 1, 10, 23, 59)) == 300
    later, reasons = memberkit.advance(CLOSE, state, at(2028, 1, 11, 0, 0))
    assert [r.code for r in reasons] == ["points.account_closed", "points.timed_expired"]
    assert later.points.closed_at("points") == at(2028, 1, 11, 0, 0)
    after, outcome = memberkit.apply(
        CLOSE, later, purchase("o2", at(2028, 2, 1), ("l1", "x", "100"))
    )
    assert outcome.accepted
    assert "points.closed" in [r.code for r in outcome.reasons]
    assert _available(CLOSE, after, at(2028, 2, 2)) == 0
    assert total(after) == 0
    quote = memberkit.quote_points(CLOSE, later, purchase("o3", at(2028, 2, 1), ("l1", "x", "100")))
    assert quote.totals == ()


def test_a_closed_account_refuses_redemptions_and_adjustments() -> None:
    """Moving points of a closed account is refused with the reason, and changes nothing."""
    state = applied(CLOSE, member(), purchase("o1", at(2026, 1, 10), ("l1", "x", "300")))
    later, _ = memberkit.advance(CLOSE, state, at(2028, 2, 1))
    for item in (
        event("redemption", "r1", at(2028, 2, 2), points=100),
        event("adjustment", "a1", at(2028, 2, 2), points=50, reason="goodwill"),
    ):
        after, outcome = memberkit.apply(CLOSE, later, item)
        assert not outcome.accepted
        assert [r.code for r in outcome.reasons] == ["points.closed"]
        assert after.points == later.points


def test_an_account_with_no_points_is_closed_too() -> None:
    """A member who never earned is still closed after 24 months inactive."""
    later, _ = memberkit.advance(CLOSE, member(), at(2028, 1, 2, 0, 0))
    assert later.points.closed_at("points") == at(2028, 1, 2, 0, 0)


def test_a_closed_state_survives_json() -> None:
    """The closure is part of the stored state."""
    later, _ = memberkit.advance(CLOSE, member(), at(2028, 6, 1))
    assert memberkit.state_from_json(memberkit.state_to_json(later)) == later


def _program(body: str) -> Policy:
    return memberkit.parse_policy(
        "memberkit: 1\nprogram: {id: t, currency: CNY, timezone: Asia/Shanghai, locale: zh_Hans}\n"
        + body,
        source="t.yaml",
    )


def test_a_version_adding_a_timed_rule_acts_only_from_its_start() -> None:
    """A rule of a version from 15 Jun never acts on a moment before it, in one step or many."""
    p = _program(
        "points:\n  earn: [{id: base, per: 1 CNY, points: 1}]\n"
        "versions:\n  - effective_from: 2026-06-15\n    announced: 2026-05-01\n"
        "    points:\n      earn: [{id: base, per: 1 CNY, points: 1}]\n"
        "      timed:\n        - {id: idle, at: {inactive: {days: 30}}, do: {expire: all}}\n"
        "        - {id: claim, at: 2026-04-30, do: {expire: 50%}}\n"
    )
    state = applied(p, member(), purchase("o1", at(2026, 1, 2), ("l1", "x", "1000")))
    big, _ = memberkit.advance(p, state, at(2026, 7, 1))
    small = state
    for month in range(2, 8):
        small, _ = memberkit.advance(p, small, at(2026, month, 1))
    assert _available(p, big, at(2026, 7, 1)) == _available(p, small, at(2026, 7, 1)) == 1000
    assert [e.kind for e in big.points.journal] == ["earn"]


def test_a_renamed_currency_stays_closed() -> None:
    """Closed as stars, renamed beans by a version: still closed, nothing earned in it."""
    p = _program(
        "points:\n  currencies: [{id: stars}]\n  earn: [{id: base, per: 1 CNY, points: 1}]\n"
        "  timed: [{id: c, at: {inactive: {days: 10}}, do: {expire: all, close: true}}]\n"
        "versions:\n  - effective_from: 2026-03-01\n    announced: 2026-02-01\n"
        "    renames: {currencies: {stars: beans}}\n"
        "    points:\n      currencies: [{id: beans}]\n"
        "      earn: [{id: base, per: 1 CNY, points: 1}]\n"
        "      timed: [{id: c, at: {inactive: {days: 10}}, do: {expire: all, close: true}}]\n"
    )
    state = applied(p, member(), purchase("o1", at(2026, 1, 2), ("l1", "x", "1000")))
    state = applied(p, state, purchase("o2", at(2026, 3, 5), ("l1", "x", "700")))
    assert [c for c, _ in state.points.closed] == ["beans"]
    assert memberkit.balance(p, state, at(2026, 3, 6), "beans").available == 0


def test_closing_forfeits_pending_points_too() -> None:
    """Points still pending when the account closes are forfeited, not released into it later."""
    p = points_policy(
        BASE + "pending: {days: 30}\n"
        "timed: [{id: c, at: {inactive: {days: 10}}, do: {expire: all, close: true}}]\n"
    )
    state = applied(p, member(), purchase("o1", at(2026, 1, 2), ("l1", "x", "1000")))
    later, _ = memberkit.advance(p, state, at(2026, 3, 1))
    held = memberkit.balance(p, later, at(2026, 3, 1))
    assert (held.available, held.pending) == (0, 0)
    assert total(later) == 0


def test_monthly_repeats_count_from_the_last_activity_not_a_clamped_day() -> None:
    """Last purchase 31 Jan: 1 month inactive ends 28 Feb, then 31 Mar and 30 Apr."""
    p = points_policy(
        BASE + "timed:\n  - {id: d, at: {inactive: {months: 1}, every: {months: 1}, times: 3}, "
        "do: {expire: 10%}}\n"
    )
    state = applied(p, member(), purchase("o1", at(2026, 1, 31), ("l1", "x", "1000")))
    assert memberkit.due_moments(p, state, at(2026, 2, 1), at(2026, 12, 31)) == (
        at(2026, 3, 1, 0, 0),
        at(2026, 4, 1, 0, 0),
        at(2026, 5, 1, 0, 0),
    )


def test_the_balance_schedule_forecasts_timed_rules_as_advance_will() -> None:
    """A claim deadline cuts the schedule; held gold pushes it; both as advance will do."""
    claim = points_policy(
        BASE + "expiry: {rolling_months: 24}\n"
        "timed: [{id: claim, at: 2026-06-30, do: {expire: all}}]\n"
    )
    state = applied(claim, member(), purchase("o1", at(2026, 1, 2), ("l1", "x", "1000")))
    assert memberkit.balance(claim, state, at(2026, 6, 1)).schedule == ((date(2026, 6, 30), 1000),)
    gold = points_policy(
        BASE + "expiry: {rolling_months: 12, extend_while_tier: {tiers: [gold], months: 12}}\n"
    )
    state = applied(gold, member("gold"), purchase("o1", at(2026, 2, 1), ("l1", "x", "900")))
    # Gold held as far as the history tells: no day of expiry, as expiring agrees.
    assert memberkit.balance(gold, state, at(2026, 6, 1)).schedule == ()
    assert memberkit.expiring(gold, state, at(2026, 6, 1), through=date(2030, 1, 1)).points == 0
