"""Folding: a policy's horizons keep the state small without changing a single decision."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.builders import without_horizons

import memberkit
from memberkit import EventError
from memberkit.i18n._render import render

SHANGHAI = ZoneInfo("Asia/Shanghai")
RETAIL_TEXT = (Path(memberkit.__file__).parent / "examples" / "retail.yaml").read_text(
    encoding="utf-8"
)
REFUND_DAYS = 30


def _with_horizons(text: str, refund: int, journal: int) -> str:
    marker = "  notice_days: 30\n"
    assert marker in text
    return text.replace(marker, f"{marker}  refund_days: {refund}\n  journal_days: {journal}\n")


KEEP = memberkit.parse_policy(without_horizons(RETAIL_TEXT), source="keep.yaml")
FOLD = memberkit.parse_policy(
    _with_horizons(without_horizons(RETAIL_TEXT), REFUND_DAYS, 60), source="fold.yaml"
)
START = datetime(2025, 1, 6, 10, tzinfo=SHANGHAI)


def _purchase(i: int, at: datetime, amount: str, lines: int) -> dict[str, object]:
    return {
        "type": "purchase",
        "id": f"o{i}",
        "at": at.isoformat(),
        "currency": "CNY",
        "channel": "app" if i % 2 else "store",
        "lines": [
            {"id": f"l{k}", "category": "shoes" if k == 0 else "socks", "amount": amount}
            for k in range(lines)
        ],
    }


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, object]]:
    """Years of purchases, refunds within the horizon, check-ins, redemptions and cancels."""
    events: list[dict[str, object]] = []
    at = START
    orders: list[tuple[int, datetime, int]] = []
    redemptions: list[tuple[str, datetime]] = []
    for i in range(draw(st.integers(5, 60))):
        at += timedelta(days=draw(st.integers(0, 40)), hours=draw(st.integers(0, 23)))
        kind = draw(
            st.sampled_from(
                ["purchase"] * 5
                + ["refund", "checkin", "redeem", "cancel", "signup", "review", "adjust", "extend"]
            )
        )
        if kind == "purchase":
            lines = draw(st.integers(1, 3))
            amount = str(draw(st.integers(1, 3000)))
            events.append(_purchase(i, at, amount, lines))
            orders.append((i, at, lines))
        elif kind == "refund" and orders:
            number, placed, lines = orders[-1]
            if (at.date() - placed.date()).days <= REFUND_DAYS:
                events.append(
                    {
                        "type": "refund",
                        "id": f"r{i}",
                        "at": at.isoformat(),
                        "order": f"o{number}",
                        "lines": [{"line": f"l{draw(st.integers(0, lines - 1))}"}],
                    }
                )
                orders.pop()
        elif kind in ("checkin", "signup", "review"):
            events.append({"type": "activity", "id": f"c{i}", "at": at.isoformat(), "kind": kind})
        elif kind == "adjust":
            events.append(
                {
                    "type": "adjustment",
                    "id": f"a{i}",
                    "at": at.isoformat(),
                    "currency": "points",
                    "points": draw(st.integers(-300, 300).filter(bool)),
                    "reason": "staff",
                }
            )
        elif kind == "extend":
            events.append(
                {
                    "type": "points_extension",
                    "id": f"e{i}",
                    "at": at.isoformat(),
                    "currency": "points",
                    "months": draw(st.integers(1, 6)),
                }
            )
        elif kind == "redeem":
            events.append(
                {
                    "type": "redemption",
                    "id": f"x{i}",
                    "at": at.isoformat(),
                    "currency": "points",
                    "reward": "tote-bag",
                }
            )
            redemptions.append((f"x{i}", at))
        elif kind == "cancel" and redemptions:
            rid, made = redemptions.pop()
            if (at.date() - made.date()).days <= REFUND_DAYS:
                events.append(
                    {
                        "type": "redemption_cancel",
                        "id": f"k{i}",
                        "at": at.isoformat(),
                        "redemption": rid,
                    }
                )
    return events


def _run(policy: memberkit.Policy, events: list[dict[str, object]]) -> tuple[object, ...]:
    state = memberkit.new_member("m1", START - timedelta(days=1))
    outcomes = []
    for event in memberkit.parse_events(events):
        try:
            state, outcome = memberkit.apply(policy, state, event)
        except EventError as error:
            outcomes.append(("error", error.code))
            continue
        outcomes.append((outcome.accepted, tuple(r.code for r in outcome.reasons)))
    return state, outcomes


@settings(max_examples=40, deadline=None)
@given(histories(), st.integers(0, 400))
def test_folding_changes_no_decision(events: list[dict[str, object]], later: int) -> None:
    """Every outcome, balance, tier and lifecycle answer is the same with horizons as without."""
    kept, kept_outcomes = _run(KEEP, events)
    folded, folded_outcomes = _run(FOLD, events)
    assert folded_outcomes == kept_outcomes
    assert isinstance(kept, memberkit.MemberState)
    assert isinstance(folded, memberkit.MemberState)
    as_of = (kept.clock or START) + timedelta(days=later)
    assert memberkit.balance(FOLD, folded, as_of) == memberkit.balance(KEEP, kept, as_of)
    assert memberkit.tier_of(FOLD, folded, as_of).tier == memberkit.tier_of(KEEP, kept, as_of).tier
    assert memberkit.lifecycle_stage(FOLD, folded, as_of).explain(
        "en"
    ) == memberkit.lifecycle_stage(KEEP, kept, as_of).explain("en")
    assert memberkit.state_from_json(memberkit.state_to_json(folded)) == folded


def _tier_windows(text: str) -> str:
    """The retail ladder with gold reached on 12 full months and kept over its 12-month term, and
    platinum judged over the last 12 months (rolling) and held to 28 Feb of the next year."""
    gold = "      retain: {any: [{spend: 6000}, {orders: 15}]}\n"
    platinum = "      retain: {spend: 15000}\n"
    assert gold in text
    assert platinum in text
    text = text.replace(
        gold,
        gold + "      window: {qualify: {full_months: 12}, retain: validity}\n"
        "      validity: {months_from_upgrade: 12}\n",
    )
    return text.replace(
        platinum,
        platinum + "      window: {rolling_months: 12}\n"
        '      validity: {until: "02-28", years: 1}\n',
    )


KEEP_WINDOWS = memberkit.parse_policy(
    _tier_windows(without_horizons(RETAIL_TEXT)), source="keep-windows.yaml"
)
FOLD_WINDOWS = memberkit.parse_policy(
    _with_horizons(_tier_windows(without_horizons(RETAIL_TEXT)), REFUND_DAYS, 60),
    source="fold-windows.yaml",
)


@settings(max_examples=25, deadline=None)
@given(histories(), st.integers(0, 400))
def test_folding_changes_no_decision_with_tier_windows(
    events: list[dict[str, object]], later: int
) -> None:
    """With a window per tier (whole months, the term held, rolling) the law holds as well."""
    kept, kept_outcomes = _run(KEEP_WINDOWS, events)
    folded, folded_outcomes = _run(FOLD_WINDOWS, events)
    assert folded_outcomes == kept_outcomes
    assert isinstance(kept, memberkit.MemberState)
    assert isinstance(folded, memberkit.MemberState)
    assert [(c.tier, c.at, c.reason, c.valid_until) for c in folded.tiers.history] == [
        (c.tier, c.at, c.reason, c.valid_until) for c in kept.tiers.history
    ]
    as_of = (kept.clock or START) + timedelta(days=later)
    assert memberkit.tier_of(FOLD_WINDOWS, folded, as_of).tier == (
        memberkit.tier_of(KEEP_WINDOWS, kept, as_of).tier
    )


def test_a_refund_past_the_horizon_is_refused_with_its_reason() -> None:
    """An order 31 days old under refund_days: 30 is not refunded; the state is unchanged."""
    events = memberkit.parse_events(
        [
            _purchase(1, START, "500", 1),
            {
                "type": "refund",
                "id": "r1",
                "at": (START + timedelta(days=31)).isoformat(),
                "order": "o1",
            },
        ]
    )
    state = memberkit.new_member("m1", START - timedelta(days=1))
    state, _ = memberkit.apply(FOLD, state, events[0])
    with pytest.raises(EventError) as refused:
        memberkit.apply(FOLD, state, events[1])
    assert refused.value.code == "refund_past_horizon"
    assert "30 days" in str(refused.value)
    assert refused.value.reason is not None
    assert "30 天" in render(refused.value.reason, "zh_Hans")


def test_ten_years_of_weekly_purchases_stay_within_the_horizon() -> None:
    """The folded state after ten years is no bigger than after two: bounded by the horizons.

    A gold member (about 10,000 a year): points expire, so the lots held are bounded too. (A
    platinum member's points never expire here, and the retail programme pushes expiry and
    restores cancelled redemptions to their lots, so each held lot is kept: see _mergeable.)
    """
    sizes = {}
    state = memberkit.new_member("m1", START - timedelta(days=1))
    events = memberkit.parse_events(
        [_purchase(i, START + timedelta(weeks=i), "199", 1) for i in range(52 * 10)]
    )
    for i, event in enumerate(events, start=1):
        state, _ = memberkit.apply(FOLD, state, event)
        if i in (52 * 2, 52 * 10):
            sizes[i] = len(memberkit.state_to_json(state))
    assert state.folded is not None
    assert state.folded.purchases is not None
    assert state.folded.orders + len(state.orders) == 520
    assert sizes[520] <= sizes[104] * 1.2
    kept, _ = _run(KEEP, [json.loads(e.model_dump_json()) for e in events])
    assert isinstance(kept, memberkit.MemberState)
    assert sizes[520] * 5 < len(memberkit.state_to_json(kept))
    assert memberkit.balance(FOLD, state, state.clock or START) == memberkit.balance(
        KEEP, kept, kept.clock or START
    )


def test_a_folded_member_keeps_whole_history_lifecycle_figures() -> None:
    """First purchase and purchase count survive folding: the member is not 'new' again."""
    state = memberkit.new_member("m1", START - timedelta(days=1))
    for event in memberkit.parse_events(
        [_purchase(i, START + timedelta(days=20 * i), "100", 1) for i in range(40)]
    ):
        state, _ = memberkit.apply(FOLD, state, event)
    assert state.folded is not None
    assert state.folded.orders > 0
    purchases = state.folded.purchases
    assert purchases is not None
    assert purchases.first_day == START.date()
    assert purchases.amount == Decimal(100) * purchases.orders


def test_questions_about_folded_days_are_refused_not_undercounted() -> None:
    """Expired points before the kept journal, and KPIs before the kept orders, are refused."""
    state = memberkit.new_member("m1", START - timedelta(days=1))
    for event in memberkit.parse_events(
        [_purchase(i, START + timedelta(days=20 * i), "100", 1) for i in range(40)]
    ):
        state, _ = memberkit.apply(FOLD, state, event)
    assert state.clock is not None
    with pytest.raises(EventError) as early:
        memberkit.expired(FOLD, state, START.date(), state.clock.date())
    assert early.value.code == "before_journal"
    recent = state.clock.date() - timedelta(days=30)
    assert memberkit.expired(FOLD, state, recent, state.clock.date()).points >= 0
    with pytest.raises(EventError) as kpis:
        memberkit.programme_kpis(FOLD, [state], START, state.clock)
    assert kpis.value.code == "period_before_history"


def _kept_and_folded(body: str) -> tuple[memberkit.Policy, memberkit.Policy]:
    """A small Shanghai programme with ``body``: without horizons, and with a 30-day one."""
    program = "program: {id: t, currency: CNY, timezone: Asia/Shanghai%s}\n"
    keep = memberkit.parse_policy("memberkit: 1\n" + program % "" + body)
    fold = memberkit.parse_policy("memberkit: 1\n" + program % ", refund_days: 30" + body)
    return keep, fold


def test_a_validity_end_inside_the_window_still_reads_the_last_full_window() -> None:
    """Gold held to 28 Feb 2028 is reviewed then on 2027 too (600 kept it, 300 of it on 10 Jan
    2027): folding with a 30-day refund horizon must keep January 2027 until that review."""
    body = (
        "tiers:\n  window: calendar_year\n  ladder:\n    - {id: basic}\n"
        "    - {id: gold, qualify: {spend: 1000}, retain: {spend: 500},"
        ' validity: {until: "02-28", years: 2}}\n'
    )
    keep, fold = _kept_and_folded(body)
    spent = [((2026, 3, 1), "1000"), ((2027, 1, 10), "300"), ((2027, 6, 1), "300")]
    spent.append(((2028, 2, 20), "10"))
    events = [
        memberkit.parse_event(_purchase(i, datetime(*day, 10, tzinfo=SHANGHAI), amount, 1))
        for i, (day, amount) in enumerate(spent)
    ]
    after = datetime(2028, 3, 2, tzinfo=SHANGHAI)
    member = memberkit.new_member("m", datetime(2026, 1, 1, tzinfo=SHANGHAI))
    # Gold from 1 Mar 2026, held to 28 Feb 2028 (2027's 600 does not reach it again). On
    # 1 Mar 2028: 2028 holds 10 < 500; 2027 holds 600 >= 500, a term to 28 Feb 2029: kept.
    for p in (keep, fold):
        state = memberkit.replay(p, member, events, as_of=after)
        decision = memberkit.tier_of(p, state, after)
        assert (decision.tier, decision.valid_through) == ("gold", date(2029, 2, 28))


def test_old_carries_leave_the_state_and_change_no_decision() -> None:
    """Six years of 3,000 spent each March under a rollover ladder: the state keeps the carries of
    the windows still read (at most two), and every year's tier is the unfolded one."""
    body = (
        "tiers:\n  window: calendar_year\n  rollover: {spend: {cap: 500}}\n"
        "  ladder:\n    - {id: basic}\n    - {id: gold, qualify: {spend: 2000}}\n"
    )
    keep, fold = _kept_and_folded(body)
    member = memberkit.new_member("m", datetime(2026, 1, 1, tzinfo=SHANGHAI))
    events = [
        memberkit.parse_event(
            _purchase(i, datetime(2026 + i, 3, 1, 10, tzinfo=SHANGHAI), "3000", 1)
        )
        for i in range(6)
    ]
    kept, folded = member, member
    for event in events:
        kept = memberkit.apply(keep, kept, event)[0]
        folded = memberkit.apply(fold, folded, event)[0]
        # Each 1 Jan from 2027 carries min(3,000 - 2,000, 500) = 500 into the new year.
        assert len(folded.tiers.rollovers) <= 2
        when = event.at + timedelta(days=1)
        assert memberkit.tier_of(fold, folded, when).figures == (
            memberkit.tier_of(keep, kept, when).figures
        )
    assert len(kept.tiers.rollovers) == 5


def test_lots_past_the_refund_horizon_that_only_their_date_tells_apart_merge() -> None:
    """Never-expiring points earned weekly for a year keep one lot for everything earned before
    the week of the 30-day refund horizon (lots are looked over once a week, from its Monday),
    plus the recent ones, and the balance is the kept policy's."""
    body = "points:\n  earn:\n    - {id: base, per: 1 CNY, points: 1}\n"
    keep, fold = _kept_and_folded(body)
    events = memberkit.parse_events(
        [_purchase(i, START + timedelta(weeks=i), "100", 1) for i in range(52)]
    )
    kept = folded = memberkit.new_member("m1", START - timedelta(days=1))
    for event in events:
        kept, _ = memberkit.apply(keep, kept, event)
        folded, _ = memberkit.apply(fold, folded, event)
    assert folded.clock is not None
    horizon = folded.clock.astimezone(SHANGHAI).date() - timedelta(days=30)
    monday = horizon - timedelta(days=horizon.weekday())
    cut = datetime(monday.year, monday.month, monday.day, tzinfo=SHANGHAI)
    old = [lot for lot in folded.points.lots if lot.earned_at < cut]
    assert len(old) == 1
    assert old[0].remaining == 100 * (52 - len(folded.points.lots) + 1)
    assert len(kept.points.lots) == 52
    assert memberkit.balance(fold, folded, folded.clock) == memberkit.balance(
        keep, kept, kept.clock or START
    )


def test_lots_merge_only_when_the_week_of_the_horizon_moves() -> None:
    """Purchases every fourth day earning never-expiring points: an event whose refund horizon
    falls in the week of the event before leaves every lot as it was and adds its own; an event
    in a new week merges everything earned before that week's Monday into one lot, and keeps
    apart the lots from the Monday on, even those already past the horizon."""
    body = "points:\n  earn:\n    - {id: base, per: 1 CNY, points: 1}\n"
    _, fold = _kept_and_folded(body)
    days = [START + timedelta(days=4 * i) for i in range(80)]
    events = memberkit.parse_events([_purchase(i, at, "10", 1) for i, at in enumerate(days)])
    state = memberkit.new_member("m1", START - timedelta(days=1))

    def monday(moment: datetime) -> date:
        horizon = moment.astimezone(SHANGHAI).date() - timedelta(days=30)
        return horizon - timedelta(days=horizon.weekday())

    moved = kept = 0
    for event in events:
        before = state
        state, _ = memberkit.apply(fold, state, event)
        assert state.clock is not None
        lots = state.points.lots
        if before.clock is not None and monday(before.clock) == monday(state.clock):
            kept += 1
            assert lots[:-1] == before.points.lots
        else:
            moved += 1
            first = monday(state.clock)
            cut = datetime(first.year, first.month, first.day, tzinfo=SHANGHAI)
            assert len([lot for lot in lots if lot.earned_at < cut]) <= 1
            earned = [at for at in days if cut <= at <= state.clock]
            assert len([lot for lot in lots if lot.earned_at >= cut]) == len(earned)
    assert moved >= 20
    assert kept >= 20
    assert sum(lot.remaining for lot in state.points.lots) == 80 * 10
