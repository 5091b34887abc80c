"""Issue 14's earning shapes: whole steps, per-rule rounding, milestones, pending per rule,
caps per transaction and on a period's net total, and multipliers below 1 and ×0.

Every expected figure is worked by hand in the comment beside it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import activity, at, purchase, refund
from tests.points.builders import applied, member, points_policy, total

import memberkit
from memberkit import MemberState, Policy


def _earned(p: Policy, state: MemberState, event: memberkit.Event) -> tuple[MemberState, int]:
    """Apply ``event`` and return the new state and what the event booked (its journal)."""
    new, outcome = memberkit.apply(p, state, event)
    assert outcome.accepted, outcome.reasons
    booked = sum(int(e.points) for e in new.points.journal if e.event_id == event.id)
    return new, booked


def _lots_hold(state: MemberState) -> int:
    return sum(int(lot.remaining) for lot in state.points.lots if not lot.expired)


# --- whole steps ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "amount", "expected"),
    [
        ("whole", "1234.50", 1230),  # 123 full ¥10 steps × 10
        ("prorated", "1234.50", 1234),  # 1,234.5 floored
        (None, "1234.50", 1234),  # the default is pro rata, as before
        ("whole", "9.99", 0),  # no full ¥10
        ("prorated", "9.99", 9),  # 9.99 floored
        ("whole", "10.00", 10),  # exactly one step
    ],
)
def test_whole_steps_or_pro_rata(steps: str | None, amount: str, expected: int) -> None:
    """`steps: whole` earns only for each full `per`; pro rata (the default) earns in proportion."""
    written = f", steps: {steps}" if steps else ""
    p = points_policy(f"earn:\n  - {{id: base, per: 10 CNY, points: 10{written}}}\n")
    quote = memberkit.quote_points(p, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", amount)))
    assert quote.total() == expected


@pytest.mark.parametrize(("round_mode", "expected"), [("per_order", 10), ("per_line", 0)])
def test_whole_steps_are_counted_where_the_policy_rounds(round_mode: str, expected: int) -> None:
    """¥9.99 + ¥0.02 make one full ¥10 on the order (10) but none on either line (0)."""
    p = points_policy(
        f"earn:\n  - {{id: base, per: 10 CNY, points: 10, steps: whole}}\nround: {round_mode}\n"
    )
    order = purchase("o1", at(2026, 3, 1), ("l1", "x", "9.99"), ("l2", "x", "0.02"))
    assert memberkit.quote_points(p, member(), order).total() == expected


@pytest.mark.parametrize(("steps", "expected"), [("whole", 600), ("prorated", 617)])
def test_whole_steps_on_an_attribute(steps: str, expected: int) -> None:
    """50 miles per full 100 flown: 1,234 flown is 12 steps (600), or 617 pro rata."""
    p = points_policy(
        "earn:\n"
        f"  - {{id: miles, on: flight, per: {{attribute: distance, unit: 100}}, points: 50,"
        f" steps: {steps}}}\n"
    )
    flight = activity("f1", at(2026, 3, 1), "flight", attributes={"distance": 1234})
    assert memberkit.quote_points(p, member(), flight).total() == expected


def test_whole_steps_split_over_lines_add_up_and_refund_in_full() -> None:
    """¥15 + ¥15 earn 3 full ¥10 (30), split 15/15; returning both lines takes all 30 back."""
    p = points_policy("earn:\n  - {id: base, per: 10 CNY, points: 10, steps: whole}\n")
    state = applied(
        p, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", "15"), ("l2", "x", "15"))
    )
    assert sorted((e.line, e.points) for e in state.points.earnings) == [("l1", 15), ("l2", 15)]
    state = applied(p, state, refund("r1", at(2026, 3, 2), "o1"))
    assert total(state) == 0
    assert _lots_hold(state) == 0


# --- rounding per rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("round_mode", "expected", "parts"),
    [
        # Once per order: floor(99.90 × 1.25) = floor(124.875) = 124 (base 99, bonus 25).
        ("per_order", 124, [99, 25]),
        # Per rule: floor(99.90) = 99, then 25% of the floored 99 = 24.75, floored 24: 123.
        ("per_rule", 123, [99, 24]),
    ],
)
def test_rounding_per_rule_floors_the_base_before_the_bonus(
    round_mode: str, expected: int, parts: list[int]
) -> None:
    """`round: per_rule` floors the base, then computes the 25% bonus on the floored base."""
    p = points_policy(
        "earn:\n  - {id: base, per: 1 CNY, points: 1}\n  - {id: bonus, multiply: 1.25}\n"
        f"round: {round_mode}\n"
    )
    quote = memberkit.quote_points(
        p, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", "99.90"))
    )
    assert quote.total() == expected
    assert [line.points for line in quote.lines] == parts


def test_rounding_per_rule_stacks_on_what_was_booked() -> None:
    """Per rule, a ×2 after a ×1.5 doubles the booked 148 of floor(99.9)=99 → 99+49=148: 296."""
    p = points_policy(
        "earn:\n  - {id: base, per: 1 CNY, points: 1}\n"
        "  - {id: tier, multiply: 1.5}\n  - {id: day, multiply: 2}\nround: per_rule\n"
    )
    quote = memberkit.quote_points(
        p, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", "99.90"))
    )
    # base floor(99.9) = 99; tier 99 × 0.5 = 49.5 → 49; day (99 + 49) × 1 = 148.
    assert [line.points for line in quote.lines] == [99, 49, 148]


# --- multipliers below 1 and ×0 -------------------------------------------------------------------

CLASSES = (
    "earn:\n"
    "  - {id: miles, on: flight, per: {attribute: distance, unit: 1}, points: 1}\n"
    "  - {id: discount-class, on: flight, when: {attr.fare_class: [V]}, multiply: 0.4}\n"
    "  - {id: award-class, on: flight, when: {attr.fare_class: [X]}, multiply: 0}\n"
)


@pytest.mark.parametrize(
    ("fare", "expected", "code"),
    [
        ("Y", 1200, "points.earned"),  # the full 1,200 flown
        ("V", 480, "points.reduced"),  # 1,200 × 0.4 = 480: 720 fewer
        ("X", 0, "points.earns_nothing"),  # 1,200 × 0 = 0: 1,200 fewer
    ],
)
def test_multipliers_below_one_reduce_and_zero_earns_nothing(
    fare: str, expected: int, code: str
) -> None:
    """×0.4 earns 480 of 1,200 miles and says 720 fewer; ×0 earns nothing and says so."""
    p = points_policy(CLASSES)
    flight = activity(
        "f1", at(2026, 3, 1), "flight", attributes={"distance": 1200, "fare_class": fare}
    )
    quote = memberkit.quote_points(p, member(), flight)
    assert quote.total() == expected
    assert code in [r.code for r in quote.reasons]
    state, booked = _earned(p, member(), flight)
    assert booked == expected
    assert _lots_hold(state) == expected


@pytest.mark.parametrize(
    ("locale", "fare", "text"),
    [
        ("en", "V", "discount-class: ×0.4, 720 fewer points."),
        ("zh_Hans", "V", "discount-class：×0.4，少得 720 积分。"),
        ("zh_Hant", "V", "discount-class：×0.4，少得 720 積分。"),
        ("en", "X", "award-class: earns nothing here (×0): 1,200 fewer points."),
        ("zh_Hans", "X", "award-class：此类不累积积分（×0），少得 1,200。"),
        ("zh_Hant", "X", "award-class：此類不累積積分（×0），少得 1,200。"),
    ],
)
def test_a_reduction_reads_as_fewer_points(locale: str, fare: str, text: str) -> None:
    """A multiplier below 1 reads as points fewer, never as '+-720', in all three locales."""
    p = points_policy(CLASSES)
    flight = activity(
        "f1", at(2026, 3, 1), "flight", attributes={"distance": 1200, "fare_class": fare}
    )
    assert text in memberkit.quote_points(p, member(), flight).explain(locale)


def test_a_refund_of_a_reduced_order_takes_back_what_it_credited() -> None:
    """¥1,000 at ×0.4 credits 400; the full refund takes back 400, none reported as lost."""
    p = points_policy(
        "earn:\n  - {id: base, per: 1 CNY, points: 1}\n"
        "  - {id: clearance, when: {category: sale}, multiply: 0.4}\n"
    )
    state, booked = _earned(p, member(), purchase("o1", at(2026, 3, 1), ("l1", "sale", "1000")))
    assert booked == 400
    state, outcome = memberkit.apply(p, state, refund("r1", at(2026, 3, 2), "o1"))
    assert [r.code for r in outcome.reasons if r.code.startswith("points.")] == ["points.reversed"]
    assert total(state) == 0
    assert _lots_hold(state) == 0


# --- caps per transaction and on a period's net total ---------------------------------------------


def test_a_rule_cap_per_event_is_a_maximum_per_transaction() -> None:
    """At most 500 per order: ¥800 earns 500, and a second ¥800 the same day 500 again."""
    p = points_policy(
        "earn:\n  - {id: base, per: 1 CNY, points: 1, cap: {points: 500, per: event}}\n"
    )
    state, first = _earned(p, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", "800")))
    _, second = _earned(p, state, purchase("o2", at(2026, 3, 1, 13), ("l1", "x", "800")))
    assert (first, second) == (500, 500)
    assert state.points.cap_uses == ()


def test_a_member_cap_per_event_binds_all_rules_together() -> None:
    """¥1,500 × 2 would earn 3,000; at most 1,000 per transaction from all rules: 1,000."""
    p = points_policy(
        "earn:\n  - {id: base, per: 1 CNY, points: 1}\n  - {id: double, multiply: 2}\n"
        "earn_cap: {points: 1000, per: event}\n"
    )
    quote = memberkit.quote_points(p, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", "1500")))
    assert quote.total() == 1000
    assert "单笔" in quote.explain("zh_Hans")


def test_a_cap_on_the_net_total_gives_room_back_on_refund() -> None:
    """At most 1,000 a month net: 800, then 200 of 800; a refund of the first frees 800 again."""
    p = points_policy(
        "earn:\n  - {id: base, per: 1 CNY, points: 1}\nearn_cap: {points: 1000, per: month}\n"
    )
    state, first = _earned(p, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", "800")))
    state, second = _earned(p, state, purchase("o2", at(2026, 3, 2), ("l1", "x", "800")))
    state = applied(p, state, refund("r1", at(2026, 3, 3), "o1"))
    _, third = _earned(p, state, purchase("o3", at(2026, 3, 4), ("l1", "x", "900")))
    # 200 held from o2, so 800 of the month's 1,000 are free: o3's 900 earns 800.
    assert (first, second, third) == (800, 200, 800)


# --- milestones -----------------------------------------------------------------------------------

STAYS = (
    "earn:\n"
    "  - {id: nights, on: stay, points: 10}\n"
    "  - {id: stay-milestone, on: stay, points: 100, milestone: {at: 3, every: 2, until: 7, per: year}}\n"
    "  - {id: stay-10, on: stay, points: 1000, milestone: {at: 10, per: year}}\n"
)


def test_milestones_pay_on_reaching_each_listed_count() -> None:
    """Stays 1..11 earn 10 each, +100 at the 3rd, 5th and 7th (not the 9th), +1,000 at the 10th."""
    p = points_policy(STAYS)
    state = member()
    earned = []
    for n in range(1, 12):
        state, booked = _earned(p, state, activity(f"s{n}", at(2026, 2, n), "stay"))
        earned.append(booked)
    assert earned == [10, 10, 110, 10, 110, 10, 110, 10, 10, 1010, 10]


def test_a_milestone_count_restarts_each_period() -> None:
    """Two stays in 2026 and one on 1 Jan 2027 count 1 in 2027: no bonus until the 3rd of 2027."""
    p = points_policy(STAYS)
    state = member()
    for n, when in enumerate((at(2026, 12, 30), at(2026, 12, 31), at(2027, 1, 1), at(2027, 1, 2))):
        state, booked = _earned(p, state, activity(f"s{n}", when, "stay"))
        assert booked == 10
    state, booked = _earned(p, state, activity("s9", at(2027, 1, 3), "stay"))
    assert booked == 110


def test_a_milestone_is_quoted_as_it_is_booked() -> None:
    """The quote of the 3rd stay lists the +100 milestone line that apply then books."""
    p = points_policy(STAYS)
    state = member()
    for n in (1, 2):
        state = applied(p, state, activity(f"s{n}", at(2026, 2, n), "stay"))
    third = activity("s3", at(2026, 2, 3), "stay")
    quote = memberkit.quote_points(p, state, third)
    assert [(q.rule, q.points) for q in quote.lines] == [("nights", 10), ("stay-milestone", 100)]
    assert "stay-milestone: 3 reached (counted per year), +100 points." in quote.explain("en")
    assert _earned(p, state, third)[1] == quote.total()


ORDERS = (
    "earn:\n"
    "  - {id: base, per: 1 CNY, points: 1}\n"
    "  - {id: second-order, points: 50, milestone: {at: 2, per: year}}\n"
)


def test_refunding_the_order_that_reached_a_milestone_reverses_the_bonus_and_never_repays() -> None:
    """o2 reaches 2 (+50); its refund takes 100+50 back; o3 reaches 2 again but is not repaid."""
    p = points_policy(ORDERS)
    state, _ = _earned(p, member(), purchase("o1", at(2026, 3, 1)))
    state, second = _earned(p, state, purchase("o2", at(2026, 3, 2)))
    assert second == 150
    state = applied(p, state, refund("r2", at(2026, 3, 3), "o2"))
    assert total(state) == 100
    state, outcome = memberkit.apply(p, state, purchase("o3", at(2026, 3, 4)))
    assert total(state) == 200
    assert "points.milestone_paid_before" in [r.code for r in outcome.reasons]


def test_refunding_an_earlier_order_keeps_the_bonus_and_never_repays() -> None:
    """o2 reaches 2 (+50); refunding o1 leaves o2's bonus; o3 brings the count back to 2: no pay."""
    p = points_policy(ORDERS)
    state = applied(p, member(), purchase("o1", at(2026, 3, 1)), purchase("o2", at(2026, 3, 2)))
    state = applied(p, state, refund("r1", at(2026, 3, 3), "o1"))
    assert total(state) == 150
    state, third = _earned(p, state, purchase("o3", at(2026, 3, 4)))
    assert third == 100


def test_a_partial_refund_keeps_the_order_counted() -> None:
    """Returning one of two lines of o1 leaves it counted: o2 is the 2nd order and earns +50."""
    p = points_policy(ORDERS)
    state = applied(
        p, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", "10"), ("l2", "x", "10"))
    )
    state = applied(p, state, refund("r1", at(2026, 3, 2), "o1", ("l1", None)))
    _, second = _earned(p, state, purchase("o2", at(2026, 3, 3), ("l1", "x", "10")))
    assert second == 60


def test_a_lifetime_milestone_reads_counts_the_state_folded() -> None:
    """With horizons, old stays fold into totals, and the 3rd stay two years later still pays."""
    p = memberkit.parse_policy(
        "memberkit: 1\n"
        "program: {id: t, currency: CNY, timezone: Asia/Shanghai, refund_days: 30,"
        " journal_days: 30}\n"
        "points:\n  earn:\n    - {id: nights, on: stay, points: 10}\n"
        "    - {id: third, on: stay, points: 100, milestone: {at: 3, per: lifetime}}\n"
    )
    state = applied(p, member(), activity("s1", at(2026, 1, 5), "stay"))
    state = applied(p, state, activity("s2", at(2026, 1, 6), "stay"))
    state = applied(p, state, activity("s3", at(2028, 6, 1), "stay"))
    assert state.folded is not None
    assert ("milestone.third", 2, 2) in state.folded.cap_uses
    # The 3rd stay paid once (raising the paid mark to 3); the 4th does not pay.
    _, booked = _earned(p, state, activity("s4", at(2028, 6, 2), "stay"))
    assert booked == 10
    assert memberkit.balance(p, state, at(2028, 6, 1, 13)).available == 130


# --- a posting delay per rule ----------------------------------------------------------------------

CAMPAIGN = (
    "earn:\n"
    "  - {id: base, per: 1 CNY, points: 1}\n"
    "  - {id: autumn, per: 1 CNY, points: 1, pending: {date: 2026-11-15}}\n"
    "  - {id: welcome, points: 20, pending: immediate}\n"
    "pending: {days: 7}\n"
)


def _balance(p: Policy, state: MemberState, when: datetime) -> tuple[int, int]:
    held = memberkit.balance(p, state, when)
    return int(held.available), int(held.pending)


def test_a_rule_pending_until_a_date_is_credited_after_the_campaign() -> None:
    """¥100 on 1 Oct: 20 at once, base 100 after 7 days, autumn's 100 from 15 Nov 00:00."""
    p = points_policy(CAMPAIGN)
    state = applied(p, member(), purchase("o1", at(2026, 10, 1)))
    assert _balance(p, state, at(2026, 10, 1, 13)) == (20, 200)
    assert _balance(p, state, at(2026, 10, 9)) == (120, 100)
    assert _balance(p, state, at(2026, 11, 14, 23, 59)) == (120, 100)
    assert _balance(p, state, at(2026, 11, 15, 0, 0)) == (220, 0)
    _, outcome = memberkit.apply(p, member(), purchase("o1", at(2026, 10, 1)))
    pending = [r for r in outcome.reasons if r.code == "points.pending"]
    assert [r.path for r in pending] == ["points.pending", "points.earn[1].pending"]
    assert "100 points become available on Nov 15, 2026" in outcome.explain("en")


def test_a_rule_pending_date_already_past_credits_at_once() -> None:
    """An order after 15 Nov earns autumn's points at once (base still waits 7 days)."""
    p = points_policy(CAMPAIGN)
    state = applied(p, member(), purchase("o1", at(2026, 11, 20)))
    assert _balance(p, state, at(2026, 11, 20, 13)) == (120, 100)


def test_a_refund_takes_back_the_orders_own_pending_points_first() -> None:
    """Refunding o1 before 15 Nov takes its own 220 from its own lots, not o0's points."""
    p = points_policy(CAMPAIGN)
    state = applied(p, member(), purchase("o0", at(2026, 9, 1), ("l1", "x", "50")))
    state = applied(p, state, purchase("o1", at(2026, 10, 1)))
    state = applied(p, state, refund("r1", at(2026, 10, 20), "o1"))
    # o0: 20 + 50 available since 8 Sep, its autumn 50 still pending; o1 is all gone.
    assert _balance(p, state, at(2026, 10, 21)) == (70, 50)
    assert total(state) == 120


# --- quotes agree with apply for every shape -------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "event"),
    [
        (
            "earn:\n  - {id: base, per: 10 CNY, points: 10, steps: whole}\n",
            purchase("o1", at(2026, 3, 1), ("l1", "x", "1234.50"), ("l2", "y", "77.70")),
        ),
        (
            "earn:\n  - {id: base, per: 1 CNY, points: 1}\n  - {id: b, multiply: 1.25}\n"
            "round: per_rule\n",
            purchase("o1", at(2026, 3, 1), ("l1", "x", "99.90"), ("l2", "y", "0.95")),
        ),
        (
            CLASSES,
            activity(
                "f1", at(2026, 3, 1), "flight", attributes={"distance": 999, "fare_class": "V"}
            ),
        ),
        (STAYS, activity("s1", at(2026, 3, 1), "stay")),
        (CAMPAIGN, purchase("o1", at(2026, 3, 1), ("l1", "x", "33.33"))),
        (
            "earn:\n  - {id: base, per: 1 CNY, points: 1, cap: {points: 50, per: event}}\n"
            "earn_cap: {points: 40, per: event}\n",
            purchase("o1", at(2026, 3, 1)),
        ),
    ],
    ids=["whole-steps", "per-rule", "below-one", "milestone", "pending", "per-event"],
)
def test_the_quote_equals_what_apply_books(body: str, event: memberkit.Event) -> None:
    """For each new shape the quote's total and lines are what apply then journals."""
    p = points_policy(body)
    quote = memberkit.quote_points(p, member(), event)
    state, booked = _earned(p, member(), event)
    assert booked == quote.total()
    journal = [(e.rule, int(e.points)) for e in state.points.journal if e.event_id == event.id]
    assert journal == [(q.rule, int(q.points)) for q in quote.lines]
    assert _lots_hold(state) == booked


def test_points_and_amounts_stay_decimal_exact() -> None:
    """Whole steps on fractional points (2 decimals) earn exactly 12.30 stars on ¥12.99."""
    p = points_policy(
        "currencies: [{id: stars, decimals: 2}]\n"
        "earn:\n  - {id: base, per: 0.1 CNY, points: 0.1, steps: whole}\n"
    )
    quote = memberkit.quote_points(
        p, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", "12.34"))
    )
    # 123 full ¥0.10 × 0.1 = 12.3
    assert quote.total() == Decimal("12.30")


# --- laws over random histories of the new shapes --------------------------------------------------

SHAPES = points_policy(
    "earn:\n"
    "  - {id: base, per: 10 CNY, points: 10, steps: whole, cap: {points: 700, per: event}}\n"
    "  - {id: sale, when: {category: sale}, multiply: 0.4}\n"
    "  - {id: free, when: {category: free}, multiply: 0}\n"
    "  - {id: late, per: 1 CNY, points: 1, pending: {days: 20}}\n"
    "  - {id: every-2nd, points: 30, milestone: {at: 2, every: 2, until: 6, per: month}}\n"
    "  - {id: stay-3, on: stay, points: 50, milestone: {at: 3, per: year}}\n"
    "round: per_rule\n"
    "pending: {days: 3}\n"
    "earn_cap: {points: 3000, per: month}\n"
)

_shape_step = st.tuples(
    st.sampled_from(["buy", "buy", "refund", "part", "stay"]),
    st.integers(min_value=1, max_value=900),
    st.sampled_from(["x", "sale", "free"]),
    st.integers(min_value=1, max_value=240),
)


def _shape_events(steps: list[tuple[str, int, str, int]]) -> list[memberkit.Event]:
    out: list[memberkit.Event] = []
    moment = at(2026, 1, 2)
    orders: list[str] = []
    for i, (kind, n, category, hours) in enumerate(steps):
        moment += timedelta(hours=hours)
        eid = f"e{i}"
        if kind == "stay":
            out.append(activity(eid, moment, "stay"))
        elif kind == "buy" or not orders:
            lines = (("l1", category, f"{n}.55"), ("l2", "x", "12.34"))
            out.append(purchase(eid, moment, *lines))
            orders.append(eid)
        elif kind == "refund":
            out.append(refund(eid, moment, orders.pop()))
        else:
            out.append(refund(eid, moment, orders.pop(), ("l1", None)))
    return out


@given(st.lists(_shape_step, max_size=14))
def test_shapes_conserve_points_and_quote_what_they_book(
    steps: list[tuple[str, int, str, int]],
) -> None:
    """Journal = lots at every step, no lot below zero, and each quote equals its booking."""
    state = member()
    for item in _shape_events(steps):
        quote = memberkit.quote_points(SHAPES, state, item)
        state, outcome = memberkit.apply(SHAPES, state, item)
        assert outcome.accepted
        booked = sum(e.points for e in state.points.journal if e.event_id == item.id)
        if not isinstance(item, memberkit.Refund):
            assert booked == quote.total()
        journal = sum(e.points for e in state.points.journal)
        assert journal == sum(lot.remaining for lot in state.points.lots)
        assert all(0 <= lot.remaining <= lot.amount for lot in state.points.lots)


@given(st.lists(_shape_step, max_size=14))
def test_shapes_replay_equals_applying_one_by_one(steps: list[tuple[str, int, str, int]]) -> None:
    """Replaying the events gives the state reached step by step."""
    events = _shape_events(steps)
    state = member()
    for item in events:
        state, _ = memberkit.apply(SHAPES, state, item)
    assert memberkit.replay(SHAPES, member(), events) == state


@given(st.lists(_shape_step, max_size=20))
def test_a_milestone_never_pays_twice_in_its_period(steps: list[tuple[str, int, str, int]]) -> None:
    """Each listed count pays at most once a month, whatever was refunded in between."""
    state = member()
    paid: dict[tuple[int, int], int] = {}
    for item in _shape_events(steps):
        state, outcome = memberkit.apply(SHAPES, state, item)
        for reason in outcome.reasons:
            if reason.code == "points.milestone" and reason.path == "points.earn[4]":
                key = (item.at.month, int(reason.params["count"]))
                paid[key] = paid.get(key, 0) + 1
    assert all(times == 1 for times in paid.values())


# --- a redemption that earns -----------------------------------------------------------------------

AWARDS = (
    "currencies:\n"
    "  - id: miles\n"
    "    redeem: {points_per_unit: 100, rewards: [{id: award-flight, points: 25000},"
    " {id: lounge, points: 3000}]}\n"
    "  - {id: credits, spendable: false}\n"
    "earn:\n"
    "  - {id: base, per: 1 CNY, points: 10, currency: miles}\n"
    "  - {id: award-credits, on: redemption, rewards: [award-flight], points: 25, currency: credits}\n"
)


def _with_miles(p: Policy) -> MemberState:
    return applied(p, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", "3000")))


def test_an_award_ticket_still_earns_qualifying_credits() -> None:
    """Redeeming the award flight (25,000 miles) earns 25 status credits; the lounge earns none."""
    p = points_policy(AWARDS)
    state = _with_miles(p)
    award = memberkit.parse_event(
        {"type": "redemption", "id": "r1", "at": at(2026, 3, 2), "reward": "award-flight"}
    )
    quote = memberkit.quote_points(p, state, award)
    assert [(q.rule, q.currency, q.points) for q in quote.lines] == [
        ("award-credits", "credits", 25)
    ]
    state = applied(p, state, award)
    assert total(state, "credits") == 25
    assert total(state, "miles") == 30000 - 25000
    lounge = memberkit.parse_event(
        {"type": "redemption", "id": "r2", "at": at(2026, 3, 3), "reward": "lounge"}
    )
    state = applied(p, state, lounge)
    assert total(state, "credits") == 25


def test_a_cancelled_award_takes_its_credits_back() -> None:
    """Cancelling the award returns the 25,000 miles and takes the 25 credits back."""
    p = points_policy(AWARDS)
    award = memberkit.parse_event(
        {"type": "redemption", "id": "r1", "at": at(2026, 3, 2), "reward": "award-flight"}
    )
    state = applied(p, _with_miles(p), award)
    cancel = memberkit.parse_event(
        {"type": "redemption_cancel", "id": "c1", "at": at(2026, 3, 3), "redemption": "r1"}
    )
    state, outcome = memberkit.apply(p, state, cancel)
    assert outcome.accepted
    assert (total(state, "miles"), total(state, "credits")) == (30000, 0)
    assert "points.reversed" in [r.code for r in outcome.reasons]
    assert sum(lot.remaining for lot in state.points.lots if lot.currency == "credits") == 0


def test_a_refused_redemption_earns_nothing() -> None:
    """A member without 25,000 miles is refused the award and earns no credits."""
    p = points_policy(AWARDS)
    award = memberkit.parse_event(
        {"type": "redemption", "id": "r1", "at": at(2026, 3, 2), "reward": "award-flight"}
    )
    state, outcome = memberkit.apply(p, member(), award)
    assert not outcome.accepted
    assert total(state, "credits") == 0


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "{id: a, on: redemption, rewards: [award-flite], points: 1}",
            "unknown reward 'award-flite'; did you mean 'award-flight'?",
        ),
        (
            "{id: a, rewards: [award-flight], points: 1}",
            "'rewards' picks the redemptions a rule earns on: it goes with on: redemption",
        ),
        (
            "{id: a, on: redemption, per: 1 CNY, points: 1}",
            "'per' with an amount (1 CNY) applies to purchases only",
        ),
        ("{id: a, on: redemtion, points: 1}", "did you mean 'redemption'?"),
    ],
)
def test_a_redemption_rule_is_checked_where_it_is_written(rule: str, message: str) -> None:
    """Mistakes in a redemption rule are reported at their file:line:col with what to write."""
    text = (
        "memberkit: 1\nprogram: {id: t, currency: CNY, timezone: Asia/Shanghai}\n"
        "points:\n  redeem: {points_per_unit: 100, rewards: [{id: award-flight, points: 900}]}\n"
        f"  earn:\n    - {rule}\n"
    )
    with pytest.raises(memberkit.PolicyError) as caught:
        memberkit.parse_policy(text, source="p.yaml")
    assert str(caught.value).startswith("p.yaml:6:")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("{id: a, points: 1, steps: whole}", "this rule has no 'per': remove 'steps'"),
        ("{id: a, per: 1 CNY, points: 1, steps: hole}", "did you mean 'whole'?"),
        (
            "{id: a, per: 1 CNY, points: 1, milestone: {at: 3, per: year}}",
            "a milestone earns fixed 'points' on reaching a count: remove 'per'",
        ),
        (
            "{id: a, points: 1, milestone: {at: 3, until: 9, per: year}}",
            "'until' ends a repeating milestone: give 'every' too, or remove 'until'",
        ),
        ("{id: a, points: 1, milestone: {at: 3, per: yaer}}", "did you mean 'year'?"),
        ("{id: a, points: 1, mileston: {at: 3}}", "did you mean 'milestone'?"),
        ("{id: a, multiply: 2, pending: 5}", "give 'pending' to the rate rule"),
        ("{id: a, points: 1, pending: imediate}", "did you mean 'immediate'?"),
        ("{id: a, points: 1, pending: {dat: 2026-11-15}}", "did you mean 'date'?"),
        ("{id: a, points: 1, cap: {count: 1, per: event}}", "write {points: N, per: event}"),
        ("{id: a, multiply: -0.5}", "greater than or equal to 0"),
    ],
)
def test_each_new_key_is_checked_where_it_is_written(rule: str, message: str) -> None:
    """A mistake in a new key is reported at its file:line:col with what to write instead."""
    text = (
        "memberkit: 1\nprogram: {id: t, currency: CNY, timezone: Asia/Shanghai}\n"
        f"points:\n  earn:\n    - {rule}\n"
    )
    with pytest.raises(memberkit.PolicyError) as caught:
        memberkit.parse_policy(text, source="p.yaml")
    assert str(caught.value).startswith("p.yaml:5:")
    assert message in str(caught.value)


def test_a_cancelled_redemption_whose_earnings_were_spent_says_so() -> None:
    """The lounge pass earned 5,000 miles, spent since: cancelling it takes back the 3,000 the
    member holds and says 2,000 earned by the cancelled redemption could not be taken back."""
    p = points_policy(
        "currencies:\n"
        "  - id: miles\n"
        "    redeem: {points_per_unit: 100, rewards: [{id: lounge, points: 3000}]}\n"
        "earn:\n"
        "  - {id: base, per: 1 CNY, points: 10, currency: miles}\n"
        "  - {id: lounge-miles, on: redemption, rewards: [lounge], points: 5000, currency: miles}\n"
    )
    state = applied(p, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", "300")))
    lounge = memberkit.parse_event(
        {"type": "redemption", "id": "r1", "at": at(2026, 3, 2), "reward": "lounge"}
    )
    spent = memberkit.parse_event(
        {"type": "redemption", "id": "r2", "at": at(2026, 3, 3), "points": 5000}
    )
    state = applied(p, state, lounge, spent)
    cancel = memberkit.parse_event(
        {"type": "redemption_cancel", "id": "c1", "at": at(2026, 3, 4), "redemption": "r1"}
    )
    state, outcome = memberkit.apply(p, state, cancel)
    assert outcome.accepted
    [short] = [r for r in outcome.reasons if r.code == "points.cancel_shortfall"]
    assert short.params["points"] == 2000
    assert "points.reversal_shortfall" not in [r.code for r in outcome.reasons]
    assert "cancelled redemption" in memberkit.i18n.render(short, "en")
