"""When the member last did something that counts as activity (inactivity expiry, timed rules)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .._state import ActivityRecord, MemberState, OrderRecord
from ..benefits._state import BenefitUseRecord
from ._state import RedemptionRecord

__all__ = ["last_activity"]


def last_activity(state: MemberState, kinds: tuple[str, ...], until: datetime) -> datetime:
    """The latest moment by ``until`` the member did something of ``kinds`` (joining counts).

    ``kinds`` are ``purchase``, ``redemption``, ``benefit_use`` and activity kinds. Records are
    kept in time order, so each search runs back from the latest; what the state folded
    (``MemberState.folded``) keeps the latest moment of each kind.
    """
    moments: list[datetime | None] = []
    folded = state.folded
    if "purchase" in kinds:
        moments.append(_latest(state.orders, until, None))
    moments.append(_latest(state.activities, until, kinds))
    if "redemption" in kinds:
        # Spending points is using the programme: a redemption resets the clock as a purchase does.
        moments.append(_latest(state.points.redemptions, until, None))
    if "benefit_use" in kinds:
        moments.append(_latest(state.benefits.uses, until, None))
    if folded is not None:
        moments += [folded.last(kind) for kind in kinds]
    return max([state.joined_at, *(m for m in moments if m is not None and m <= until)])


def _latest(
    records: Sequence[OrderRecord | ActivityRecord | RedemptionRecord | BenefitUseRecord],
    until: datetime,
    kinds: tuple[str, ...] | None,
) -> datetime | None:
    for record in reversed(records):
        if record.at > until:
            continue
        if kinds is None or getattr(record, "kind", None) in kinds:
            return record.at
    return None
