"""Running order figures: a tally extended event by event equals a fresh count of the window."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from tests.builders import at, member, purchase, refund
from tests.tiers.builders import tiers_yaml

import memberkit
from memberkit.tiers._ladder import figures_in, span_at
from memberkit.tiers._measures import figures

START = at(2026, 1, 1, 0)

BODY = (
    "  measures:\n"
    "    spend: {of: spend, where: {not: {category: [gift_card]}}}\n"
    "    all_spend: {of: spend}\n"
    "  ladder:\n    - {id: basic}\n"
    "    - {id: silver, qualify: {any: [{spend: 2000}, {orders: 6}, {all_spend: 3000}]}}\n"
)
POLICY = tiers_yaml(BODY)
WINDOWS = [
    POLICY,
    tiers_yaml("  window: calendar_month\n" + BODY),
    tiers_yaml("  window: {rolling_months: 2}\n  review: monthly\n" + BODY),
    tiers_yaml("  window: {rolling_days: 10}\n  review: monthly\n" + BODY),
    tiers_yaml("  window: lifetime\n" + BODY),
]
FOLDING = memberkit.parse_policy(
    "memberkit: 1\nprogram: {id: test, currency: CNY, timezone: Asia/Shanghai, locale: zh_Hans,"
    " refund_days: 3}\ntiers:\n  window: calendar_month\n" + BODY
)
"""Orders leave the state once their month is over, so the fold drops a tally's head."""

steps = st.lists(
    st.tuples(
        st.integers(1, 24 * 60),
        st.sampled_from(["buy", "buy", "buy", "refund"]),
        st.integers(1, 3000),
        st.booleans(),
    ),
    max_size=14,
)
"""(hours since the last step, action, whole yuan, whether the line is a gift card)."""


def _events(spec: list[tuple[int, str, int, bool]]) -> list[memberkit.Event]:
    events: list[memberkit.Event] = []
    when = START
    bought: list[str] = []
    for i, (hours, action, amount, gift) in enumerate(spec):
        when += timedelta(hours=hours)
        if action == "refund" and bought:
            events.append(refund(f"r{i}", when, bought.pop(0), ("b", None)))
            continue
        category = "gift_card" if gift else "shoes"
        events.append(purchase(f"o{i}", when, ("a", category, str(amount)), ("b", "shoes", "100")))
        bought.append(f"o{i}")
    return events


@given(st.sampled_from(WINDOWS), steps, st.lists(st.integers(0, 3 * 365 * 24), max_size=4))
def test_tallied_figures_equal_a_fresh_count(
    policy: memberkit.Policy, spec: list[tuple[int, str, int, bool]], probes: list[int]
) -> None:
    """After every event, and at moments before and after it, the tally gives the fresh figures."""
    program = policy.at(START)
    ct = program.tiers
    assert ct is not None
    info = program.info
    state = member()
    for event in _events(spec):
        state, _ = memberkit.apply(policy, state, event)
        for moment in (event.at, *(START + timedelta(hours=h) for h in probes)):
            span = span_at(ct, info, state, moment)
            fresh = figures(ct.measures, state, span, moment, info.tz, currency=info.currency)
            assert figures_in(ct, info, state, span, moment) == fresh


@given(steps)
def test_tallied_figures_equal_a_fresh_count_while_orders_are_folded(
    spec: list[tuple[int, str, int, bool]],
) -> None:
    """A tally whose oldest orders the fold dropped, and whose orders refunds replaced, gives the
    fresh figures."""
    program = FOLDING.at(START)
    ct = program.tiers
    assert ct is not None
    info = program.info
    state = member()
    for event in _events([(hours % 1200 + 1, *rest) for hours, *rest in spec]):
        try:
            state, _ = memberkit.apply(FOLDING, state, event)
        except memberkit.EventError:
            continue  # a refund past the horizon
        span = span_at(ct, info, state, event.at)
        fresh = figures(ct.measures, state, span, event.at, info.tz, currency=info.currency)
        assert figures_in(ct, info, state, span, event.at) == fresh


def test_a_refund_replacing_an_order_is_counted_afresh() -> None:
    """The tally does not keep the figure of an order a refund has since reduced."""
    program = POLICY.at(START)
    ct = program.tiers
    assert ct is not None
    info = program.info
    state, _ = memberkit.apply(POLICY, member(), purchase("o1", at(2026, 3, 1), ("b", "x", "500")))
    when = at(2026, 3, 2)
    assert figures_in(ct, info, state, span_at(ct, info, state, when), when)["spend"] == 500
    state, _ = memberkit.apply(POLICY, state, refund("r1", when, "o1"))
    assert figures_in(ct, info, state, span_at(ct, info, state, when), when)["spend"] == 0


def test_orders_gone_from_the_head_leave_the_tally() -> None:
    """Orders a tally counted that are no longer held (folded away) no longer count."""
    program = POLICY.at(START)
    ct = program.tiers
    assert ct is not None
    info = program.info
    state = member()
    for i, day in enumerate((1, 2, 3)):
        order = purchase(f"o{i}", at(2026, 3, day), ("b", "x", f"{100 * (i + 1)}"))
        state, _ = memberkit.apply(POLICY, state, order)
    when = at(2026, 3, 4)
    span = span_at(ct, info, state, when)
    assert figures_in(ct, info, state, span, when)["spend"] == 600
    state = state.evolve(orders=state.orders[2:])
    later = at(2026, 3, 5)
    assert figures_in(ct, info, state, span_at(ct, info, state, later), later)["spend"] == 300


def test_an_order_dated_after_the_tally_is_counted_when_its_time_comes() -> None:
    """A tally asked before a recorded order's time counts it once asked after it."""
    program = POLICY.at(START)
    ct = program.tiers
    assert ct is not None
    info = program.info
    state, _ = memberkit.apply(POLICY, member(), purchase("o1", at(2026, 3, 1), ("b", "x", "500")))
    early, late = at(2026, 2, 1), at(2026, 4, 1)
    assert figures_in(ct, info, state, span_at(ct, info, state, early), early)["spend"] == 0
    assert figures_in(ct, info, state, span_at(ct, info, state, late), late)["spend"] == 500
