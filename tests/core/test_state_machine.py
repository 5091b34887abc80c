"""A state machine over members: every step keeps the engine's laws (issue 16, item 5).

The machine drives one member of a policy (the bundled retail example, or a small generic
points-and-tiers programme in New York time) through purchases, quotes, redemptions, whole and
partial refunds before and after expiry, cancels, transfers, flags set and cleared, profile
updates (birth year), advances, late events and JSON round trips, with times far enough apart that points expire. After every step it checks:

- conservation per currency: the journal sums to what the lots hold minus the debt;
- per order and currency, what expired plus what refunds took back is at most what it earned;
- replaying every accepted event from scratch (to the moment the state was advanced to) gives the
  step-by-step state;

and at the steps where they apply: a quote equals the booking, advancing then applying equals
applying, re-applying an accepted event is a duplicate that changes nothing, and the same event
with its moment written in UTC or another offset gives the same state.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import event as note
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from tests.builders import without_horizons

import memberkit
from memberkit import Event, MemberState, Policy

_RETAIL_TEXT = (resources.files("memberkit") / "examples" / "retail.yaml").read_text("utf-8")
# The retail example states no lateness; the machine needs a horizon to exercise apply_late. Its
# refund horizon is left out: the machine refunds orders after their points expired, a year and
# more later (folding under horizons has its own laws, tests/core/test_fold.py).
RETAIL = memberkit.parse_policy(
    without_horizons(
        _RETAIL_TEXT.replace("  notice_days: 30\n", "  notice_days: 30\n  lateness_days: 3\n", 1)
    ),
    source="retail.yaml",
)

GENERIC = memberkit.parse_policy(
    """memberkit: 1
program: {id: generic, currency: USD, timezone: America/New_York, locale: en, lateness_days: 3}
tiers:
  window: {rolling_months: 12}
  ladder:
    - {id: basic}
    - {id: gold, qualify: {spend: 500}}
  upgrade: immediate
  review: monthly
  downgrade: {max_steps: 1}
points:
  currencies:
    - id: points
      expiry: {rolling_months: 6}
      redeem: {points_per_unit: 100, step: 10}
      transfer: {partners: [{id: air, rate: 2}]}
  earn:
    - {id: base, per: 1 USD, points: 1}
    - {id: tier, multiply: {by_tier: {gold: 2}}}
    - {id: checkin, on: checkin, points: 5, cap: {count: 1, per: day}}
    - {id: young, when: {age: {"<": 30}}, multiply: 2}
    - {id: loyal, when: {tenure_months: {">=": 6}}, multiply: 1.5}
    - {id: boost, when: {flag: boost}, multiply: 2}
    - {id: third, on: purchase, when: {figure.orders_month: 3}, points: 50}
  pending: {days: 2}
  reversal: negative
figures:
  orders_month: {measure: orders, window: calendar_month}
""",
    source="generic.yaml",
)

POLICIES = {"retail": RETAIL, "generic": GENERIC}
JOINED = datetime(2026, 1, 5, 9, 30, tzinfo=timezone(timedelta(hours=8)))
# Gaps between events: minutes, hours, days, and long enough for a year's points to lapse.
GAPS = st.one_of(
    st.integers(min_value=1, max_value=600).map(lambda m: timedelta(minutes=m)),
    st.integers(min_value=1, max_value=20).map(lambda d: timedelta(days=d, minutes=7)),
    st.integers(min_value=60, max_value=500).map(lambda d: timedelta(days=d, hours=3)),
)
OTHER_FORMS = st.sampled_from(
    [
        UTC,
        timezone(timedelta(hours=-5)),
        timezone(timedelta(hours=5, minutes=45)),
        ZoneInfo("America/New_York"),
    ]
)


def _sum_by_currency(pairs: list[tuple[str, int | Decimal]]) -> dict[str, int | Decimal]:
    out: dict[str, int | Decimal] = {}
    for currency, points in pairs:
        out[currency] = out.get(currency, 0) + points
    return {c: p for c, p in out.items() if p != 0}


def _reform(event: Event, zone: Any) -> Event:
    """The same event with its moment written in another zone (same instant)."""
    data = event.model_dump(mode="python")
    data["at"] = event.at.astimezone(zone)
    return memberkit.parse_event(data)


class MemberMachine(RuleBasedStateMachine):
    """One member driven through every kind of event the laws speak of."""

    def __init__(self) -> None:
        super().__init__()
        self.policy: Policy = RETAIL
        self.state: MemberState = memberkit.new_member("m1", JOINED)
        self.accepted: list[Event] = []
        self.checkpoint: MemberState = self.state
        self.since: list[Event] = []
        self.orders: dict[str, list[tuple[str, int]]] = {}
        self.redemptions: list[str] = []
        self.serial = 0

    # -- set-up and helpers ------------------------------------------------------------------

    @initialize(name=st.sampled_from(sorted(POLICIES)), data=st.data())
    def choose_policy(self, name: str, data: st.DataObject) -> None:
        self.policy = POLICIES[name]
        if data.draw(st.booleans(), label="opens mid-story"):
            self._open(data)

    def _open(self, data: st.DataObject) -> None:
        """Start the member with an opening: a tier, maybe its last day, spend and a balance."""
        program = self.policy.at(JOINED)
        assert program.tiers is not None
        assert program.points is not None
        ladder = [t.id for t in program.tiers.ladder]
        tier = data.draw(st.sampled_from(ladder), label="opening tier")
        fields: dict[str, Any] = {
            "type": "opening",
            "id": self._id("open"),
            "at": JOINED,
            "tier": tier,
            "figures": {"spend": data.draw(st.decimals(0, 30000, places=2), label="spend")},
            "balances": {program.points.currencies[0].id: data.draw(st.integers(1, 5000))},
        }
        if tier != ladder[0]:
            days = data.draw(st.none() | st.integers(0, 700), label="held for days")
            if days is not None:
                fields["through"] = JOINED.date() + timedelta(days=days)
        assert self._apply(memberkit.parse_event(fields))

    def _id(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}{self.serial}"

    def _last(self) -> datetime:
        return self.state.clock or self.state.joined_at

    def _currency_info(self) -> str:
        return self.policy.at(self._last()).info.currency

    def _accept(self, event: Event, new: MemberState) -> None:
        self.state = new
        self.accepted.append(event)
        self.since.append(event)

    def _apply(self, event: Event, *, expect_earn: bool = False) -> bool:
        """Apply ``event`` checking the per-event laws; keep it when accepted."""
        before = self.state
        quote = memberkit.quote_points(self.policy, before, event) if expect_earn else None
        new, outcome = memberkit.apply(self.policy, before, event)
        note(
            f"{event.type} {'accepted' if outcome.accepted else [r.code for r in outcome.reasons]}"
        )
        if not outcome.accepted:
            assert not outcome.duplicate
            assert new == before
            if quote is not None:
                assert not quote.accepted
            return False
        if quote is not None:
            assert quote.accepted
            booked = _sum_by_currency(
                [
                    (e.currency, e.points)
                    for e in new.points.journal
                    if e.kind in ("earn", "bonus") and e.event_id == event.id
                ]
            )
            assert dict(quote.totals) == booked, (quote.totals, booked)
        # Idempotency: the same event again is a duplicate and changes nothing.
        again, repeat = memberkit.apply(self.policy, new, event)
        assert repeat.duplicate
        assert again == new
        self._accept(event, new)
        return True

    def _check_forms_and_advance(self, event: Event, zone: Any, ahead: timedelta) -> None:
        """Apply ``event`` written another way, and after an advance; both must give one state."""
        expected, outcome = memberkit.apply(self.policy, self.state, event)
        other, other_outcome = memberkit.apply(self.policy, self.state, _reform(event, zone))
        assert other_outcome.accepted == outcome.accepted
        assert other == expected
        # Advance to a moment before the event, or past it (the event then falls inside a stretch
        # already advanced): applying afterwards gives what applying directly gives.
        moved, _ = memberkit.advance(self.policy, self.state, event.at + ahead)
        via, via_outcome = memberkit.apply(self.policy, moved, event)
        assert via_outcome.accepted == outcome.accepted
        assert via == expected

    # -- rules --------------------------------------------------------------------------------

    @rule(
        gap=GAPS,
        amounts=st.lists(st.integers(min_value=1, max_value=4000), min_size=1, max_size=3),
        quantity=st.integers(min_value=1, max_value=3),
        zone=OTHER_FORMS,
        ahead=st.integers(min_value=-3000, max_value=3000).map(lambda m: timedelta(minutes=m)),
        card=st.integers(min_value=0, max_value=100),
    )
    def purchase(
        self,
        gap: timedelta,
        amounts: list[int],
        quantity: int,
        zone: Any,
        ahead: timedelta,
        card: int,
    ) -> None:
        moment = self._last() + gap
        ahead = max(ahead, self._last() - moment)
        order_id = self._id("o")
        lines = [
            {"id": f"l{i}", "category": "general", "amount": Decimal(a), "quantity": quantity}
            for i, a in enumerate(amounts)
        ]
        body: dict[str, Any] = {
            "type": "purchase",
            "id": order_id,
            "at": moment,
            "currency": self._currency_info(),
            "lines": lines,
        }
        total = sum(amounts)
        if 0 < card < 100 and total > 1:
            # Paid by a card and a wallet (each whole units, so any currency's precision holds).
            paid = min(max(total * card // 100, 1), total - 1)
            body["tenders"] = [
                {"method": "card", "amount": Decimal(paid)},
                {"method": "wallet", "amount": Decimal(total - paid)},
            ]
        event = memberkit.parse_event(body)
        self._check_forms_and_advance(event, zone, ahead)
        if self._apply(event, expect_earn=True):
            self.orders[order_id] = [(f"l{i}", quantity) for i in range(len(amounts))]

    @rule(gap=GAPS)
    def checkin(self, gap: timedelta) -> None:
        event = memberkit.parse_event(
            {"type": "activity", "id": self._id("c"), "at": self._last() + gap, "kind": "checkin"}
        )
        self._apply(event, expect_earn=True)

    @precondition(lambda self: bool(self.orders))
    @rule(data=st.data(), gap=GAPS, partial=st.booleans(), zone=OTHER_FORMS)
    def refund(self, data: st.DataObject, gap: timedelta, partial: bool, zone: Any) -> None:
        order_id = data.draw(st.sampled_from(sorted(self.orders)), label="order")
        self._refund(data, order_id, self._last() + gap, partial, zone)

    @precondition(lambda self: bool(self._dated_orders()))
    @rule(data=st.data(), gap=GAPS, partial=st.booleans(), zone=OTHER_FORMS)
    def refund_after_expiry(
        self, data: st.DataObject, gap: timedelta, partial: bool, zone: Any
    ) -> None:
        """A refund dated after the order's points reached their expiry."""
        dated = self._dated_orders()
        order_id = data.draw(st.sampled_from(sorted(dated)), label="order")
        self._refund(data, order_id, max(self._last(), dated[order_id]) + gap, partial, zone)

    def _dated_orders(self) -> dict[str, datetime]:
        """Orders still refundable whose points have an expiry: the latest one."""
        found: dict[str, datetime] = {}
        for lot in self.state.points.lots:
            if lot.source in self.orders and lot.expires_at is not None:
                found[lot.source] = max(found.get(lot.source, lot.expires_at), lot.expires_at)
        return found

    def _refund(
        self, data: st.DataObject, order_id: str, moment: datetime, partial: bool, zone: Any
    ) -> None:
        lines = self.orders[order_id]
        body: dict[str, Any] = {
            "type": "refund",
            "id": self._id("r"),
            "at": moment,
            "order": order_id,
        }
        line_id = ""
        if partial:
            line_id, _ = data.draw(st.sampled_from(lines), label="line")
            body["lines"] = [{"line": line_id, "quantity": 1}]
        event = memberkit.parse_event(body)
        self._check_forms_and_advance(event, zone, timedelta(days=1))
        expired = any(
            lot.source == order_id and lot.expires_at is not None and lot.expires_at <= event.at
            for lot in self.state.points.lots
        )
        if self._apply(event):
            note(f"refund {'partial' if partial else 'whole'}{' after expiry' if expired else ''}")
            kept = [(lid, q - (lid == line_id)) for lid, q in lines] if partial else []
            self.orders[order_id] = [(lid, q) for lid, q in kept if q > 0]
            if not self.orders[order_id]:
                del self.orders[order_id]

    @precondition(lambda self: bool(self._split_orders()))
    @rule(data=st.data(), gap=GAPS, share=st.integers(min_value=1, max_value=110))
    def refund_to_tender(self, data: st.DataObject, gap: timedelta, share: int) -> None:
        """Money back to one tender of an order paid by several; over what it has left is refused."""
        order_id = data.draw(st.sampled_from(self._split_orders()), label="order")
        order = self.state.order(order_id)
        assert order is not None
        tender = data.draw(st.sampled_from(order.tenders), label="tender")
        amount = max(Decimal(1), (tender.amount * share / 100).to_integral_value())
        event = memberkit.parse_event(
            {
                "type": "refund",
                "id": self._id("r"),
                "at": self._last() + gap,
                "order": order_id,
                "amount": amount,
                "tender": tender.method,
            }
        )
        if amount > min(tender.left, order.net_amount):
            with pytest.raises(memberkit.EventError) as caught:
                memberkit.apply(self.policy, self.state, event)
            assert caught.value.code == "over_refund"
            return
        if self._apply(event):
            note(f"refund {amount} to {tender.method}")
            after = self.state.order(order_id)
            assert after is not None
            if after.fully_refunded or after.net_amount == 0:
                del self.orders[order_id]

    def _split_orders(self) -> list[str]:
        return sorted(
            oid for oid in self.orders if (o := self.state.order(oid)) is not None and o.tenders
        )

    @rule(gap=GAPS, share=st.floats(min_value=0.0, max_value=1.2))
    def redeem(self, gap: timedelta, share: float) -> None:
        moment = self._last() + gap
        held = memberkit.balance(self.policy, self.state, moment).available
        # Mostly what the member holds (in the retail step of 100), sometimes a little more.
        points = max(100, int(held * share) // 100 * 100)
        event = memberkit.parse_event(
            {
                "type": "redemption",
                "id": self._id("x"),
                "at": moment,
                "points": points,
                # Retail pays at most half an order with points: the order is large enough.
                "order_amount": Decimal(points // 50),
            }
        )
        if self._apply(event):
            self.redemptions.append(event.id)

    @precondition(lambda self: bool(self.redemptions))
    @rule(data=st.data(), gap=GAPS)
    def cancel_redemption(self, data: st.DataObject, gap: timedelta) -> None:
        target = data.draw(st.sampled_from(self.redemptions), label="redemption")
        event = memberkit.parse_event(
            {
                "type": "redemption_cancel",
                "id": self._id("k"),
                "at": self._last() + gap,
                "redemption": target,
            }
        )
        if self._apply(event):
            self.redemptions.remove(target)

    @rule(
        gap=GAPS,
        direction=st.sampled_from(["in", "out"]),
        points=st.integers(min_value=100, max_value=3000),
    )
    def transfer(self, gap: timedelta, direction: str, points: int) -> None:
        partner = "skymiles" if self.policy is RETAIL else "air"
        event = memberkit.parse_event(
            {
                "type": "transfer",
                "id": self._id("t"),
                "at": self._last() + gap,
                "direction": direction,
                "points": points,
                "counterparty": partner,
                "partner": True,
            }
        )
        self._apply(event)

    @rule(
        gap=GAPS,
        name=st.sampled_from(["boost", "other"]),
        days=st.one_of(st.none(), st.integers(min_value=0, max_value=40)),
        clear=st.booleans(),
    )
    def flag(self, gap: timedelta, name: str, days: int | None, clear: bool) -> None:
        moment = self._last() + gap
        data: dict[str, Any] = {"type": "flag", "id": self._id("f"), "at": moment, "flag": name}
        if clear:
            data["clear"] = True
        elif days is not None:
            local = moment.astimezone(self.policy.info.tz).date()
            data["through"] = (local + timedelta(days=days)).isoformat()
        self._apply(memberkit.parse_event(data))

    @rule(gap=GAPS, year=st.integers(min_value=1960, max_value=2015))
    def profile(self, gap: timedelta, year: int) -> None:
        event = memberkit.parse_event(
            {
                "type": "profile",
                "id": self._id("p"),
                "at": self._last() + gap,
                "birthday": f"{year}-02-28",
                "birth_year": year,
            }
        )
        self._apply(event)

    @rule(gap=GAPS)
    def advance(self, gap: timedelta) -> None:
        until = max(self.state.advanced_to or self._last(), self._last()) + gap
        moved, _ = memberkit.advance(self.policy, self.state, until)
        twice, _ = memberkit.advance(self.policy, moved, until)
        assert twice == moved
        self.state = moved

    @rule()
    def take_checkpoint(self) -> None:
        self.checkpoint = self.state
        self.since = []

    @precondition(lambda self: self.state.clock is not None)
    @rule(
        data=st.data(),
        kind=st.sampled_from(["purchase", "checkin", "refund"]),
        fraction=st.floats(min_value=0.05, max_value=0.95),
        amount=st.integers(min_value=1, max_value=3000),
    )
    def late_event(self, data: st.DataObject, kind: str, fraction: float, amount: int) -> None:
        """An event dated between the checkpoint and the last event, given to apply_late."""
        clock = self._last()
        floor = max(
            clock - timedelta(days=self.policy.at(clock).info.lateness_days),
            self.checkpoint.clock or self.checkpoint.joined_at,
            self.state.joined_at,
        )
        moment = (floor + (clock - floor) * fraction).replace(microsecond=0)
        if not floor < moment < clock:
            return
        body: dict[str, Any] = {"at": moment}
        if kind == "purchase":
            body |= {
                "type": "purchase",
                "id": self._id("o"),
                "currency": self._currency_info(),
                "lines": [{"id": "l0", "category": "general", "amount": Decimal(amount)}],
            }
        elif kind == "checkin":
            body |= {"type": "activity", "id": self._id("c"), "kind": "checkin"}
        else:
            # A whole refund of an order placed before the late moment and still refundable now.
            earlier = sorted(
                o.id for o in self.state.orders if o.id in self.orders and o.at < moment
            )
            if not earlier:
                return
            order_id = data.draw(st.sampled_from(earlier), label="order")
            body |= {"type": "refund", "id": self._id("r"), "order": order_id}
        event = memberkit.parse_event(body)
        try:
            new, outcome = memberkit.apply_late(
                self.policy, self.state, event, earlier=self.checkpoint, since=self.since
            )
        except memberkit.EventError as refused:
            # The only refusal allowed here: the late event would make a later one fail.
            if refused.code != "late_conflict":
                raise
            note(f"late {kind} conflicts")
            return
        note(f"late {kind} {'accepted' if outcome.accepted else 'refused'}")
        if outcome.accepted:
            self._accept(event, new)
            if kind == "purchase":
                self.orders[event.id] = [("l0", 1)]
            elif kind == "refund":
                del self.orders[body["order"]]

    @precondition(lambda self: bool(self.accepted))
    @rule(data=st.data())
    def reapply(self, data: st.DataObject) -> None:
        event = data.draw(st.sampled_from(self.accepted), label="event")
        again, outcome = memberkit.apply(self.policy, self.state, event)
        assert outcome.duplicate
        assert again == self.state

    @rule()
    def json_round_trip(self) -> None:
        text = memberkit.state_to_json(self.state)
        loaded = memberkit.state_from_json(text)
        assert loaded == self.state
        assert memberkit.state_to_json(loaded) == text
        self.state = loaded

    # -- laws after every step ----------------------------------------------------------------

    @invariant()
    def conservation_per_currency(self) -> None:
        points = self.state.points
        journal = _sum_by_currency([(e.currency, e.points) for e in points.journal])
        held = _sum_by_currency(
            [(lot.currency, lot.remaining) for lot in points.lots]
            + [(c, -owed) for c, owed in points.debt]
        )
        assert journal == held
        for lot in points.lots:
            assert 0 <= lot.remaining <= lot.amount

    @invariant()
    def an_order_loses_at_most_what_it_earned(self) -> None:
        points = self.state.points
        source = {lot.id: lot.source for lot in points.lots}
        refund_of = {r.id: o.id for o in self.state.orders for r in o.refunds}
        earned: dict[tuple[str, str], int | Decimal] = {}
        lost: dict[tuple[str, str], int | Decimal] = {}
        for e in points.journal:
            if e.kind in ("earn", "bonus") and e.event_id in self.orders_ever():
                key = (e.event_id, e.currency)
                earned[key] = earned.get(key, 0) + e.points
            elif e.kind == "expire" and source.get(e.rule) in self.orders_ever():
                key = (source[e.rule], e.currency)
                lost[key] = lost.get(key, 0) - e.points
            elif e.kind == "reverse" and e.event_id in refund_of:
                key = (refund_of[e.event_id], e.currency)
                lost[key] = lost.get(key, 0) - e.points
        for key, value in lost.items():
            assert value <= earned.get(key, 0), (key, value, earned.get(key, 0))

    def orders_ever(self) -> set[str]:
        return {o.id for o in self.state.orders}

    @invariant()
    def replay_equals_step_by_step(self) -> None:
        start = memberkit.new_member("m1", JOINED)
        replayed = memberkit.replay(self.policy, start, self.accepted, as_of=self.state.advanced_to)
        assert replayed == self.state


MemberMachine.TestCase.settings = settings(
    settings.default, stateful_step_count=16, report_multiple_bugs=False
)
test_member_machine = MemberMachine.TestCase
