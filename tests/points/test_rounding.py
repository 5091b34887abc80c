"""Rounding at the policy's stated step: the order total once (per_order) or each line once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import at, purchase, refund
from tests.points.builders import applied, member, points_policy, total

import memberkit
from memberkit.points._rounding import allocate
from memberkit.tiers._state import TierChange, TierState

RETAIL = memberkit.load_policy(Path(memberkit.__file__).parent / "examples" / "retail.yaml")

BASE = "earn:\n  - {id: base, per: 1 CNY, points: 1}\n"
STACK = BASE + "  - {id: tier, multiply: {by_tier: {silver: 1.2}}}\n  - {id: x2, multiply: 2}\n"


def _silver_with_a_november_birthday() -> memberkit.MemberState:
    state = memberkit.new_member("m1", at(2026, 1, 1, 0, 0), birthday=date(1990, 11, 3))
    change = TierChange(at(2026, 1, 1, 0, 0), "silver", "initial")
    return state.evolve(tiers=TierState(history=(change,), earned=(change,)))


def _retail_order() -> memberkit.Purchase:
    return purchase("o1", at(2026, 11, 11, 20), ("l1", "general", "999"), channel="app")


def test_the_retail_birthday_order_on_11_11_floors_the_stacked_total_once() -> None:
    """A ¥999 app order on 11.11 by a silver member in her birthday month earns floor(4,795.2)."""
    quote = memberkit.quote_points(RETAIL, _silver_with_a_november_birthday(), _retail_order())
    assert quote.total("points") == 4795


def test_the_retail_quote_lines_add_up_to_the_rounded_total() -> None:
    """Each rule's line is the growth of the rounded running total, so the lines sum to it."""
    quote = memberkit.quote_points(RETAIL, _silver_with_a_november_birthday(), _retail_order())
    lines = [(q.rule, q.points) for q in quote.lines if q.currency == "points"]
    assert lines == [
        ("base", 999),
        ("tier-bonus", 199),
        ("double-11", 1199),
        ("birthday-double", 2398),
    ]
    assert sum(p for _, p in lines) == quote.total("points")


RETAIL_TEXT = (Path(memberkit.__file__).parent / "examples" / "retail.yaml").read_text("utf-8")


@pytest.mark.parametrize(
    ("rounding", "amount", "expected"),
    [
        # The retail case: silver 1.2 × 11.11 app 2 × birthday-month first order 2 = × 4.8.
        ("floor", "999", 4795),  # 4,795.2
        ("ceil", "999", 4796),
        ("half_up", "999", 4795),
        ("half_even", "999", 4795),
        # No amount in fen makes 4.8 × amount end in exactly .5; the .5 cases are below, in KWD.
        ("half_up", "999.90", 4800),  # 4,799.52
        ("half_even", "999.79", 4799),  # 4,798.992
    ],
)
@pytest.mark.parametrize("step", ["per_order", "per_line"])
def test_the_retail_birthday_order_in_every_rounding_mode(
    rounding: str, amount: str, expected: int, step: str
) -> None:
    """The retail stack (× 4.8) on one line rounds once, the stated way, at either step."""
    text = RETAIL_TEXT.replace("rounding: floor", f"rounding: {rounding}")
    text = text.replace("round: per_order", f"round: {step}")
    assert f"rounding: {rounding}" in text
    policy = memberkit.parse_policy(text, source="retail.yaml")
    order = purchase("o1", at(2026, 11, 11, 20), ("l1", "general", amount), channel="app")
    quote = memberkit.quote_points(policy, _silver_with_a_november_birthday(), order)
    assert quote.total("points") == expected


@pytest.mark.parametrize(
    ("rounding", "amount", "expected"),
    [
        # 1.2 × 2 = 2.4 times the amount: x.5 boundaries at amounts of x.5 / 2.4. The programme
        # counts Kuwaiti dinars (3 decimals), so amounts such as 10.625 are real prices.
        ("floor", "10.62", 25),  # 25.488
        ("floor", "10.63", 25),  # 25.512
        ("ceil", "10.62", 26),
        ("ceil", "10.00", 24),  # 24.000 exactly: no rounding up
        ("half_up", "10.62", 25),  # 25.488
        ("half_up", "10.625", 26),  # 25.500
        ("half_up", "10.63", 26),  # 25.512
        ("half_even", "10.625", 26),  # 25.500 goes to the even 26
        ("half_even", "10.208", 24),  # 24.4992
        ("half_even", "11.041", 26),  # 26.4984
        ("half_even", "9.375", 22),  # 22.500 goes to the even 22
    ],
)
@pytest.mark.parametrize("step", ["per_order", "per_line"])
def test_stacked_multipliers_round_once_at_each_boundary(
    rounding: str, amount: str, expected: int, step: str
) -> None:
    """One-line orders under ×1.2 × 2 round the stacked total once, the stated way, either step."""
    body = STACK.replace("CNY", "KWD") + f"rounding: {rounding}\nround: {step}\n"
    policy = points_policy(body, currency="KWD")
    order = purchase("o1", at(2026, 3, 1), ("l1", "x", amount), currency="KWD")
    assert memberkit.quote_points(policy, member("silver"), order).total() == expected


def test_per_line_rounds_each_lines_stacked_total_once() -> None:
    """Per line, two lines of ¥1.25 under ×2.4 make floor(3.0) + floor(3.0) = 6; per rule it was 4."""
    policy = points_policy(STACK + "round: per_line\n")
    order = purchase("o1", at(2026, 3, 1), ("l1", "x", "1.25"), ("l2", "x", "1.25"))
    quote = memberkit.quote_points(policy, member("silver"), order)
    assert quote.total() == 6
    assert sum(q.points for q in quote.lines) == 6


def test_per_order_rounds_the_whole_order_once_across_lines() -> None:
    """Per order, two lines of ¥1.20 under ×2.4 make floor(5.76) = 5, not 2 × floor(2.88) = 4."""
    policy = points_policy(STACK + "round: per_order\n")
    order = purchase("o1", at(2026, 3, 1), ("l1", "x", "1.20"), ("l2", "x", "1.20"))
    assert memberkit.quote_points(policy, member("silver"), order).total() == 5


@pytest.mark.parametrize("step", ["per_order", "per_line"])
def test_a_full_refund_takes_back_exactly_what_was_earned(step: str) -> None:
    """Refunding a whole order with stacked multipliers leaves no point behind, either step."""
    policy = points_policy(STACK + f"round: {step}\npending: immediate\n")
    order = purchase("o1", at(2026, 3, 1), ("l1", "x", "10.63"), ("l2", "x", "7.77"))
    earned = applied(policy, member("silver"), order)
    assert total(earned) == memberkit.quote_points(policy, member("silver"), order).total()
    back = applied(policy, earned, refund("r1", at(2026, 3, 2), "o1"))
    assert total(back) == 0


@pytest.mark.parametrize("step", ["per_order", "per_line"])
def test_refunding_one_line_then_the_other_takes_back_everything(step: str) -> None:
    """Line-by-line refunds of a stacked order give back all it earned and never more."""
    policy = points_policy(STACK + f"round: {step}\npending: immediate\n")
    order = purchase("o1", at(2026, 3, 1), ("l1", "x", "10.63"), ("l2", "x", "7.77"))
    state = applied(policy, member("silver"), order)
    earned = total(state)
    state = applied(policy, state, refund("r1", at(2026, 3, 2), "o1", ("l1", None)))
    assert 0 < total(state) < earned
    state = applied(policy, state, refund("r2", at(2026, 3, 3), "o1", ("l2", None)))
    assert total(state) == 0


@given(
    amounts=st.lists(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2),
        min_size=1,
        max_size=4,
    ),
    rounding=st.sampled_from(["floor", "ceil", "half_up", "half_even"]),
    step=st.sampled_from(["per_order", "per_line"]),
)
def test_quote_lines_always_sum_to_the_total(
    amounts: list[Decimal], rounding: str, step: str
) -> None:
    """Whatever the amounts and the rounding, the rules' points add up to the quoted total."""
    policy = points_policy(STACK + f"rounding: {rounding}\nround: {step}\n")
    lines = tuple((f"l{i}", "x", str(a)) for i, a in enumerate(amounts))
    quote = memberkit.quote_points(policy, member("silver"), purchase("o1", at(2026, 3, 1), *lines))
    assert sum(q.points for q in quote.lines) == quote.total()


@given(
    st.integers(-(10**6), 10**6).filter(bool)
    | st.decimals("-1000", "1000", places=2).filter(lambda d: d != 0),
    st.decimals("-1000", "1000", places=3).filter(lambda d: d != 0),
    st.decimals("0.001", "1000", places=3),
)
def test_one_part_takes_the_whole_total(
    total: int | Decimal, value: Decimal, other: Decimal
) -> None:
    """Allocating to one part gives it the total, as the last of several parts takes what is
    left (same type, same value, same exponent as a split's remainder)."""
    (alone,) = allocate(total, [("l1", value)])
    # With a zero-valued part before it, the part is the last of two and takes the remainder.
    assert alone == ("l1", total)
    split = allocate(total, [("l0", Decimal(0)), ("l1", value)])
    assert split == (alone,)
    assert type(split[0][1]) is type(alone[1])
    if isinstance(total, Decimal):
        assert str(split[0][1]) == str(alone[1])
    if other + value != 0:
        assert sum(p for _, p in allocate(total, [("l0", other), ("l1", value)])) == total
