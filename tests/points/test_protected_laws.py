"""Laws of protected-tier expiry: the searched answers equal the plain walk over the history.

The engine finds when kept points really expire with a search over the moments a tier history
stops holding a protected tier (worked out once per history), and the time step looks only at
the earliest and latest date reached of each currency. These laws compare both with the plain
definitions: walk every change and grant edge after the date, and look at every date.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from memberkit.points._ledger import effective_expiry, protected_at, unprotected_after
from memberkit.tiers._state import TierChange, TierGrantRecord, TierState

START = datetime(2026, 1, 1, tzinfo=UTC)
TIERS = ("base", "silver", "gold", "platinum", "club")


def _moment(day: int) -> datetime:
    return START + timedelta(days=day)


@st.composite
def tier_states(draw: st.DrawFn) -> TierState:
    """A history of changes in time order (some on the same day) and grants, some alongside."""
    days = sorted(draw(st.lists(st.integers(0, 60), min_size=1, max_size=8)))
    history = tuple(
        TierChange(_moment(day), draw(st.sampled_from(TIERS)), "upgrade") for day in days
    )
    grants = []
    for n in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, 60))
        length = draw(st.none() | st.integers(1, 30))
        grants.append(
            TierGrantRecord(
                f"g{n}",
                draw(st.sampled_from(TIERS)),
                _moment(start),
                None if length is None else _moment(start + length),
                "paid",
                alongside=draw(st.booleans()),
            )
        )
    return TierState(history=history, grants=tuple(grants))


def _walked_tier(tiers: TierState, moment: datetime) -> str | None:
    found = None
    for change in tiers.history:
        if change.at > moment:
            break
        found = change.tier
    return found


def _walked_expiry(
    moment: datetime, protected: tuple[str, ...], tiers: TierState
) -> datetime | None:
    def held(at: datetime) -> bool:
        ladder = _walked_tier(tiers, at)
        alongside = {g.tier for g in tiers.grants if g.alongside and g.holds(at)}
        return (
            bool(({ladder} | alongside) & set(protected))
            if ladder
            else bool(alongside & set(protected))
        )

    if not protected or not held(moment):
        return moment
    edges = sorted(
        {c.at for c in tiers.history if c.at > moment}
        | {g.end for g in tiers.grants if g.end is not None and g.end > moment}
        | {g.start for g in tiers.grants if g.start > moment}
    )
    return next((edge for edge in edges if not held(edge)), None)


protections = st.lists(st.sampled_from(TIERS), max_size=2, unique=True).map(tuple)
days = st.integers(-5, 100)


@given(tier_states(), protections, days)
def test_the_searched_expiry_is_the_walked_one(
    tiers: TierState, protected: tuple[str, ...], day: int
) -> None:
    """Points due on any day expire when the plain walk over the history says."""
    moment = _moment(day) + timedelta(hours=day % 5)
    assert tiers.tier_at(moment) == _walked_tier(tiers, moment)
    assert effective_expiry(moment, protected, tiers) == _walked_expiry(moment, protected, tiers)


@given(tier_states(), protections, st.lists(days, min_size=1, max_size=6), days)
def test_the_earliest_date_held_through_speaks_for_all(
    tiers: TierState, protected: tuple[str, ...], dates: list[int], until_day: int
) -> None:
    """Held from the earliest date reached through ``until``: no date reached is due by then.

    And for the next due moment after ``until``, the latest date alone gives the answer any
    date gives.
    """
    reached = sorted(_moment(day) for day in dates if day <= until_day)
    until = _moment(until_day)
    if not reached or not protected:
        return
    earliest, latest = reached[0], reached[-1]
    end = unprotected_after(earliest, protected, tiers)
    if protected_at(earliest, protected, tiers) and (end is None or end > until):
        assert all(
            (answer := _walked_expiry(d, protected, tiers)) is None or answer > until
            for d in reached
        )
    later = {
        answer
        for d in reached
        if (answer := _walked_expiry(d, protected, tiers)) is not None and answer > until
    }
    assert later <= {effective_expiry(latest, protected, tiers)}
