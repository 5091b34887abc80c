"""A refund after the order's points expired takes back only what the order still holds."""

from __future__ import annotations

from tests.builders import at, member, purchase, refund
from tests.points.builders import points_policy

import memberkit

FIXED = points_policy(
    'earn:\n  - {id: base, per: 1 CNY, points: 1}\nexpiry: {fixed: "12-31", years_after_earning: 1}\n'
)


def _two_orders() -> memberkit.MemberState:
    """A earns 100 on 1 Mar 2026 (valid through 31 Dec 2027), B earns 100 on 1 Jun 2027."""
    state = member()
    for event in (
        purchase("A", at(2026, 3, 1), ("l1", "x", "100")),
        purchase("B", at(2027, 6, 1), ("l1", "x", "100")),
    ):
        state, outcome = memberkit.apply(FIXED, state, event)
        assert outcome.accepted
    return state


def test_refund_after_expiry_does_not_take_other_orders_points() -> None:
    """A's 100 expired on 1 Jan 2028; refunding A on 10 Jan leaves B's 100 untouched."""
    state, outcome = memberkit.apply(FIXED, _two_orders(), refund("rA", at(2028, 1, 10), "A"))
    assert memberkit.balance(FIXED, state, at(2028, 1, 10)).available == 100
    assert "points.reversal_expired" in [r.code for r in outcome.reasons]
    assert "had already expired" in outcome.explain("en")


def test_expired_and_reversed_never_exceed_what_the_order_earned() -> None:
    """Two partial refunds of an expired order take nothing: expired + reversed <= earned."""
    state = _two_orders()
    state, _ = memberkit.apply(FIXED, state, refund("r1", at(2028, 1, 10), "A", ("l1", None)))
    journal = state.points.journal
    lost = -sum(j.points for j in journal if j.kind == "expire" and j.event_id == "A")
    back = -sum(j.points for j in journal if j.kind == "reverse")
    assert lost + back <= 100


def test_a_refund_before_expiry_still_takes_its_points_back() -> None:
    """Refunded in December 2027, before expiry, A's 100 are taken back as usual."""
    state, _ = memberkit.apply(FIXED, _two_orders(), refund("rA", at(2027, 12, 1), "A"))
    assert memberkit.balance(FIXED, state, at(2027, 12, 1)).available == 100
