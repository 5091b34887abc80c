"""Laws over random event sequences: conservation, no negative lots, replay, JSON, full refunds."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import activity, at, purchase, refund
from tests.points.builders import event, member, points_policy

import memberkit
from memberkit import MemberState, Policy
from memberkit.points._ledger import available, usable

_BODY = (
    "currencies:\n"
    "  - id: points\n"
    "    expiry: {rolling_months: 2, paid_extension: {max_months: 3}}\n"
    "    redeem: {points_per_unit: 100, step: 10}\n"
    "    transfer: {partners: [{id: air, rate: 2}]}\n"
    "    earn_cap: {points: 2500, per: week}\n"
    "  - {id: growth, spendable: false}\n"
    "earn:\n"
    "  - {id: base, per: 1 CNY, points: 1, cap: {points: 900, per: month}}\n"
    "  - {id: growth, per: 1 CNY, points: 1, currency: growth}\n"
    "  - {id: tier, multiply: {by_tier: {gold: 1.5}}}\n"
    "  - {id: card, when: {payment_method: card}, multiply: 2}\n"
    "  - {id: bonus, points: 30, min_order: 50}\n"
    "  - {id: checkin, on: checkin, points: 5, cap: {count: 1, per: day}}\n"
    "pending: {days: 3}\n"
    "reversal: negative\n"
)
POLICY = points_policy(_BODY)

TIMED = points_policy(
    _BODY.replace(
        "{rolling_months: 2,",
        "{rolling_months: 2, last_day: day_before, extend_while_tier: {tiers: [gold], months: 1},",
    ).replace("{max_months: 3}", "{max_months: 3, fee: {share: 5%}, once_per_lot: true}")
    + "timed:\n"
    "  - id: decay\n"
    "    at: {inactive: {days: 10}, every: {days: 3}, times: 5, activity: [purchase, checkin]}\n"
    "    do: {expire: 10%, min_points: 7, rounding: half_up}\n"
    "  - {id: block, at: {every: {months: 1}}, when: {balance: {'>': 2000}}, do: {expire: 25%}}\n"
    "  - {id: keep, at: {every: {months: 2}, from: calendar}, do: {extend_months: 1}}\n"
    "  - {id: reset, currency: growth, at: 2026-03-31, do: {expire: all}}\n"
    "  - {id: shut, at: {inactive: {days: 75}}, do: {expire: all, close: true}}\n"
)
"""The same programme with timed rules of every kind that needs no tiers acting on it, and
points that live a month longer each time their date comes while gold is held, and paid
extensions that cost 5% of the points they extend, once per lot."""

_step = st.tuples(
    st.sampled_from(
        [
            "buy",
            "split",
            "tender",
            "refund",
            "part",
            "amount",
            "redeem",
            "discount",
            "cancel",
            "in",
            "out",
            "adjust",
            "checkin",
            "extend",
        ]
    ),
    st.integers(min_value=1, max_value=600),
    st.integers(min_value=1, max_value=72),
)


def _events(steps: list[tuple[str, int, int]]) -> list[memberkit.Event]:
    out: list[memberkit.Event] = []
    moment = at(2026, 1, 2)
    orders: list[str] = []
    redemptions: list[str] = []
    for i, (kind, n, hours) in enumerate(steps):
        moment += timedelta(hours=hours * 5)
        eid = f"e{i}"
        if kind == "buy" or (kind in ("refund", "part", "amount", "tender") and not orders):
            out.append(purchase(eid, moment, ("l1", "x", f"{n}.37", 3), ("l2", "y", "20")))
            orders.append(eid)
        elif kind == "split":
            # Paid by a card (which earns double) and a wallet: the card's share is random.
            card = Decimal(min(hours, n)) + Decimal("0.11")
            wallet = Decimal(n) + Decimal("20.37") - card
            tenders = [{"method": "card", "amount": card}, {"method": "wallet", "amount": wallet}]
            lines = (("l1", "x", f"{n}.37", 3), ("l2", "y", "20"))
            out.append(purchase(eid, moment, *lines, tenders=tenders))
            orders.append(eid)
        elif kind == "tender":
            # Money back to one tender; more than it has left is an EventError.
            method = "card" if n % 2 else "wallet"
            amount = f"{n % 30 + 1}.{hours:02d}"
            out.append(event("refund", eid, moment, order=orders[-1], amount=amount, tender=method))
        elif kind == "refund":
            out.append(refund(eid, moment, orders.pop()))
        elif kind == "part":
            out.append(refund(eid, moment, orders.pop(), ("l1", 1)))
        elif kind == "amount":
            # Money back without lines; more than is left of the order is an EventError.
            amount = f"{n % 60 + 1}.{n % 100:02d}"
            out.append(event("refund", eid, moment, order=orders[-1], amount=amount))
        elif kind == "discount":
            out.append(event("redemption", eid, moment, discount=f"{n % 9 + 1}.50"))
            redemptions.append(eid)
        elif kind == "redeem":
            out.append(event("redemption", eid, moment, points=10 * (n % 20 + 1)))
            redemptions.append(eid)
        elif kind == "cancel" and redemptions:
            out.append(event("redemption_cancel", eid, moment, redemption=redemptions.pop()))
        elif kind == "in":
            out.append(
                event(
                    "transfer",
                    eid,
                    moment,
                    direction="in",
                    points=n,
                    counterparty="air",
                    partner=True,
                )
            )
        elif kind == "out":
            out.append(event("transfer", eid, moment, direction="out", points=n, counterparty="m2"))
        elif kind == "adjust":
            out.append(event("adjustment", eid, moment, points=(n - 300) or 1, reason="staff"))
        elif kind == "extend":
            out.append(event("points_extension", eid, moment, months=n % 3 + 1))
        else:
            out.append(activity(eid, moment, "checkin"))
    return out


def _run(
    state: MemberState, events: list[memberkit.Event], policy: Policy = POLICY
) -> list[MemberState]:
    states = []
    for item in events:
        try:
            state, _ = memberkit.apply(policy, state, item)
        except memberkit.EventError:
            continue  # e.g. a partial refund of a line already returned
        states.append(state)
    return states


def _check_conservation(state: MemberState, policy: Policy = POLICY) -> None:
    moment = state.clock or state.joined_at
    state, _ = memberkit.advance(policy, state, moment)
    for currency in ("points", "growth"):
        journal: dict[str, Any] = {}
        for e in state.points.journal:
            if e.currency == currency:
                journal[e.kind] = journal.get(e.kind, 0) + e.points
        earned = journal.get("earn", 0) + journal.get("bonus", 0) + journal.get("adjust", 0)
        redeemed = -(journal.get("redeem", 0) + journal.get("redeem_cancel", 0))
        expired = -journal.get("expire", 0)
        reversed_ = -journal.get("reverse", 0)
        out = -journal.get("transfer_out", 0)
        into = journal.get("transfer_in", 0)
        held = memberkit.balance(policy, state, moment, currency)
        available_now = held.available
        # available + pending as the member sees them, debt included in available
        assert earned == available_now + held.pending + redeemed + expired + reversed_ + out - into
        lots = sum(lot.remaining for lot in state.points.lots if lot.currency == currency)
        assert sum(journal.values()) == lots - state.points.debt_of(currency)


BOTH = pytest.mark.parametrize("policy", [POLICY, TIMED], ids=["plain", "timed"])


@BOTH
@given(st.lists(_step, max_size=14))
def test_points_are_conserved_at_every_step(
    policy: Policy, steps: list[tuple[str, int, int]]
) -> None:
    """earned = available + pending + redeemed + expired + reversed + out − in, per currency."""
    for state in _run(member("gold"), _events(steps), policy):
        _check_conservation(state, policy)


@BOTH
@given(st.lists(_step, max_size=14))
def test_no_lot_goes_negative(policy: Policy, steps: list[tuple[str, int, int]]) -> None:
    """Every lot's remaining points stay between zero and its amount.

    The spendable balance kept with the lots is their plain sum; the journal and the cap uses
    stay in time order, which a refund relies on to read only the records booked from its
    order's moment on.
    """
    for state in _run(member(), _events(steps), policy):
        assert all(0 <= lot.remaining <= lot.amount for lot in state.points.lots)
        ps = state.points
        moment = state.clock or state.joined_at
        for currency in ("points", "growth"):
            usable_now = [
                lot for lot in ps.lots if lot.currency == currency and usable(lot, moment)
            ]
            summed = sum((lot.remaining for lot in usable_now), 0) - ps.debt_of(currency)
            assert available(ps, currency, moment) == summed
        for moments in (
            [entry.at for entry in ps.journal],
            [use.at for use in ps.cap_uses],
        ):
            assert moments == sorted(moments)


@BOTH
@given(st.lists(_step, max_size=12))
def test_replay_equals_applying_one_by_one(
    policy: Policy, steps: list[tuple[str, int, int]]
) -> None:
    """Replaying the accepted events gives the state reached step by step."""
    events = _events(steps)
    states = _run(member(), events, policy)
    if not states:
        return
    accepted = [e for e in events if any(e.id == seen for seen, _, _ in states[-1].seen)]
    assert memberkit.replay(policy, member(), accepted) == states[-1]


@BOTH
@given(st.lists(_step, max_size=12))
def test_json_round_trip_is_lossless(policy: Policy, steps: list[tuple[str, int, int]]) -> None:
    """A state with lots, journal, caps and redemptions reads back equal from its JSON."""
    for state in _run(member("gold"), _events(steps), policy)[-1:]:
        assert memberkit.state_from_json(memberkit.state_to_json(state)) == state


@given(st.lists(_step, max_size=10), st.integers(min_value=1, max_value=900))
def test_a_full_refund_leaves_the_member_as_if_the_order_never_happened(
    steps: list[tuple[str, int, int]], amount: int
) -> None:
    """Points and cap room after buying and fully refunding an order equal those before it."""
    states = _run(member("gold"), _events(steps))
    before = states[-1] if states else member("gold")
    moment = (before.clock or before.joined_at) + timedelta(minutes=1)
    after = _run(
        before,
        [
            purchase("x-order", moment, ("l1", "x", str(amount))),
            refund("x-refund", moment + timedelta(minutes=1), "x-order"),
        ],
    )[-1]
    probe = moment + timedelta(minutes=2)
    for currency in ("points", "growth"):
        was = memberkit.balance(POLICY, before, probe, currency)
        now = memberkit.balance(POLICY, after, probe, currency)
        assert (was.available, was.pending) == (now.available, now.pending)
    next_order = purchase("next", probe, ("l1", "x", "500"))
    assert memberkit.quote_points(POLICY, after, next_order).totals == (
        memberkit.quote_points(POLICY, before, next_order).totals
    )
