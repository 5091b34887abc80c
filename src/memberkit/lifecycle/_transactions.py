"""From a transactions table to per-member summaries, streaming in constant memory.

A host exports its orders as rows (member, when, amount), ordered by member and then by time
(``ORDER BY member_id, placed_at``): the summary of a member is complete when the next member's
first row arrives, so only one member's running figures are held, whatever the table's size.
Rows out of that order are refused (ModelError), never silently mis-summarised.

Each member's history is split at ``calibration_end`` (a local date, included in calibration):
  x        repeat purchase occasions in the calibration period (all but the first)
  t_x      time of the last calibration occasion, measured from the first
  T        time from the first occasion to ``calibration_end``, counted in whole local days
           (calibration_end - first day), as t_x is
  holdout  purchase occasions in (calibration_end, holdout_end], when a holdout is asked for
  spend    the mean amount of the REPEAT calibration occasions (what the gamma-gamma spend model
           is fitted on; None when x = 0), and the first occasion's amount kept apart
Times are in ``unit`` (days or weeks of 7 days). With ``same_day: merge`` every order of one local
day is one occasion (amounts added); with ``keep`` each row is its own occasion. A member whose
first purchase is after ``calibration_end`` is not in the calibration cohort and is not yielded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Literal

from .._errors import ModelError

__all__ = ["MemberSummary", "Unit", "summarise_transactions", "unit_days"]

Unit = Literal["days", "weeks"]
_UNIT_DAYS = {"days": 1, "weeks": 7}


def unit_days(unit: str) -> int:
    """How many days one unit is (days 1, weeks 7); other units are refused."""
    try:
        return _UNIT_DAYS[unit]
    except KeyError:
        raise ModelError(f"unknown time unit {unit!r} (days or weeks)") from None


@dataclass(frozen=True, slots=True)
class MemberSummary:
    """One member's calibration summary (x, t_x, T in ``unit``), spend, and holdout count."""

    member: str
    x: int
    t_x: float
    T: float
    unit: Unit
    first_amount: Decimal
    mean_repeat_amount: Decimal | None
    holdout_purchases: int | None
    holdout_length: float | None

    @property
    def triple(self) -> tuple[int, float, float]:
        """(x, t_x, T), the input of the purchase models."""
        return (self.x, self.t_x, self.T)


class _Running:
    """The figures of the member being read: O(1) memory whatever their history's length."""

    __slots__ = (
        "amount",
        "day",
        "first_amount",
        "first_day",
        "holdout",
        "holdout_day",
        "repeat_total",
        "x",
    )

    def __init__(self, day: date, amount: Decimal) -> None:
        self.first_day = day
        self.day = day
        self.amount = amount  # the amount of the occasion still open (merge may add to it)
        self.first_amount = amount
        self.x = 0
        self.repeat_total = Decimal(0)
        self.holdout = 0
        self.holdout_day: date | None = None


def _local_day(when: date | datetime, tz: tzinfo | None, member: str) -> date:
    if isinstance(when, datetime):
        if when.tzinfo is None or when.utcoffset() is None:
            raise ModelError(f"member {member!r}: transaction time {when} has no timezone offset")
        if tz is None:
            raise ModelError("transactions with times need the programme's timezone (tz=...)")
        return when.astimezone(tz).date()
    if isinstance(when, date):
        return when
    raise ModelError(f"member {member!r}: {when!r} is not a date or a datetime")


def summarise_transactions(
    rows: Iterable[tuple[str, date | datetime, Decimal]],
    *,
    calibration_end: date,
    unit: Unit,
    same_day: Literal["merge", "keep"] = "merge",
    holdout_end: date | None = None,
    tz: tzinfo | None = None,
) -> Iterator[MemberSummary]:
    """Member summaries from rows ordered by member, then time; one member in memory at a time."""
    per = unit_days(unit)
    if same_day not in ("merge", "keep"):
        raise ModelError(f"unknown same_day rule {same_day!r} (merge or keep)")
    if holdout_end is not None and holdout_end <= calibration_end:
        raise ModelError("holdout_end must be after calibration_end")
    holdout_length = None if holdout_end is None else (holdout_end - calibration_end).days / per
    member: str | None = None
    run: _Running | None = None

    def finish(name: str, state: _Running | None) -> MemberSummary | None:
        if state is None:
            return None  # every purchase of this member was after the calibration period
        x = state.x
        return MemberSummary(
            member=name,
            x=x,
            t_x=(state.day - state.first_day).days / per,
            T=(calibration_end - state.first_day).days / per,
            unit=unit,
            first_amount=state.first_amount,
            mean_repeat_amount=(state.repeat_total + state.amount) / x if x else None,
            holdout_purchases=None if holdout_end is None else state.holdout,
            holdout_length=holdout_length,
        )

    last_day: date | None = None
    for who, when, amount in rows:
        if not isinstance(amount, Decimal) or not amount.is_finite():
            raise ModelError(f"member {who!r}: amount {amount!r} must be a finite Decimal")
        day = _local_day(when, tz, who)
        if who != member:
            if member is not None:
                if who < member:
                    raise ModelError(
                        f"transactions must be ordered by member: {who!r} came after {member!r}"
                    )
                done = finish(member, run)
                if done is not None:
                    yield done
            member, run, last_day = who, None, None
        elif last_day is not None and day < last_day:
            raise ModelError(
                f"member {who!r}: transactions must be in time order ({day} came after {last_day})"
            )
        last_day = day
        if day > calibration_end:
            if run is not None and holdout_end is not None and day <= holdout_end:
                # A same-day holdout order merges with the previous one like any other.
                if not (same_day == "merge" and day == run.holdout_day):
                    run.holdout += 1
                run.holdout_day = day
            continue
        if run is None:
            run = _Running(day, amount)
        elif same_day == "merge" and day == run.day:
            run.amount += amount
            if run.x == 0:
                run.first_amount = run.amount
        else:
            if run.x:
                run.repeat_total += run.amount
            run.x += 1
            run.day = day
            run.amount = amount
    if member is not None:
        done = finish(member, run)
        if done is not None:
            yield done
