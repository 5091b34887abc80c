"""Indexes kept beside a state (due moments of lots, held currencies, seen event ids, orders) are derived
from the previous state's as records change, and equal the ones worked out afresh."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.builders import member

import memberkit
from memberkit.points._ledger import available, currencies_of, edges, replaced, usable
from memberkit.points._state import Lot, PointsState

RETAIL = memberkit.load_policy(Path(memberkit.__file__).parent / "examples" / "retail.yaml")


def _events(count: int) -> list[memberkit.Event]:
    """Every ten events, nine hours apart: purchases, check-ins, a refund and a redemption."""
    start = member().joined_at + timedelta(hours=9)
    events: list[memberkit.Event] = []
    for i in range(count):
        raw: dict[str, Any] = {"id": f"e{i}", "at": start + timedelta(hours=9 * i)}
        slot = i % 10
        if slot in (0, 2, 3, 6, 8):
            lines = [{"id": "l0", "category": "apparel", "amount": Decimal(100 + i)}]
            raw.update(type="purchase", currency="CNY", lines=lines)
        elif slot == 7:
            raw.update(type="refund", order=f"e{i - 5}")
            if i % 20 == 7:
                raw["lines"] = [{"line": "l0", "quantity": 1}]
        elif slot == 9 and i >= 40:
            raw.update(type="redemption", points=100, order_amount=Decimal(300))
        else:
            raw.update(type="activity", kind="checkin")
        events.append(memberkit.parse_event(raw))
    return events


def _summed(points: PointsState, currency: str, moment: datetime) -> int | Decimal:
    """The spendable balance as a plain sum over the lots usable at ``moment``, less debt."""
    total = sum(
        (lot.remaining for lot in points.lots if lot.currency == currency and usable(lot, moment)),
        0,
    )
    return total - points.debt_of(currency)


def test_derived_indexes_equal_fresh_ones_through_refunds_spends_expiry_and_folds() -> None:
    """After every event of ten months (folded past the refund horizon), each derived index
    equals the index worked out from a copy of its tuple."""
    state = member()
    folded = False
    for event in _events(800):
        state, _ = memberkit.apply(RETAIL, state, event)
        folded = folded or state.folded is not None
        lots = state.points.lots
        # A copy of the tuple is a new key: its index is worked out afresh.
        derived, fresh = edges(lots), edges(tuple(lot for lot in lots))
        assert (derived.moments, derived.expiries, derived.releases) == (
            fresh.moments,
            fresh.expiries,
            fresh.releases,
        )
        # Searches rely on these being in time order (the tier in force, a refund's records).
        for moments in (
            [change.at for change in state.tiers.history],
            [entry.at for entry in state.points.journal],
            [use.at for use in state.points.cap_uses],
        ):
            assert moments == sorted(moments)
        # The spendable balance from the index's totals is the sum over the usable lots.
        for later in (timedelta(0), timedelta(days=3), timedelta(days=30)):
            moment = (state.clock or state.joined_at) + later
            for currency in ("points", "growth"):
                assert available(state.points, currency, moment) == _summed(
                    state.points, currency, moment
                )
        # The currencies may still name one whose last dated lot left, never miss one.
        assert derived.currencies >= fresh.currencies == {c for _, c in fresh.expiries}
        for records in (lots, state.points.earnings, state.points.redemptions):
            assert currencies_of(records) == frozenset(r.currency for r in records)
        first_fp: dict[str, str] = {}
        for seen_id, fp, _ in state.seen:
            first_fp.setdefault(seen_id, fp)
        for seen_id, fp in first_fp.items():
            assert state.fingerprint_of(seen_id) == fp
        assert state.fingerprint_of(f"e{len(state.seen) + 10_000}") is None
        for order in state.orders:
            assert state.order(order.id) is order
    assert folded


def test_a_currency_whose_last_lot_leaves_is_no_longer_held() -> None:
    """Dropping a currency's last lot drops the currency, also when no lot is left (the empty
    tuple, one object for every empty history, keeps no derived value)."""
    when = member().joined_at
    points = Lot("o1/points", "points", 10, 10, when, when, None, "o1")
    growth = Lot("o1/growth", "growth", 10, 0, when, when, None, "o1")
    lots = (points, growth)
    assert currencies_of(lots) == {"points", "growth"}
    assert currencies_of(replaced(lots, (points,), [(growth, None)])) == {"points"}
    alone = (growth,)
    assert currencies_of(alone) == {"growth"}
    assert currencies_of(replaced(alone, (), [(growth, None)])) == frozenset()
    assert currencies_of(replaced(alone, (), ())) == frozenset()
