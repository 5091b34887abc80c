"""The ledger: crediting lots, spending them in the policy's order, expiry dates and balances.

Every function returns new values; nothing is changed in place. A lot never goes below zero:
what a refund cannot take from lots under ``reversal: negative`` becomes a debt that later
credits pay off first.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import compress, count
from operator import attrgetter, itemgetter
from typing import Protocol, TypeVar

from dateutil.relativedelta import relativedelta

from .._evolve import replace
from .._instants import fixed_offset
from .._memo import IdentityMemo
from .._program import ProgramInfo
from .._reasons import Reason
from .._scan import positions
from ..tiers._state import TierState
from ._compile import CompiledCurrency
from ._model import ExpirySpec, ExtendWhileTier
from ._state import JournalEntry, Lot, PointsState

__all__ = [
    "Holdings",
    "available",
    "credit",
    "credit_new",
    "dates_reached",
    "edges",
    "effective_expiry",
    "end_of_day",
    "expiry_for",
    "first_edge",
    "holdings",
    "insufficient",
    "journaled",
    "last_day",
    "protected_at",
    "pushed",
    "reached_span",
    "released_between",
    "spend",
    "spend_order",
    "start_of_day",
    "unprotected_after",
    "usable",
]

Points = int | Decimal


def start_of_day(day: date, info: ProgramInfo) -> datetime:
    """The moment a local day starts: its midnight in the programme's timezone."""
    return fixed_offset(datetime(day.year, day.month, day.day, tzinfo=info.tz))


def end_of_day(day: date, info: ProgramInfo) -> datetime:
    """The moment a local day ends: the next day's midnight in the programme's timezone."""
    return start_of_day(day + timedelta(days=1), info)


def expiry_for(
    expiry: ExpirySpec | None, earned_at: datetime, info: ProgramInfo, joined: datetime
) -> datetime | None:
    """When points earned at ``earned_at`` stop being valid (the midnight after their last day).

    Inactivity expiry has no date per lot: it is worked out from the member's last activity.
    Card years run from the joining day (``joined``).
    """
    if expiry is None or expiry.inactivity_months is not None:
        return None
    earned = info.local_date(earned_at)
    if expiry.card_years is not None:
        start = info.local_date(joined)
        # The card year of the earning day, counted from the joining day (29 Feb: 28 Feb).
        held = relativedelta(earned, start).years if earned >= start else 0
        end = start + relativedelta(years=held + 1 + expiry.card_years)
        return end_of_day(end - timedelta(days=1), info)
    if expiry.fixed is not None:
        month, day = (int(p) for p in expiry.fixed.split("-"))
        # Points earned in year Y are valid until MM-DD of Y + years_after_earning (the common
        # Chinese rule: 31 Dec of the following year).
        last = date(earned.year + expiry.years_after_earning, month, day)
        return end_of_day(last, info)
    assert expiry.rolling_months is not None
    last = earned + relativedelta(months=expiry.rolling_months)
    if expiry.last_day == "day_before":
        # The day before the anniversary; an anniversary that a shorter month does not have is
        # its last day (31 Jan + 1 month: 28 Feb), so the day before is 27 Feb.
        last -= timedelta(days=1)
    if expiry.round_to == "month_end":
        last = last.replace(day=1) + relativedelta(months=1, days=-1)
    elif expiry.round_to == "quarter_end":
        quarter_end_month = ((last.month - 1) // 3 + 1) * 3
        last = last.replace(month=quarter_end_month, day=1) + relativedelta(months=1, days=-1)
    return end_of_day(last, info)


def last_day(expires_at: datetime, info: ProgramInfo) -> date:
    """The last local day a lot expiring at ``expires_at`` is valid."""
    return info.local_date(expires_at - timedelta(microseconds=1))


def pushed(
    expires_at: datetime, info: ProgramInfo, *, months: int = 0, to: date | None = None
) -> datetime:
    """An expiry pushed back ``months`` on the local calendar, or to the end of day ``to``."""
    if to is not None:
        return end_of_day(to, info)
    # Month arithmetic on the last valid day (dateutil): valid to 15 Jan, pushed a month, is
    # valid to 15 Feb; a month's last day stays a month's last day (31 Dec + 3 months: 31 Mar).
    was = last_day(expires_at, info)
    last = was + relativedelta(months=months)
    if (was + timedelta(days=1)).day == 1:
        last = last.replace(day=1) + relativedelta(months=1, days=-1)
    return end_of_day(last, info)


def protected_at(moment: datetime, protected: tuple[str, ...], tiers: TierState) -> frozenset[str]:
    """The protected tiers held at ``moment``: the ladder tier and paid tiers alongside."""
    if not protected:
        return frozenset()
    as_set = _PROTECTED.get(protected)
    if as_set is None:
        as_set = _PROTECTED.setdefault(protected, frozenset(protected))
    if not tiers.grants:
        # The ladder tier alone (the common case): no set of the tiers held is built.
        tier = tiers.tier_at(moment)
        return frozenset((tier,)) if tier in as_set else _NONE
    return tiers.tiers_at(moment) & as_set


_NONE: frozenset[str] = frozenset()


_PROTECTED: dict[tuple[str, ...], frozenset[str]] = {}
"""The protected tiers of each currency's shield as a set (a policy's few shields)."""


def effective_expiry(
    moment: datetime, protected: tuple[str, ...], tiers: TierState
) -> datetime | None:
    """When points due at ``moment`` really expire: not while a protected tier is held.

    A protected tier counts whether it is the ladder tier or a paid tier held alongside. None
    when one is held from ``moment`` on as far as the history and the grants tell; otherwise the
    points expire at the first moment after ``moment`` that no protected tier is held.
    """
    if not protected_at(moment, protected, tiers):
        return moment
    return unprotected_after(moment, protected, tiers)


def unprotected_after(
    moment: datetime, protected: tuple[str, ...], tiers: TierState
) -> datetime | None:
    """The first moment after ``moment`` at which no protected tier is held (None: none known)."""
    found = _unprotected(protected, tiers)
    k = bisect_right(found, moment)
    return found[k] if k < len(found) else None


_UNPROTECTED: IdentityMemo[
    tuple[object, ...], tuple[tuple[object, ...], tuple[str, ...], list[datetime]]
] = IdentityMemo()


def _unprotected(protected: tuple[str, ...], tiers: TierState) -> list[datetime]:
    """The moments, in order, at which the tiers held change to hold no protected tier.

    The tiers held only change at a recorded change or where a grant starts or ends. Worked out
    once for a history and its grants (they change at tier changes, not at every event), so a
    member who keeps lots past their dates for years under a protected tier does not have the
    whole history walked at every question.
    """
    found = _UNPROTECTED.get(tiers.history)
    if found is not None and found[0] is tiers.grants and found[1] == protected:
        return found[2]
    edges = sorted(
        {c.at for c in tiers.history}
        | {g.end for g in tiers.grants if g.end is not None}
        | {g.start for g in tiers.grants}
    )
    out = [edge for edge in edges if not protected_at(edge, protected, tiers)]
    _UNPROTECTED.put(tiers.history, (tiers.grants, protected, out))
    return out


def usable(lot: Lot, at: datetime) -> bool:
    """Whether the lot's points can be spent at ``at`` (held, not expired, released)."""
    # Expiry is applied by the engine's time step (which knows about protected tiers) before
    # anything is spent, so a lot not marked expired is still valid. Most lots of a long history
    # are used up, so the cheapest test comes first.
    return (
        lot.remaining > 0
        and not lot.expired
        and lot.available_at is not None
        and lot.available_at <= at
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ID = attrgetter("id")
_REMAINING = attrgetter("remaining")

SpendKey = tuple[bool, datetime, datetime, str] | tuple[datetime, str]


def _spend_key(order: str) -> Callable[[Lot], SpendKey]:
    """The sort key of the policy's consumption order (aware datetimes compare as instants)."""
    if order == "earliest_earned":
        return lambda lot: (lot.earned_at, lot.id)
    if order == "latest_earned":
        # Latest first: negate through the distance from the epoch, exact to the microsecond.
        return lambda lot: (_EPOCH - (lot.earned_at - _EPOCH), lot.id)
    # Undated lots (inactivity expiry, or none) are spent after every dated one.
    return lambda lot: (
        lot.expires_at is None,
        lot.expires_at or _EPOCH,
        lot.earned_at,
        lot.id,
    )


_EXPIRES_AT = attrgetter("expires_at")
_EARNED_AND_ID = attrgetter("earned_at", "id")


def _by_expiry(
    lots: tuple[Lot, ...], currency: str, spendable: Callable[[Iterable[int]], list[int]]
) -> Iterator[int]:
    """Positions of the spendable lots of ``currency`` (``spendable`` picks them from a run of
    positions), earliest expiry first: ``_spend_key``'s order, one date at a time.

    Every live dated lot's date is in the index of due moments (``edges``); a lot that is not
    live is not spendable, so the dates there are all the dates to spend from, and undated lots
    come after them all. Where the currency allows it, lots past the refund horizon sharing a
    date are merged (``memberkit._fold``), so the first dates hold few lots: a redemption
    orders those, not every lot the member holds.
    """
    known = edges(lots)
    pairs = known.expiries
    dated: Iterable[datetime] = (
        map(_first, pairs)
        if known.currencies == {currency}
        else (moment for moment, held_by in pairs if held_by == currency)
    )
    expiries = list(map(_EXPIRES_AT, lots))
    # Distinct dates in order (equal instants are one date, as the sort key has them).
    for moment in [*dict.fromkeys(dated), None]:
        found = spendable(positions(expiries, moment))
        found.sort(key=lambda i: _EARNED_AND_ID(lots[i]))
        yield from found


def spend_order(lots: Iterable[Lot], order: str) -> list[Lot]:
    """Lots in the order the policy spends them (default: earliest expiry first)."""
    return sorted(lots, key=_spend_key(order))


def available(state: PointsState, currency: str, at: datetime) -> Points:
    """Spendable points of ``currency`` at ``at`` (minus any debt)."""
    # From the totals kept with the lots' due moments: the live points, less those never
    # released and those released only after ``at`` (a few days' lots), not a sum over the lots.
    known = edges(state.lots)
    total, unreleased = known.held.get(currency, (0, 0))
    total -= unreleased
    releases = known.releases
    for _, held_by, points in releases[bisect_right(releases, at, key=_first) :]:
        if held_by == currency:
            total -= points
    # No usable lot gives the plain zero a sum over none would.
    return (total or 0) - state.debt_of(currency)


def spend(
    state: PointsState,
    currency: str,
    amount: Points,
    at: datetime,
    order: str,
    *,
    first: str | tuple[str, ...] | None = None,
    only_first: bool = False,
) -> tuple[PointsState, tuple[tuple[str, Points], ...], Points]:
    """Take up to ``amount`` from usable lots (lots ``first`` before the others, usable or not).

    Returns the new state, what was taken from each lot, and what could not be taken.
    """
    left: Points = amount
    taken: list[tuple[str, Points]] = []
    lots = state.lots
    changed: dict[int, Lot] = {}

    firsts = (first,) if isinstance(first, str) else (first or ())

    def candidates() -> Iterator[int]:
        # The named lot first; the others are only gathered and ordered when it is not enough,
        # which is the usual case for a refund taking back its own order's points.
        # Lot ids are looked for with ``list.index``, a scan kept in C.
        ids = list(map(_ID, lots)) if firsts else []
        for name in firsts:
            for i in positions(ids, name):
                if not lots[i].expired and lots[i].remaining > 0:
                    yield i
        if only_first or left <= 0:
            return

        def spendable(indexes: Iterable[int]) -> list[int]:
            return [
                i
                for i in indexes
                if lots[i].currency == currency and lots[i].id not in firsts and usable(lots[i], at)
            ]

        if order not in ("earliest_earned", "latest_earned"):
            # Earliest expiry first: the live lots' distinct dates, in order, come from the
            # due-moment index, and only the lots of the date being spent are gathered (by a scan
            # in C) and ordered; a long history holds many lots and few dates.
            yield from _by_expiry(lots, currency, spendable)
            return
        # Lots used up (most of a long history's) are passed over by a scan in C.
        key = _spend_key(order)
        heap = [(key(lots[i]), i) for i in spendable(compress(count(), map(_REMAINING, lots)))]
        heapq.heapify(heap)
        while heap:
            yield heapq.heappop(heap)[1]

    for index in candidates():
        if left <= 0:
            break
        lot = lots[index]
        take = min(lot.remaining, left)
        changed[index] = replace(lot, remaining=lot.remaining - take)
        taken.append((lot.id, take))
        left -= take
    if not changed:
        return state, (), left
    out = list(lots)
    for index, lot in changed.items():
        out[index] = lot
    moved = replaced(lots, tuple(out), [(lots[i], lot) for i, lot in changed.items()])
    return replace(state, lots=moved), tuple(taken), left


# --- the index of due moments ---------------------------------------------------------------------
#
# At every agenda moment the points part asks for its next due moment: the first date at which a
# live lot becomes spendable or expires. A scan of the lots makes every event cost as much as the
# member's history; instead each lots tuple gets, once, the sorted moments of its live lots. The
# index is derived data kept beside the state, never in it: it is keyed by the tuple's identity
# (the tuple is held, so the key stays its own) and bounded in size. Crediting a lot, the common
# change, extends its tuple's index with the new lot's moments instead of sorting anew.


@dataclass(slots=True)
class Edges:
    """The sorted moments of a lots tuple's live lots: all of them, and the expiry dates alone."""

    moments: list[datetime]
    expiries: list[tuple[datetime, str]]
    """(expiry date, currency) of each live dated lot."""
    releases: list[tuple[datetime, str, Points]]
    """(moment, currency, points) of each live lot that becomes spendable after it was earned."""
    currencies: frozenset[str]
    """The currencies of ``expiries``, or more (a lot that left may have taken the last of one)."""
    held: dict[str, tuple[Points, Points]]
    """Per currency, the points of its live lots and of those never released (no ``available_at``)."""


_EDGES: IdentityMemo[tuple[Lot, ...], Edges] = IdentityMemo()


def _live(lot: Lot) -> bool:
    return lot.remaining > 0 and not lot.expired


def edges(lots: tuple[Lot, ...]) -> Edges:
    """The moments at which a live lot of ``lots`` becomes spendable or expires, sorted."""
    known = _EDGES.get(lots)
    if known is not None:
        return known
    live = [lot for lot in lots if _live(lot)]
    expiries = sorted((lot.expires_at, lot.currency) for lot in live if lot.expires_at is not None)
    moments = [m for m, _ in expiries]
    moments += [lot.available_at for lot in live if lot.available_at is not None]
    releases = sorted(
        (lot.available_at, lot.currency, lot.remaining)
        for lot in live
        if lot.available_at is not None and lot.earned_at < lot.available_at
    )
    currencies = frozenset(map(_SECOND, expiries))
    held: dict[str, tuple[Points, Points]] = {}
    for lot in live:
        _hold(held, lot, 1)
    return _EDGES.put(lots, Edges(sorted(moments), expiries, releases, currencies, held))


def _hold(held: dict[str, tuple[Points, Points]], lot: Lot, sign: int) -> None:
    """Count a live lot in (``sign`` 1) or out of (-1) the totals of its currency."""
    total, unreleased = held.get(lot.currency, (0, 0))
    points = lot.remaining if sign > 0 else -lot.remaining
    if lot.available_at is None:
        unreleased += points
    held[lot.currency] = (total + points, unreleased)


def first_edge(lots: tuple[Lot, ...], after: datetime, until: datetime) -> datetime | None:
    """The first moment in (``after``, ``until``] at which a live lot changes by time alone."""
    found = edges(lots).moments
    i = bisect_right(found, after)
    if i < len(found) and found[i] <= until:
        return found[i]
    return None


def dates_reached(lots: tuple[Lot, ...], until: datetime) -> list[tuple[datetime, str]]:
    """The distinct (expiry date, currency) of live lots dated at or before ``until``."""
    found = edges(lots).expiries
    return sorted(set(found[: bisect_right(found, until, key=_first)]))


def reached_span(lots: tuple[Lot, ...], until: datetime) -> dict[str, tuple[datetime, datetime]]:
    """The earliest and the latest expiry date at or before ``until`` of live lots, by currency.

    Lots kept past their dates by a protected tier pile up over a long membership; what the
    time step asks of them depends only on these two dates of each currency (see
    ``points._engine``), so they are found by scans in C rather than a loop over the dates.
    """
    known = edges(lots)
    found = known.expiries
    k = bisect_right(found, until, key=_first)
    if not k:
        return {}
    if len(known.currencies) == 1:
        return {found[0][1]: (found[0][0], found[k - 1][0])}
    reached = found[:k]
    currencies = list(map(_SECOND, reached))
    last = k - 1
    backwards = currencies[::-1]
    return {
        c: (reached[currencies.index(c)][0], reached[last - backwards.index(c)][0])
        for c in set(currencies)
    }


_SECOND = itemgetter(1)


def released_between(
    lots: tuple[Lot, ...], after: datetime, until: datetime
) -> list[tuple[datetime, str, Points]]:
    """(moment, currency, points) of live lots that become spendable in (``after``, ``until``]."""
    found = edges(lots).releases
    return found[bisect_right(found, after, key=_first) : bisect_right(found, until, key=_first)]


_first = itemgetter(0)
"""The moment of a (moment, currency[, points]) entry of the due-moment index."""


_CURRENCIES: IdentityMemo[tuple[HasCurrency, ...], frozenset[str]] = IdentityMemo()
_CURRENCY = attrgetter("currency")


H = TypeVar("H", bound="HasCurrency")


class HasCurrency(Protocol):
    """A record held in some currency (a lot, an earning, a redemption)."""

    @property
    def currency(self) -> str:
        """The currency's id."""


def currencies_of(records: tuple[HasCurrency, ...]) -> frozenset[str]:
    """The currency ids of ``records``, worked out once per tuple (the scan kept in C)."""
    known = _CURRENCIES.get(records)
    if known is not None:
        return known
    return _CURRENCIES.put(records, frozenset(map(_CURRENCY, records)))


def with_currencies(
    records: tuple[HasCurrency, ...], out: tuple[H, ...], added: Iterable[str]
) -> tuple[H, ...]:
    """``out``, which holds the currencies of ``records`` and ``added`` (no other: records
    changed in place or appended), its currencies derived from those of ``records``."""
    held = _CURRENCIES.get(records)
    # The empty tuple is one object shared by every empty history: never a key of a derivation.
    if held is not None and out:
        more = frozenset(added) - held
        _CURRENCIES.put(out, held | more if more else held)
    return out


def dropped(records: tuple[H, ...], k: int) -> tuple[H, ...]:
    """``records`` without its first ``k`` (folded), its currencies derived from those of
    ``records``: a currency leaves only when none of the records kept holds it."""
    out = records[k:]
    held = _CURRENCIES.get(records)
    if held is not None and out:
        gone = {c for c in frozenset(map(_CURRENCY, records[:k])) if c not in map(_CURRENCY, out)}
        _CURRENCIES.put(out, held - gone if gone else held)
    return out


def _appended(lots: tuple[Lot, ...], lot: Lot) -> tuple[Lot, ...]:
    out = (*lots, lot)
    held = _CURRENCIES.get(lots)
    if held is not None:
        _CURRENCIES.put(out, held if lot.currency in held else held | {lot.currency})
    known = _EDGES.get(lots)
    if known is not None:
        moments, expiries = list(known.moments), known.expiries
        releases, currencies, held_now = known.releases, known.currencies, known.held
        if _live(lot):
            held_now = dict(held_now)
            _hold(held_now, lot, 1)
            if lot.available_at is not None:
                insort(moments, lot.available_at)
                if lot.earned_at < lot.available_at:
                    releases = list(releases)
                    insort(releases, (lot.available_at, lot.currency, lot.remaining))
            if lot.expires_at is not None:
                insort(moments, lot.expires_at)
                expiries = list(expiries)
                insort(expiries, (lot.expires_at, lot.currency))
                currencies = currencies | {lot.currency}
        _EDGES.put(out, Edges(moments, expiries, releases, currencies, held_now))
    return out


def replaced(
    lots: tuple[Lot, ...], out: tuple[Lot, ...], changes: Iterable[tuple[Lot, Lot | None]]
) -> tuple[Lot, ...]:
    """``out``, which is ``lots`` with each lot of ``changes`` replaced by the other (None: the
    lot left), its indexes derived from those of ``lots`` instead of worked out anew.

    ``changes`` names every lot that changed or left: a lot left out would stay in the
    derived indexes (a currency no longer held, a due moment of a lot gone)."""
    changes = list(changes)
    if not out:
        # The empty tuple is shared by every empty history: its indexes are worked out afresh.
        return out
    currencies = _CURRENCIES.get(lots)
    # A lot replaced by one of its own currency leaves the tuple's currencies as they were.
    if currencies is not None and all(
        now is not None and now.currency == was.currency for was, now in changes
    ):
        _CURRENCIES.put(out, currencies)
    known = _EDGES.get(lots)
    if known is None:
        return out
    moments, expiries, releases = list(known.moments), list(known.expiries), list(known.releases)
    currencies = known.currencies
    totals = dict(known.held)
    held = True
    for was, now in changes:
        if _live(was):
            _hold(totals, was, -1)
            if was.available_at is not None:
                held = held and _remove(moments, was.available_at)
                if was.earned_at < was.available_at:
                    item = (was.available_at, was.currency, was.remaining)
                    held = held and _remove(releases, item)
            if was.expires_at is not None:
                held = held and _remove(moments, was.expires_at)
                held = held and _remove(expiries, (was.expires_at, was.currency))
        if now is not None and _live(now):
            _hold(totals, now, 1)
            if now.available_at is not None:
                insort(moments, now.available_at)
                if now.earned_at < now.available_at:
                    insort(releases, (now.available_at, now.currency, now.remaining))
            if now.expires_at is not None:
                insort(moments, now.expires_at)
                insort(expiries, (now.expires_at, now.currency))
                if now.currency not in currencies:
                    currencies = currencies | {now.currency}
    if held:
        _EDGES.put(out, Edges(moments, expiries, releases, currencies, totals))
    return out


def _remove(
    items: list[datetime] | list[tuple[datetime, str]] | list[tuple[datetime, str, Points]],
    item: datetime | tuple[datetime, str] | tuple[datetime, str, Points],
) -> bool:
    """Take one ``item`` out of the sorted ``items``; False if it is not there (the index is
    then not kept, and worked out afresh when asked)."""
    i = bisect_left(items, item)
    if i == len(items) or items[i] != item:
        return False
    del items[i]
    return True


def credit(state: PointsState, lot: Lot) -> PointsState:
    """Add a lot; a debt in its currency is paid off from it first."""
    owed = state.debt_of(lot.currency)
    if owed > 0:
        repay = min(owed, lot.remaining)
        lot = replace(lot, remaining=lot.remaining - repay)
        debt = tuple(
            (cid, value - repay if cid == lot.currency else value) for cid, value in state.debt
        )
        state = replace(state, debt=tuple(d for d in debt if d[1] != 0))
    return replace(state, lots=_appended(state.lots, lot))


def credit_new(
    state: PointsState,
    event_id: str,
    currency: CompiledCurrency,
    amount: Points,
    at: datetime,
    info: ProgramInfo,
    joined: datetime,
) -> PointsState:
    """Credit a lot spendable at once, dated by the currency's expiry from ``at``."""
    lot = Lot(
        id=f"{event_id}/{currency.id}",
        currency=currency.id,
        amount=amount,
        remaining=amount,
        earned_at=at,
        available_at=at,
        expires_at=expiry_for(currency.expiry, at, info, joined),
        source=event_id,
    )
    return credit(state, lot)


def journaled(state: PointsState, *entries: JournalEntry) -> PointsState:
    """The state with ``entries`` added at the end of the journal."""
    return replace(state, journal=(*state.journal, *entries))


def insufficient(path: str, needed: Points, balance: Points, currency: CompiledCurrency) -> Reason:
    """The refusal of a debit larger than what is spendable."""
    return Reason.of(
        "points.insufficient", path, needed=needed, available=balance, currency=currency.name
    )


def add_debt(state: PointsState, currency: str, amount: Points) -> PointsState:
    """Record points owed in ``currency``."""
    owed = state.debt_of(currency) + amount
    rest = tuple(d for d in state.debt if d[0] != currency)
    return replace(state, debt=(*rest, (currency, owed)))


def _extended_while_held(
    moment: datetime, rule: ExtendWhileTier, tiers: TierState, info: ProgramInfo
) -> datetime | None:
    """When points due at ``moment`` really expire under ``extend_while_tier``: pushed by the
    rule's months at each date a listed tier is held. None when one is held from then on as far
    as the history and the grants tell (they would be pushed again and again)."""
    for _ in range(1200):
        if not protected_at(moment, rule.tiers, tiers):
            return moment
        later = {c.at for c in tiers.history if c.at > moment} | {
            edge
            for g in tiers.grants
            for edge in (g.start, g.end)
            if edge is not None and edge > moment
        }
        if not later:
            return None
        moment = pushed(moment, info, months=rule.months)
    return None


@dataclass(frozen=True, slots=True)
class Holdings:
    """A currency's figures at a moment: spendable, pending and what expires when."""

    available: Points
    pending: Points
    schedule: tuple[tuple[date, Points], ...]
    """(last valid day, points) for dated lots, soonest first."""
    protected: Points = 0
    """Points whose date falls while a protected tier is held, so they do not expire then."""


def holdings(
    state: PointsState,
    currency: CompiledCurrency,
    at: datetime,
    info: ProgramInfo,
    tiers: TierState | None = None,
) -> Holdings:
    """Available, pending and the expiry schedule of ``currency`` at ``at``.

    With the member's ``tiers``, a lot whose date falls while a protected tier is held is listed
    on the day it would really expire (when the tier is lost), or not at all while nothing says
    the tier will be lost; those points are counted in ``protected``.
    """
    pending: Points = 0
    kept: Points = 0
    by_day: dict[date, Points] = {}
    shield = currency.expiry.never_while_tier if currency.expiry is not None else ()
    held_rule = currency.expiry.extend_while_tier if currency.expiry is not None else None
    for lot in state.lots:
        if lot.currency != currency.id or lot.expired or lot.remaining <= 0:
            continue
        if lot.available_at is None or lot.available_at > at:
            pending += lot.remaining
        if lot.expires_at is None:
            continue
        moment: datetime | None = lot.expires_at
        if tiers is not None and shield:
            moment = effective_expiry(lot.expires_at, shield, tiers)
            if moment != lot.expires_at:
                kept += lot.remaining
        elif tiers is not None and held_rule is not None:
            moment = _extended_while_held(lot.expires_at, held_rule, tiers, info)
            if moment != lot.expires_at:
                kept += lot.remaining
        if moment is not None:
            last = last_day(moment, info)
            by_day[last] = by_day.get(last, 0) + lot.remaining
    return Holdings(
        available=available(state, currency.id, at),
        pending=pending,
        schedule=tuple(sorted(by_day.items())),
        protected=kept,
    )
