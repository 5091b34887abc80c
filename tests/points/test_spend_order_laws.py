"""Spending earliest expiry first, one date at a time from the due-moment index, takes the lots
in the order of sorting every usable lot by the policy's spend key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from memberkit.points._ledger import _spend_key, spend, usable
from memberkit.points._state import Lot, PointsState

BASE = datetime(2026, 1, 1, tzinfo=UTC)
SHANGHAI = timezone(timedelta(hours=8))
AT = BASE + timedelta(days=50)


@st.composite
def lots(draw: st.DrawFn) -> tuple[Lot, ...]:
    out = []
    for n in range(draw(st.integers(0, 25))):
        # Few distinct dates (many lots share one), some written in another offset.
        day = draw(st.one_of(st.none(), st.integers(40, 46)))
        expires = None
        if day is not None:
            expires = BASE + timedelta(days=day)
            if draw(st.booleans()):
                expires = expires.astimezone(SHANGHAI)
        earned = BASE + timedelta(days=draw(st.integers(0, 30)))
        released = draw(st.sampled_from(["earned", "later", "never"]))
        available = {"earned": earned, "later": AT + timedelta(days=1), "never": None}[released]
        remaining = draw(st.integers(0, 50))
        out.append(
            Lot(
                id=f"l{n}",
                currency=draw(st.sampled_from(["points", "miles"])),
                amount=max(remaining, 1),
                remaining=remaining,
                earned_at=earned,
                available_at=available,
                expires_at=expires,
                source=f"o{n}",
                expired=draw(st.booleans()) if remaining else False,
            )
        )
    return tuple(out)


@given(lots(), st.sampled_from(["points", "miles"]), st.integers(1, 2000))
def test_earliest_expiry_spends_in_the_order_of_the_sorted_usable_lots(
    held: tuple[Lot, ...], currency: str, amount: int
) -> None:
    key = _spend_key("earliest_expiry")
    ordered = sorted((lot for lot in held if lot.currency == currency and usable(lot, AT)), key=key)
    expected: list[tuple[str, int]] = []
    left = amount
    for lot in ordered:
        if left <= 0:
            break
        take = min(int(lot.remaining), left)
        expected.append((lot.id, take))
        left -= take
    state = PointsState(lots=held)
    after, taken, short = spend(state, currency, amount, AT, "earliest_expiry")
    assert list(taken) == expected
    assert short == left
    took = dict(taken)
    for was, now in zip(held, after.lots, strict=True):
        assert now.remaining == was.remaining - took.get(was.id, 0)
