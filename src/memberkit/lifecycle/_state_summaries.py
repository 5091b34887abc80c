"""Calibration/holdout summaries from member states, as the policy states them.

``summarise_states(policy, states, calibration_end=..., holdout_end=...)`` is
``summarise_transactions`` over the members' own purchase occasions: the time unit, the same-day
rule and the calendar are the policy's (``lifecycle.summary``, ``program.timezone``), so the
summaries a model is fitted and checked on are the ones ``member_value`` reads. Occasions a state
folded away (``MemberState.folded``) come back as the stand-ins ``occasions`` gives, with the same
days, count and amounts of the first and the rest. States must come ordered by member id (as
``ORDER BY member_id`` gives them): one member is in memory at a time, and out of order is a
ModelError.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from .._state import MemberState
from ._access import lifecycle_of
from ._summaries import occasions
from ._transactions import MemberSummary, Unit, summarise_transactions

if TYPE_CHECKING:
    from .._compiled import Policy

__all__ = ["summarise_states"]


def summarise_states(
    policy: Policy,
    states: Iterable[MemberState],
    *,
    calibration_end: date,
    holdout_end: date | None = None,
) -> Iterator[MemberSummary]:
    """One MemberSummary per member who bought by ``calibration_end`` (a local date, included),
    in the policy's ``summary.unit`` with its ``same_day`` rule; with ``holdout_end`` the
    occasions in (calibration_end, holdout_end] are counted as the holdout."""
    last_day = holdout_end if holdout_end is not None else calibration_end
    tz = policy.at(datetime.combine(last_day, datetime.max.time(), policy.info.tz)).info.tz
    end = datetime.combine(last_day, datetime.max.time(), tz)
    section = lifecycle_of(policy, end)
    unit: Unit = "weeks" if section.unit == "weeks" else "days"
    same_day: Literal["merge", "keep"] = "keep" if section.same_day == "keep" else "merge"

    def rows() -> Iterator[tuple[str, date, Decimal]]:
        for state in states:
            for found in occasions(state, end, tz, same_day):
                yield state.member_id, found.day, found.amount

    return summarise_transactions(
        rows(),
        calibration_end=calibration_end,
        unit=unit,
        same_day=same_day,
        holdout_end=holdout_end,
        tz=tz,
    )
