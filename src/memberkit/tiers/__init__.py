"""Tiers: ladders, qualification windows, upgrade, review, downgrade, and progress to the next tier.

``tier_of(policy, state, as_of)`` says which tier a member holds, since when, until when and on
what figures; ``progress(policy, state, as_of)`` what is missing on every way to the next tier and
what keeps the current one at the next review. Tier changes happen as events are applied with
``memberkit.apply`` (immediate upgrades, ``TierGrant``) and as time passes (``memberkit.advance``:
reviews, grace periods, validity and grant ends); each is recorded in ``TierState.history``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .. import _lazy_exports
from .._limits import memberkit_context

if TYPE_CHECKING:
    from .._compiled import Policy
    from .._state import MemberState
    from ._decisions import Need, PathProgress, TierDecision, TierProgress
    from ._model import MeasureSpec, PaidTierSpec, TierSpec, TiersSection, WindowSpec
    from ._state import TierChange, TierGrantRecord, TierState

__all__ = [
    "MeasureSpec",
    "Need",
    "PaidTierSpec",
    "PathProgress",
    "TierChange",
    "TierDecision",
    "TierGrantRecord",
    "TierProgress",
    "TierSpec",
    "TierState",
    "TiersSection",
    "WindowSpec",
    "progress",
    "tier_of",
]


_EXPORTS: dict[str, str] = {
    "MeasureSpec": "._model",
    "Need": "._decisions",
    "PaidTierSpec": "._model",
    "PathProgress": "._decisions",
    "TierChange": "._state",
    "TierDecision": "._decisions",
    "TierGrantRecord": "._state",
    "TierProgress": "._decisions",
    "TierSpec": "._model",
    "TierState": "._state",
    "TiersSection": "._model",
    "WindowSpec": "._model",
}
"""Where each type lives; imported on first use (PEP 562), so the loader's import of the tiers
compiler does not bring the member state and the decisions (``memberkit validate`` needs neither).
The two queries are defined below: they run ``_query``'s in memberkit's decimal context."""


__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS, __all__, globals())


# The member state imports this package's ``_state`` while it loads itself, so the queries (which
# read the state) are imported when first called rather than here.


@memberkit_context
def tier_of(policy: Policy, state: MemberState, as_of: datetime) -> TierDecision:
    """The tier in force at ``as_of``, since when, until when, the figures, and the reasons."""
    from ._query import tier_of as query

    return query(policy, state, as_of)


@memberkit_context
def progress(policy: Policy, state: MemberState, as_of: datetime) -> TierProgress:
    """For every way to the next tier what is still missing, and what keeps the current one."""
    from ._query import progress as query

    return query(policy, state, as_of)
