"""Calibration/holdout summaries from member states, in the policy's unit and same-day rule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from tests.builders import SHANGHAI, at, without_horizons
from tests.lifecycle.builders import lifecycle_policy, order, shopper

import memberkit
from memberkit import MemberState
from memberkit.cli._demo import bundled_example
from memberkit.demo import synthetic_members
from memberkit.lifecycle import ModelError, summarise_states, summarise_transactions

CALIBRATION_END, HOLDOUT_END = date(2026, 3, 31), date(2026, 6, 30)


def members() -> list[MemberState]:
    """Three members: two orders on one Shanghai day (23:30 is still that day), a refunded
    order, purchases after the calibration end, and one who first bought in the holdout."""
    a = shopper(
        (at(2026, 1, 5, 9), "100"),
        (at(2026, 1, 5, 23, 30), "50"),
        (at(2026, 2, 2), "80"),
        (at(2026, 4, 9), "60"),
        (at(2026, 4, 9, 18), "10"),
        (at(2026, 7, 3), "999"),  # after the holdout: not counted
        member_id="a",
    )
    a = a.evolve(orders=(*a.orders, order("a-r", at(2026, 2, 20), "70", refunded=True)))
    b = shopper((at(2026, 3, 1), "40"), (at(2026, 5, 1), "40"), member_id="b")
    c = shopper((at(2026, 5, 5), "20"), member_id="c")
    return [a, b, c]


def rows(same_day: str) -> list[tuple[str, date, Decimal]]:
    """The same purchases written out by hand as a transactions table (local days)."""
    if same_day == "merge":
        a = [(date(2026, 1, 5), "150"), (date(2026, 2, 2), "80"), (date(2026, 4, 9), "70")]
    else:
        a = [
            (date(2026, 1, 5), "100"),
            (date(2026, 1, 5), "50"),
            (date(2026, 2, 2), "80"),
            (date(2026, 4, 9), "60"),
            (date(2026, 4, 9), "10"),
        ]
    b = [(date(2026, 3, 1), "40"), (date(2026, 5, 1), "40")]
    c = [(date(2026, 5, 5), "20")]
    return [(m, d, Decimal(v)) for m, part in (("a", a), ("b", b), ("c", c)) for d, v in part]


@pytest.mark.parametrize("unit", ["days", "weeks"])
@pytest.mark.parametrize("same_day", ["merge", "keep"])
def test_states_give_the_summaries_of_their_transactions(unit: str, same_day: str) -> None:
    """From states, with the policy's unit and same-day rule, the summaries equal those of the
    same purchases as a table: same-day orders merged or kept, refunds and late orders left
    out, and the member who first bought in the holdout left out of the cohort."""
    policy = lifecycle_policy(f"summary: {{unit: {unit}, same_day: {same_day}}}")
    got = list(
        summarise_states(
            policy, members(), calibration_end=CALIBRATION_END, holdout_end=HOLDOUT_END
        )
    )
    expected = list(
        summarise_transactions(
            rows(same_day),
            calibration_end=CALIBRATION_END,
            holdout_end=HOLDOUT_END,
            unit=unit,  # type: ignore[arg-type]
            same_day=same_day,  # type: ignore[arg-type]
        )
    )
    assert got == expected
    assert [s.member for s in got] == ["a", "b"]
    a = got[0]
    assert (a.x, a.holdout_purchases) == ((1, 1) if same_day == "merge" else (2, 2))
    assert a.unit == unit


def test_states_out_of_member_order_are_refused() -> None:
    """States must come ordered by member id, as the table's rows must."""
    policy = lifecycle_policy("summary: {unit: days}")
    with pytest.raises(ModelError, match="ordered by member"):
        list(summarise_states(policy, members()[::-1], calibration_end=CALIBRATION_END))


def test_states_are_read_one_at_a_time() -> None:
    """A member's summary comes out before the state after the next is read."""
    read: list[str] = []

    def stream() -> Iterator[MemberState]:
        for state in members():
            read.append(state.member_id)
            yield state

    policy = lifecycle_policy("summary: {unit: days}")
    summaries = summarise_states(policy, stream(), calibration_end=CALIBRATION_END)
    assert next(summaries).member == "a"
    assert read == ["a", "b"]


def test_folded_states_give_the_same_summaries() -> None:
    """States whose old orders the policy's horizons folded away give the same calibration
    summaries (x, t_x, T) and holdout counts as states that keep every order."""
    source, raw = bundled_example()
    text = raw.decode("utf-8")
    summaries, folds = [], []
    for body in (text, without_horizons(text)):
        policy = memberkit.parse_policy(body, source=source)
        states = []
        for synthetic in synthetic_members(40, year=2026, tz=SHANGHAI):
            state = memberkit.new_member(synthetic.member_id, synthetic.joined_at)
            for event in synthetic.events:
                try:
                    state, _ = memberkit.apply(policy, state, event)
                except memberkit.EventError:
                    continue
            states.append(state)
        states.sort(key=lambda s: s.member_id)
        folds.append(sum(s.folded is not None for s in states))
        found = summarise_states(
            policy, states, calibration_end=date(2026, 9, 30), holdout_end=date(2026, 12, 31)
        )
        summaries.append([(s.member, s.x, s.t_x, s.T, s.holdout_purchases) for s in found])
    folded, kept = summaries
    assert folds[0] > 0  # the horizons did fold some members' old orders
    assert folds[1] == 0
    assert len(kept) > 20
    assert folded == kept
