"""Points: earning, lots and journal, pending, redemption, expiry, extension, reversal, transfer.

``quote_points(policy, state, event)`` says what an event would earn, rule by rule;
``balance(policy, state, as_of)`` what a member holds and when it expires; ``held_lots`` each
lot's expiry; ``expiring(policy, state, as_of, through=day)`` what is about to expire;
``expired(policy, state, since, through)`` what expired; ``redemption_check`` and
``max_redeemable`` whether (and how much) a redemption would go through;
``points_for_discount`` and ``discount_for_points`` what a discount takes and what points pay,
by the denomination table or the rate. Points move through
events applied with ``memberkit.apply``: purchases, refunds, activities, redemptions and their
cancels, transfers and partner exchanges, adjustments and paid expiry extensions
(``points_extension``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _lazy_exports

if TYPE_CHECKING:
    from ._decisions import (
        Balance,
        ExpiredPoints,
        ExpiringPoints,
        HeldLot,
        HeldLots,
        PointsQuote,
        QuoteLine,
        RedemptionCheck,
    )
    from ._discount import discount_for_points, points_for_discount
    from ._model import (
        CapSpec,
        CurrencySpec,
        EarnCapSpec,
        EarnRule,
        ExpirySpec,
        ExtensionCampaign,
        PaidExtensionSpec,
        PartnerSpec,
        PointsSection,
        RedeemSpec,
        TransferSpec,
    )
    from ._query import (
        balance,
        expired,
        expiring,
        held_lots,
        max_redeemable,
        quote_points,
        redemption_check,
    )
    from ._state import (
        CapUse,
        Earning,
        JournalEntry,
        Lot,
        PointsState,
        RedemptionRecord,
    )


__all__ = [
    "Balance",
    "CapSpec",
    "CapUse",
    "CurrencySpec",
    "EarnCapSpec",
    "EarnRule",
    "Earning",
    "ExpiredPoints",
    "ExpiringPoints",
    "ExpirySpec",
    "ExtensionCampaign",
    "HeldLot",
    "HeldLots",
    "JournalEntry",
    "Lot",
    "PaidExtensionSpec",
    "PartnerSpec",
    "PointsQuote",
    "PointsSection",
    "PointsState",
    "QuoteLine",
    "RedeemSpec",
    "RedemptionCheck",
    "RedemptionRecord",
    "TransferSpec",
    "balance",
    "discount_for_points",
    "expired",
    "expiring",
    "held_lots",
    "max_redeemable",
    "points_for_discount",
    "quote_points",
    "redemption_check",
]


_EXPORTS: dict[str, str] = {
    "Balance": "._decisions",
    "CapSpec": "._model",
    "CapUse": "._state",
    "CurrencySpec": "._model",
    "EarnCapSpec": "._model",
    "EarnRule": "._model",
    "Earning": "._state",
    "ExpiredPoints": "._decisions",
    "ExpiringPoints": "._decisions",
    "ExpirySpec": "._model",
    "ExtensionCampaign": "._model",
    "HeldLot": "._decisions",
    "HeldLots": "._decisions",
    "JournalEntry": "._state",
    "Lot": "._state",
    "PaidExtensionSpec": "._model",
    "PartnerSpec": "._model",
    "PointsQuote": "._decisions",
    "PointsSection": "._model",
    "PointsState": "._state",
    "QuoteLine": "._decisions",
    "RedeemSpec": "._model",
    "RedemptionCheck": "._decisions",
    "RedemptionRecord": "._state",
    "TransferSpec": "._model",
    "balance": "._query",
    "expired": "._query",
    "expiring": "._query",
    "held_lots": "._query",
    "max_redeemable": "._query",
    "points_for_discount": "._discount",
    "discount_for_points": "._discount",
    "quote_points": "._query",
    "redemption_check": "._query",
}
"""Where each name lives; imported on first use (PEP 562), so importing the package is cheap."""


__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS, __all__, globals())
