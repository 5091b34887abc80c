"""The spine: apply, replay, idempotency and the core's record of orders and refunds."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.builders import activity, at, member, policy, purchase, refund

import memberkit
from memberkit import EventConflict, EventError
from memberkit._context import Capture
from memberkit._engine import apply_captured


@pytest.fixture
def bare() -> memberkit.Policy:
    """A programme with no parts: only the core runs."""
    return policy()


def test_apply_records_the_order(bare: memberkit.Policy) -> None:
    """A purchase is kept with its lines so later refunds can be checked against it."""
    state, outcome = memberkit.apply(
        bare, member(), purchase("o1", at(2026, 3, 1), ("a", "food", "30"))
    )
    assert outcome.accepted
    assert [o.id for o in state.orders] == ["o1"]
    assert state.orders[0].amount == Decimal("30")
    assert state.clock == at(2026, 3, 1)


def test_apply_does_not_change_the_input_state(bare: memberkit.Policy) -> None:
    """apply is pure: the state passed in is still the old state afterwards."""
    before = member()
    memberkit.apply(bare, before, purchase("o1", at(2026, 3, 1)))
    assert before.orders == ()
    assert before.seen == ()


def test_same_event_twice_is_a_reported_no_op(bare: memberkit.Policy) -> None:
    """Applying an event id again with the same content changes nothing and says so."""
    event = purchase("o1", at(2026, 3, 1))
    once, _ = memberkit.apply(bare, member(), event)
    twice, outcome = memberkit.apply(bare, once, event)
    assert twice is once
    assert outcome.duplicate
    assert [r.code for r in outcome.reasons] == ["event.duplicate"]


def test_reused_id_with_other_content_is_an_error(bare: memberkit.Policy) -> None:
    """An event id reused for a different event is refused and names the id."""
    once, _ = memberkit.apply(bare, member(), purchase("o1", at(2026, 3, 1)))
    with pytest.raises(EventConflict, match="event 'o1'"):
        memberkit.apply(bare, once, purchase("o1", at(2026, 3, 1), ("a", "food", "31")))


def test_out_of_order_event_is_refused(bare: memberkit.Policy) -> None:
    """An event older than the member's last event is an error, and the state is kept."""
    state, _ = memberkit.apply(bare, member(), purchase("o2", at(2026, 3, 2)))
    with pytest.raises(EventError) as info:
        memberkit.apply(bare, state, purchase("o1", at(2026, 3, 1)))
    assert info.value.code == "out_of_order"
    assert info.value.event_id == "o1"


def test_event_before_joining_is_refused(bare: memberkit.Policy) -> None:
    """A purchase dated before the member joined cannot belong to the member."""
    with pytest.raises(EventError) as info:
        memberkit.apply(bare, member(joined=at(2026, 5, 1)), purchase("o1", at(2026, 4, 1)))
    assert info.value.code == "before_join"


def test_refund_of_unknown_order_names_the_event(bare: memberkit.Policy) -> None:
    """A refund for an order the member never placed is an error naming the refund event."""
    with pytest.raises(EventError, match=r"event 'r1' order: refund of unknown order 'nope'"):
        memberkit.apply(bare, member(), refund("r1", at(2026, 3, 1), "nope"))


def test_partial_refund_splits_money_by_units(bare: memberkit.Policy) -> None:
    """Refunding 1 of 3 units gives back a third of the line, rounded down to the fen."""
    state, _ = memberkit.apply(
        bare, member(), purchase("o1", at(2026, 3, 1), ("a", "food", "100", 3))
    )
    state, _ = memberkit.apply(bare, state, refund("r1", at(2026, 3, 2), "o1", ("a", 1)))
    line = state.orders[0].lines[0]
    assert (line.refunded_quantity, line.refunded_amount) == (1, Decimal("33.33"))


def test_refund_in_parts_gives_back_exactly_what_was_paid(bare: memberkit.Policy) -> None:
    """The last units refunded take the remainder, so the parts add up to the price."""
    state, _ = memberkit.apply(
        bare, member(), purchase("o1", at(2026, 3, 1), ("a", "food", "100", 3))
    )
    for i in range(3):
        state, _ = memberkit.apply(bare, state, refund(f"r{i}", at(2026, 3, 2 + i), "o1", ("a", 1)))
    order = state.orders[0]
    assert order.net_amount == Decimal(0)
    assert sum(r.amount for r in order.refunds) == Decimal("100")


def test_refund_larger_than_what_is_left_is_refused(bare: memberkit.Policy) -> None:
    """Refunding more units than remain is an error and leaves the order as it was."""
    state, _ = memberkit.apply(
        bare, member(), purchase("o1", at(2026, 3, 1), ("a", "food", "10", 2))
    )
    state, _ = memberkit.apply(bare, state, refund("r1", at(2026, 3, 2), "o1", ("a", 1)))
    with pytest.raises(EventError) as info:
        memberkit.apply(bare, state, refund("r2", at(2026, 3, 3), "o1", ("a", 2)))
    assert info.value.code == "over_refund"
    assert state.orders[0].lines[0].refunded_quantity == 1


def test_whole_order_refund_twice_is_refused(bare: memberkit.Policy) -> None:
    """A second whole-order refund finds nothing left to refund."""
    state, _ = memberkit.apply(bare, member(), purchase("o1", at(2026, 3, 1)))
    state, _ = memberkit.apply(bare, state, refund("r1", at(2026, 3, 2), "o1"))
    with pytest.raises(EventError, match="already fully refunded"):
        memberkit.apply(bare, state, refund("r2", at(2026, 3, 3), "o1"))


def test_refund_of_unknown_line_lists_the_lines(bare: memberkit.Policy) -> None:
    """A refund naming a line the order lacks says which lines it has."""
    state, _ = memberkit.apply(
        bare, member(), purchase("o1", at(2026, 3, 1), ("a", "x", "1"), ("b", "y", "2"))
    )
    with pytest.raises(EventError, match=r"has no line 'c' \(lines: 'a', 'b'\)"):
        memberkit.apply(bare, state, refund("r1", at(2026, 3, 2), "o1", ("c", 1)))


def test_replay_sorts_by_time(bare: memberkit.Policy) -> None:
    """replay applies events in time order whatever order they are given in."""
    events = [
        activity("a2", at(2026, 2, 2), "check_in"),
        activity("a1", at(2026, 2, 1), "check_in"),
    ]
    state = memberkit.replay(bare, member(), events)
    assert [a.id for a in state.activities] == ["a1", "a2"]


def test_profile_update_sets_birthday_and_tags(bare: memberkit.Policy) -> None:
    """A birthday set after joining, and tags added and removed, land in the state."""
    event = memberkit.parse_event(
        {
            "type": "profile",
            "id": "p1",
            "at": at(2026, 2, 1),
            "birthday": "1992-02-29",
            "add_tags": ["vip"],
            "remove_tags": ["b2b"],
        }
    )
    state, _ = memberkit.apply(bare, member(tags=["b2b", "new"]), event)
    assert str(state.birthday) == "1992-02-29"
    assert state.tags == ("new", "vip")


def test_profile_update_cannot_add_and_remove_one_tag() -> None:
    """A tag both added and removed in one update is ambiguous and refused at the edge."""
    with pytest.raises(EventError, match="both added and removed"):
        memberkit.parse_event(
            {
                "type": "profile",
                "id": "p1",
                "at": at(2026, 2, 1),
                "add_tags": ["vip"],
                "remove_tags": ["vip"],
            }
        )


def test_an_order_in_another_currency_is_refused(bare: memberkit.Policy) -> None:
    """A USD order sent to a CNY programme is an error naming the currency, not points for $."""
    state = member()
    with pytest.raises(EventError, match="in USD but the programme counts CNY") as caught:
        memberkit.apply(bare, state, purchase("o1", at(2026, 3, 1), currency="USD"))
    assert (caught.value.field, caught.value.code) == ("currency", "wrong_currency")


def test_an_unknown_currency_code_is_refused_at_the_edge() -> None:
    """QQQ is no ISO 4217 currency: parse_event says so, naming the event and field."""
    with pytest.raises(EventError, match="unknown ISO 4217 currency 'QQQ'") as caught:
        purchase("o1", at(2026, 3, 1), currency="QQQ")
    assert caught.value.event_id == "o1"


@pytest.mark.parametrize(
    ("field", "kw"), [("lines.0.amount", {}), ("shipping", {"shipping": "0.001"})]
)
def test_an_amount_finer_than_the_currency_is_refused(
    bare: memberkit.Policy, field: str, kw: dict[str, str]
) -> None:
    """CNY is counted in fen: 10.001 on a line, or shipping of 0.001, is refused at its field."""
    lines = (("l1", "general", "10.001"),) if field.startswith("lines") else ()
    event = purchase("o1", at(2026, 3, 1), *lines, **kw)
    with pytest.raises(EventError, match="more decimals than CNY allows") as caught:
        memberkit.apply(bare, member(), event)
    assert caught.value.field == field


def test_a_quoted_event_leaves_the_state_it_was_given() -> None:
    """apply_captured with a capture returns the very state given and captures what apply
    books, while apply of the same event records the order and credits its lot."""
    earning = policy("points:\n  earn:\n    - {id: base, per: 1 CNY, points: 1}\n")
    before = member()
    order = purchase("o1", at(2026, 3, 1), ("a", "food", "30"))
    capture = Capture()
    after, outcome = apply_captured(earning, before, order, capture)
    assert after is before
    assert not outcome.refused
    assert [(c.rule.id, c.points) for c in capture.contributions] == [("base", 30)]
    booked, _ = memberkit.apply(earning, before, order)
    assert [lot.amount for lot in booked.points.lots] == [30]


def test_a_quote_refuses_what_apply_would_refuse() -> None:
    """quote_points never promises points for an order apply would refuse."""
    earning = policy("points:\n  earn:\n    - {id: base, per: 1 CNY, points: 1}\n")
    with pytest.raises(EventError, match="wrong_currency"):
        memberkit.quote_points(earning, member(), purchase("o1", at(2026, 3, 1), currency="USD"))
