"""Refunds by amount: spread over the order's lines pro rata or last lines first, and the points
they take back.

The order of these tests has three lines, A ¥100, B ¥200 and C ¥300, earning 1 point per ¥1 on
each line (600 points); every expected figure is worked by hand in the test's table.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import at, purchase, refund

import memberkit
from memberkit import MemberState, Policy
from memberkit._spread import spread_amount
from memberkit._state import LineRecord


def _policy(spread: str = "pro_rata", refund_days: int | None = None) -> Policy:
    horizon = f"  refund_days: {refund_days}\n" if refund_days else ""
    return memberkit.parse_policy(
        "memberkit: 1\n"
        "program:\n  id: shop\n  currency: CNY\n  timezone: Asia/Shanghai\n  locale: zh_Hans\n"
        f"  refund_spread: {spread}\n{horizon}"
        "points:\n  earn: [{id: base, per: 1 CNY, points: 1}]\n  round: per_line\n"
    )


def _by_amount(event_id: str, when: datetime, order: str, amount: str) -> memberkit.Event:
    return memberkit.parse_event(
        {"type": "refund", "id": event_id, "at": when, "order": order, "amount": amount}
    )


def _bought(policy: Policy) -> MemberState:
    state = memberkit.new_member("m1", at(2026, 1, 1))
    state, outcome = memberkit.apply(
        policy,
        state,
        purchase("o1", at(2026, 3, 1), ("A", "x", "100"), ("B", "x", "200"), ("C", "x", "300")),
    )
    assert outcome.accepted
    return state


def _refunded_by_line(state: MemberState) -> dict[str, Decimal]:
    order = state.order("o1")
    assert order is not None
    return {line.id: line.refunded_amount for line in order.lines}


def _points(state: MemberState) -> int:
    return sum(int(e.points) for e in state.points.journal)


@pytest.mark.parametrize(
    ("spread", "amount", "parts", "points"),
    [
        # ¥100 of ¥600 in fen: A 1,666.67 → 1,666, B 3,333.33 → 3,333, C 5,000; the one fen
        # lost goes to A (remainder 0.67 against B's 0.33). Points: A 100 × 16.67 / 100 = 16.67
        # → 17, B 33.33 → 33, C 50: 100 back.
        ("pro_rata", "100", {"A": "16.67", "B": "33.33", "C": "50.00"}, 500),
        # ¥0.01: A 0.17, B 0.33, C 0.5 fen all round to 0; C has the largest remainder.
        ("pro_rata", "0.01", {"A": "0", "B": "0", "C": "0.01"}, 600),
        ("pro_rata", "600", {"A": "100", "B": "200", "C": "300"}, 0),
        # Last lines first: C gives back all ¥300 (its 300 points), then B ¥50 (50 of its 200).
        ("last_lines_first", "350", {"A": "0", "B": "50", "C": "300"}, 250),
        ("last_lines_first", "30", {"A": "0", "B": "0", "C": "30"}, 570),
    ],
)
def test_a_refund_by_amount_is_spread_as_stated(
    spread: str, amount: str, parts: dict[str, str], points: int
) -> None:
    """The amount goes to the lines as the programme states, and each line's points follow."""
    policy = _policy(spread)
    state, outcome = memberkit.apply(
        policy, _bought(policy), _by_amount("r1", at(2026, 3, 2), "o1", amount)
    )
    assert outcome.accepted
    assert _refunded_by_line(state) == {k: Decimal(v) for k, v in parts.items()}
    assert _points(state) == points


def test_a_line_refunded_whole_by_amount_counts_as_returned() -> None:
    """After ¥350 last lines first, line C's units are returned and the order is not refunded."""
    policy = _policy("last_lines_first")
    state, _ = memberkit.apply(
        policy, _bought(policy), _by_amount("r1", at(2026, 3, 2), "o1", "350")
    )
    order = state.order("o1")
    assert order is not None
    assert [line.remaining_quantity for line in order.lines] == [1, 1, 0]
    assert order.net_amount == Decimal(250)


def test_refunds_by_amount_and_by_line_add_up_to_the_order() -> None:
    """¥100 pro rata, then line C (¥250 left of it), then the rest: every fen and point is back."""
    policy = _policy()
    state = _bought(policy)
    for step in (
        _by_amount("r1", at(2026, 3, 2), "o1", "100"),
        refund("r2", at(2026, 3, 3), "o1", ("C", None)),
        refund("r3", at(2026, 3, 4), "o1"),
    ):
        state, outcome = memberkit.apply(policy, state, step)
        assert outcome.accepted
    order = state.order("o1")
    assert order is not None
    assert [r.amount for r in order.refunds] == [Decimal(100), Decimal(250), Decimal(250)]
    assert order.net_amount == 0
    assert _points(state) == 0


@pytest.mark.parametrize(
    ("amount", "code", "field"),
    [("600.01", "over_refund", "amount"), ("1.001", "too_many_decimals", "amount")],
)
def test_a_bad_refund_amount_is_an_event_error(amount: str, code: str, field: str) -> None:
    """More than is left of the order, or more decimals than the fen, raises naming the field."""
    policy = _policy()
    with pytest.raises(memberkit.EventError) as caught:
        memberkit.apply(policy, _bought(policy), _by_amount("r1", at(2026, 3, 2), "o1", amount))
    assert (caught.value.code, caught.value.field) == (code, field)


def test_more_than_is_left_after_an_earlier_refund_is_refused_in_every_locale() -> None:
    """After ¥500 back, ¥101 is more than the ¥100 left: the error says so."""
    policy = _policy()
    state, _ = memberkit.apply(
        policy, _bought(policy), _by_amount("r1", at(2026, 3, 2), "o1", "500")
    )
    with pytest.raises(memberkit.EventError) as caught:
        memberkit.apply(policy, state, _by_amount("r2", at(2026, 3, 3), "o1", "101"))
    reason = caught.value.reason
    assert reason is not None
    assert memberkit.i18n.render(reason, "zh_Hans") == (
        "订单 o1 申请退款 ¥101.00，但其商品仅剩 ¥100.00 未退款。"
    )
    assert "訂單 o1" in memberkit.i18n.render(reason, "zh_Hant")


def test_a_refund_by_amount_past_the_horizon_is_refused() -> None:
    """Under refund_days: 30, a refund by amount 31 days after the order is refused as any other."""
    policy = _policy(refund_days=30)
    with pytest.raises(memberkit.EventError) as caught:
        memberkit.apply(policy, _bought(policy), _by_amount("r1", at(2026, 4, 1), "o1", "10"))
    assert caught.value.code == "refund_past_horizon"


def test_lines_and_amount_together_are_refused() -> None:
    """A refund gives lines or an amount, not both."""
    with pytest.raises(memberkit.EventError, match="not both"):
        memberkit.parse_event(
            {
                "type": "refund",
                "id": "r1",
                "at": "2026-03-02T12:00:00+08:00",
                "order": "o1",
                "amount": "10",
                "lines": [{"line": "A"}],
            }
        )


def test_a_refund_written_before_amounts_existed_keeps_its_digest() -> None:
    """An old refund's digest, taken without the amount field, is what the new code computes."""
    from memberkit._events import event_fingerprint

    old = refund("r1", at(2026, 3, 2), "o1")
    data = old.model_dump(mode="json")
    del data["amount"]
    assert event_fingerprint(old) == event_fingerprint(memberkit.parse_event(data))


# --- laws -----------------------------------------------------------------------------------------

_FEN = st.integers(0, 10**9).map(lambda n: Decimal(n).scaleb(-2))


@given(
    st.lists(_FEN, min_size=1, max_size=6),
    st.sampled_from(["pro_rata", "last_lines_first"]),
    st.data(),
)
def test_the_parts_sum_to_the_whole(nets: list[Decimal], how: Any, data: st.DataObject) -> None:
    """Spread parts add up to the amount exactly, to the fen, and none exceeds its line."""
    lines = tuple(
        LineRecord(id=f"l{i}", sku="", category="", quantity=1, amount=net)
        for i, net in enumerate(nets)
    )
    cents = int(sum(nets) * 100)
    amount = Decimal(data.draw(st.integers(0, cents))).scaleb(-2)
    parts = spread_amount(lines, amount, how, 2)
    assert sum(parts, Decimal(0)) == amount
    assert all(Decimal(0) <= p <= line.net_amount for p, line in zip(parts, lines, strict=True))


@given(
    st.lists(st.integers(0, 100000), min_size=1, max_size=4),
    st.lists(st.integers(1, 100000), min_size=1, max_size=4),
    st.sampled_from(["pro_rata", "last_lines_first"]),
)
def test_a_refund_never_takes_back_more_than_was_earned(
    line_fen: list[int], refunds: list[int], how: str
) -> None:
    """Refunds by amount never take back more points than the order earned, take all of them
    when the whole order comes back, and replay gives the state step-by-step apply gives."""
    policy = _policy(how)
    lines = tuple((f"l{i}", "x", str(Decimal(n).scaleb(-2))) for i, n in enumerate(line_fen))
    start = memberkit.new_member("m1", at(2026, 1, 1))
    events: list[memberkit.Event] = [purchase("o1", at(2026, 3, 1), *lines)]
    state, _ = memberkit.apply(policy, start, events[0])
    earned = _points(state)
    left = sum(line_fen)
    for i, fen in enumerate(refunds):
        fen = min(fen, left)
        if fen == 0:
            break
        left -= fen
        step = _by_amount(f"r{i}", at(2026, 3, 2 + i), "o1", str(Decimal(fen).scaleb(-2)))
        state, outcome = memberkit.apply(policy, state, step)
        assert outcome.accepted
        events.append(step)
        assert 0 <= _points(state) <= earned
    if left == 0:
        assert _points(state) == 0
    assert memberkit.replay(policy, start, events) == state
